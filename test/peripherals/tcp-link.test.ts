/**
 * The TCP link's edge cases: a printer that hangs up before taking the job, and one that accepts
 * the connection but never reads, must fail the job (it stays queued) rather than count as printed
 * or hang the queue.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { TcpLink } from '../../core/peripherals/printer/tcp/tcp-link.ts';

let server: Server | null = null;
const sockets = new Set<Socket>();

afterEach(async () => {
  for (const s of sockets) s.destroy();
  sockets.clear();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = null;
});

function listen(onSocket: (socket: Socket) => void): Promise<number> {
  return new Promise((resolve) => {
    server = createServer((socket) => {
      sockets.add(socket);
      socket.on('error', () => {});
      onSocket(socket);
    });
    server.listen(0, '127.0.0.1', () => resolve((server!.address() as { port: number }).port));
  });
}

describe('TcpLink', () => {
  it('a printer that hangs up at once has not printed the job', async () => {
    const port = await listen((socket) => socket.destroy());
    const link = new TcpLink('127.0.0.1', port);
    await expect(link.exchange(Buffer.alloc(4 * 1024 * 1024, 0x41))).rejects.toThrow();
  });

  it('a printer that takes the connection but never reads fails the job within the deadline', async () => {
    const port = await listen((socket) => socket.pause());
    const link = new TcpLink('127.0.0.1', port, { jobTimeoutMs: 300 });
    await expect(link.exchange(Buffer.alloc(64 * 1024 * 1024, 0x41))).rejects.toThrow(
      /not taken within 300 ms/,
    );
  });

  it('a printer that reads everything but keeps its side open still counts as printed', async () => {
    const received: Buffer[] = [];
    const port = await listen((socket) => {
      socket.allowHalfOpen = true;
      socket.on('data', (d) => received.push(d));
    });
    const link = new TcpLink('127.0.0.1', port, { closeWaitMs: 50 });
    await link.exchange(Buffer.from('hello'));
    expect(Buffer.concat(received).toString()).toBe('hello');
  });
});
