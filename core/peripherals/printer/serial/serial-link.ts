/**
 * A serial (RS-232 or USB virtual COM) receipt printer or pole display through serialport. The port
 * stays open while jobs follow each other and closes after a short idle time (so a printer unplugged
 * and plugged back is simply opened again, and the device is not held for ever). Not reopened per
 * job: serialport flushes the device's queues when it opens it (tcflush TCIOFLUSH), which can throw
 * away the end of the previous job where the driver's drain returns before the bytes are out (ptys,
 * some USB converters). Exchanges run one at a time; a device that stops taking bytes (flow control
 * held, printer off) fails the job after `jobTimeoutMs` and the port is closed.
 */
import type { SerialPort } from 'serialport';
import type { ByteLink, ExchangeOptions } from '../../escpos/byte-link.ts';
import { SerialisedJobs } from '../serialised-jobs.ts';

export interface SerialLinkOptions {
  readonly jobTimeoutMs?: number;
  /** Close the port after this long without a job. */
  readonly idleCloseMs?: number;
}

export class SerialLink implements ByteLink {
  readonly id: string;
  private readonly path: string;
  private readonly baudRate: number;
  private readonly jobTimeoutMs: number;
  private readonly idleCloseMs: number;
  private port: SerialPort | null = null;
  private readonly jobs = new SerialisedJobs();
  private idleTimer: NodeJS.Timeout | null = null;

  constructor(path: string, baudRate: number, options: SerialLinkOptions = {}) {
    this.path = path;
    this.baudRate = baudRate;
    this.id = `serial:${path}`;
    this.jobTimeoutMs = options.jobTimeoutMs ?? 30_000;
    this.idleCloseMs = options.idleCloseMs ?? 5000;
  }

  exchange(bytes: Uint8Array, options: ExchangeOptions = {}): Promise<Uint8Array> {
    return this.jobs.run(() => this.run(bytes, options));
  }

  /** Closes the port now (service shutdown). */
  async close(): Promise<void> {
    await this.jobs.idle();
    await this.shut();
  }

  private async open(): Promise<SerialPort> {
    if (this.port?.isOpen) return this.port;
    const { SerialPort } = await import('serialport');
    const port = new SerialPort({ path: this.path, baudRate: this.baudRate, autoOpen: false });
    await new Promise<void>((resolve, reject) => port.open((error) => (error ? reject(error) : resolve())));
    port.on('close', () => {
      if (this.port === port) this.port = null;
    });
    port.on('error', () => {
      if (this.port === port) void this.shut();
    });
    this.port = port;
    return port;
  }

  private shut(): Promise<void> {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = null;
    const port = this.port;
    this.port = null;
    if (!port?.isOpen) return Promise.resolve();
    return new Promise((resolve) => port.close(() => resolve()));
  }

  private async run(bytes: Uint8Array, options: ExchangeOptions): Promise<Uint8Array> {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = null;
    const want = options.replyBytes ?? 0;
    let port: SerialPort;
    try {
      port = await this.open();
    } catch (error) {
      throw error instanceof Error ? error : new Error(String(error));
    }
    const chunks: Buffer[] = [];
    let received = 0;
    try {
      return await new Promise<Uint8Array>((resolve, reject) => {
        let settled = false;
        let replyTimer: NodeJS.Timeout | undefined;
        const onData = (data: Buffer) => {
          chunks.push(data);
          received += data.length;
          if (want > 0 && received >= want && replyTimer) finish(null);
        };
        const onClose = () => finish(new Error(`${this.path} closed during the job`));
        const deadline = setTimeout(
          () => finish(new Error(`the job was not taken within ${this.jobTimeoutMs} ms`)),
          this.jobTimeoutMs,
        );
        const finish = (error: Error | null) => {
          if (settled) return;
          settled = true;
          clearTimeout(deadline);
          if (replyTimer) clearTimeout(replyTimer);
          port.off('data', onData);
          port.off('close', onClose);
          if (error) reject(error);
          else resolve(new Uint8Array(Buffer.concat(chunks)));
        };
        port.on('data', onData);
        port.once('close', onClose);
        port.write(Buffer.from(bytes), (writeError) => {
          if (writeError) return finish(writeError);
          port.drain((drainError) => {
            if (drainError) return finish(drainError);
            if (want === 0 || received >= want) return finish(null);
            replyTimer = setTimeout(() => finish(null), options.replyTimeoutMs ?? 800);
          });
        });
      });
    } catch (error) {
      // A stuck or failed port is closed (in the background: a held write may keep it a while).
      void this.shut();
      throw error;
    } finally {
      if (this.port) {
        this.idleTimer = setTimeout(() => void this.shut(), this.idleCloseMs);
        this.idleTimer.unref?.();
      }
    }
  }
}
