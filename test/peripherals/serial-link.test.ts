/**
 * The serial link's edge cases over a real socat pty: a device that stops taking bytes (flow
 * control held, nobody reading) fails the job within its deadline instead of hanging the queue.
 */
import { describe, expect, it } from 'vitest';
import { SerialLink } from '../../core/peripherals/printer/serial/serial-link.ts';
import { makeTempDir, openPtyPair, pause } from '../scanners/fakes/pty-pair.ts';

describe('SerialLink', () => {
  it('a device that stops reading fails the job within the deadline', async () => {
    const temp = makeTempDir();
    const pty = await openPtyPair(temp.dir, 'stalled');
    try {
      const link = new SerialLink(pty.device, 115200, { jobTimeoutMs: 500 });
      await expect(link.exchange(Buffer.alloc(8 * 1024 * 1024, 0x41))).rejects.toThrow(
        /not taken within 500 ms/,
      );
    } finally {
      await pty.kill();
      temp.remove();
    }
  });

  it('a device that is not there is an error naming it', async () => {
    const temp = makeTempDir();
    try {
      await expect(new SerialLink(`${temp.dir}/ttyNONE`, 9600).exchange(Uint8Array.of(1))).rejects.toThrow(
        /ttyNONE/,
      );
    } finally {
      temp.remove();
    }
  });
});

describe('SerialLink holds the port only while busy', () => {
  /** serialport locks a device it opens: a second open fails while the link holds it. */
  async function canOpen(path: string): Promise<boolean> {
    const { SerialPort } = await import('serialport');
    const port = new SerialPort({ path, baudRate: 9600, autoOpen: false });
    const opened = await new Promise<boolean>((resolve) => port.open((error) => resolve(!error)));
    if (opened) await new Promise<void>((resolve) => port.close(() => resolve()));
    return opened;
  }

  it('keeps it open between jobs, closes it after the idle time, and at once on close()', async () => {
    const temp = makeTempDir();
    const pty = await openPtyPair(temp.dir, 'idle');
    try {
      const link = new SerialLink(pty.device, 9600, { idleCloseMs: 100 });
      await link.exchange(Uint8Array.of(0x1b, 0x40));
      expect(await canOpen(pty.device)).toBe(false);
      // Released by the idle timer, without another job or a close().
      const deadline = Date.now() + 5000;
      while (!(await canOpen(pty.device)) && Date.now() < deadline) await pause(20);
      expect(await canOpen(pty.device)).toBe(true);
      const held = new SerialLink(pty.device, 9600, { idleCloseMs: 60_000 });
      await held.exchange(Uint8Array.of(0x1b, 0x40));
      expect(await canOpen(pty.device)).toBe(false);
      await held.close();
      expect(await canOpen(pty.device)).toBe(true);
    } finally {
      await pty.kill();
      temp.remove();
    }
  });
});
