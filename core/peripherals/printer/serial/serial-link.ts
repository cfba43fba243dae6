/**
 * A serial (RS-232 or USB virtual COM) receipt printer or pole display through serialport: open,
 * write, drain, read the asked-for reply bytes, close. Opening per job means a printer unplugged and
 * plugged back is reached again without a reconnect loop. A device that stops taking bytes (flow
 * control held, printer off) fails the job after `jobTimeoutMs` instead of hanging the queue.
 */
import type { ByteLink } from '../../escpos/byte-link.ts';

export class SerialLink implements ByteLink {
  readonly id: string;
  private readonly path: string;
  private readonly baudRate: number;
  private readonly jobTimeoutMs: number;

  constructor(path: string, baudRate: number, options: { jobTimeoutMs?: number } = {}) {
    this.path = path;
    this.baudRate = baudRate;
    this.id = `serial:${path}`;
    this.jobTimeoutMs = options.jobTimeoutMs ?? 30_000;
  }

  async exchange(
    bytes: Uint8Array,
    options: { replyBytes?: number; replyTimeoutMs?: number } = {},
  ): Promise<Uint8Array> {
    const { SerialPort } = await import('serialport');
    const want = options.replyBytes ?? 0;
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      let received = 0;
      let settled = false;
      let replyTimer: NodeJS.Timeout | undefined;
      const deadline = setTimeout(
        () => done(new Error(`the job was not taken within ${this.jobTimeoutMs} ms`)),
        this.jobTimeoutMs,
      );
      const port = new SerialPort({ path: this.path, baudRate: this.baudRate }, (openError) => {
        if (openError) return done(openError);
        port.write(Buffer.from(bytes), (writeError) => {
          if (writeError) return done(writeError);
          port.drain((drainError) => {
            if (drainError) return done(drainError);
            if (want === 0 || received >= want) return done(null);
            replyTimer = setTimeout(() => done(null), options.replyTimeoutMs ?? 800);
          });
        });
      });
      const done = (error: Error | null) => {
        if (settled) return;
        settled = true;
        clearTimeout(deadline);
        if (replyTimer) clearTimeout(replyTimer);
        if (error) {
          // Fail at once; the port is closed in the background (a stuck write may hold it a while).
          reject(error);
          if (port.isOpen) port.close(() => {});
          return;
        }
        const result = new Uint8Array(Buffer.concat(chunks));
        // Closed before resolving: the next job opens the same device, which allows one user.
        if (port.isOpen) port.close(() => resolve(result));
        else resolve(result);
      };
      port.on('data', (data: Buffer) => {
        chunks.push(data);
        received += data.length;
        if (want > 0 && received >= want && replyTimer) done(null);
      });
      port.on('error', (error) => done(error));
    });
  }
}
