/**
 * A serial (RS-232 or USB virtual COM) receipt printer or pole display through serialport: open,
 * write, drain, read the asked-for reply bytes, close. Opening per job means a printer unplugged and
 * plugged back is reached again without a reconnect loop.
 */
import type { ByteLink } from '../../escpos/byte-link.ts';

export class SerialLink implements ByteLink {
  readonly id: string;
  private readonly path: string;
  private readonly baudRate: number;

  constructor(path: string, baudRate: number) {
    this.path = path;
    this.baudRate = baudRate;
    this.id = `serial:${path}`;
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
      let timer: NodeJS.Timeout | undefined;
      const port = new SerialPort({ path: this.path, baudRate: this.baudRate }, (openError) => {
        if (openError) return done(openError);
        port.write(Buffer.from(bytes), (writeError) => {
          if (writeError) return done(writeError);
          port.drain((drainError) => {
            if (drainError) return done(drainError);
            if (want === 0 || received >= want) return done(null);
            timer = setTimeout(() => done(null), options.replyTimeoutMs ?? 800);
          });
        });
      });
      const done = (error: Error | null) => {
        if (settled) return;
        settled = true;
        if (timer) clearTimeout(timer);
        const result = new Uint8Array(Buffer.concat(chunks));
        const close = () => (error ? reject(error) : resolve(result));
        if (port.isOpen) port.close(() => close());
        else close();
      };
      port.on('data', (data: Buffer) => {
        chunks.push(data);
        received += data.length;
        if (want > 0 && received >= want && timer) done(null);
      });
      port.on('error', (error) => done(error));
    });
  }
}
