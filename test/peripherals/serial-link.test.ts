/**
 * The serial link's edge cases over a real socat pty: a device that stops taking bytes (flow
 * control held, nobody reading) fails the job within its deadline instead of hanging the queue.
 */
import { describe, expect, it } from 'vitest';
import { SerialLink } from '../../core/peripherals/printer/serial/serial-link.ts';
import { makeTempDir, openPtyPair } from '../scanners/fakes/pty-pair.ts';

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
