/**
 * A virtual network receipt printer: a TCP server on 127.0.0.1 that keeps every byte it receives
 * (one entry per connection) and answers DLE EOT status queries with the status bytes the test
 * sets (online by default; paper out, cover open; or no answer at all).
 */
import { createServer, type Server, type Socket } from 'node:net';

/** DLE EOT 1/2/4 replies: fixed bits 0x12 plus the flags. */
export const STATUS = {
  online: { printer: 0x12, cause: 0x12, paper: 0x12 },
  paperOut: { printer: 0x1a, cause: 0x32, paper: 0x72 },
  coverOpen: { printer: 0x1a, cause: 0x16, paper: 0x12 },
  paperLow: { printer: 0x12, cause: 0x12, paper: 0x1e },
} as const;

export type StatusReply = (typeof STATUS)[keyof typeof STATUS] | 'silent';

export interface VirtualPrinter {
  readonly port: number;
  /** Bytes received, one entry per connection (status queries included). */
  readonly connections: Buffer[];
  /** All bytes that were not only a status query, concatenated: what went to paper. */
  printed(): Buffer;
  status: StatusReply;
  close(): Promise<void>;
  /** Listen again on the same port (the printer "comes back"). */
  reopen(): Promise<void>;
}

const STATUS_QUERY = Buffer.from([0x10, 0x04, 1, 0x10, 0x04, 2, 0x10, 0x04, 4]);

export async function startVirtualPrinter(port = 0): Promise<VirtualPrinter> {
  const connections: Buffer[] = [];
  const sockets = new Set<Socket>();
  let server: Server;
  const printer: VirtualPrinter = {
    port: 0,
    connections,
    status: STATUS.online,
    printed: () => Buffer.concat(connections.filter((c) => !c.equals(STATUS_QUERY))),
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
    async reopen() {
      await listen(printer.port);
    },
  };
  const listen = (onPort: number) =>
    new Promise<void>((resolve, reject) => {
      server = createServer((socket) => {
        sockets.add(socket);
        const index = connections.push(Buffer.alloc(0)) - 1;
        let pending = Buffer.alloc(0);
        socket.on('data', (data) => {
          connections[index] = Buffer.concat([connections[index]!, data]);
          pending = Buffer.concat([pending, data]);
          // Answer each DLE EOT n as a real printer does, one byte each, as soon as it arrives.
          for (
            let i = pending.indexOf(0x10);
            i >= 0 && i + 2 < pending.length;
            i = pending.indexOf(0x10, i + 1)
          ) {
            if (pending[i + 1] !== 0x04 || printer.status === 'silent') continue;
            const n = pending[i + 2];
            const s = printer.status;
            socket.write(Buffer.from([n === 1 ? s.printer : n === 2 ? s.cause : s.paper]));
          }
          pending = pending.subarray(Math.max(0, pending.length - 2));
        });
        socket.on('close', () => sockets.delete(socket));
        socket.on('error', () => {});
      });
      server.once('error', reject);
      server.listen(onPort, '127.0.0.1', () => {
        (printer as { port: number }).port = (server.address() as { port: number }).port;
        resolve();
      });
    });
  await listen(port);
  return printer;
}
