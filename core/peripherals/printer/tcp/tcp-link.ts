/**
 * A network receipt printer's raw port (9100 by the JetDirect convention): connect, write, read the
 * status bytes asked for, close. node:net is all it takes; no library adds anything here.
 */
import { connect } from 'node:net';
import type { ByteLink, ExchangeOptions } from '../../escpos/byte-link.ts';

export interface TcpLinkOptions {
  readonly connectTimeoutMs?: number;
  /** The whole job must be taken by the printer within this time (a printer that stops reading would hang the queue). */
  readonly jobTimeoutMs?: number;
  /** After the job is sent, how long to wait for the printer to close its side. */
  readonly closeWaitMs?: number;
}

export class TcpLink implements ByteLink {
  readonly id: string;
  private readonly host: string;
  private readonly port: number;
  private readonly options: Required<TcpLinkOptions>;

  constructor(host: string, port: number, options: TcpLinkOptions = {}) {
    this.host = host;
    this.port = port;
    this.id = `tcp:${host}:${port}`;
    this.options = {
      connectTimeoutMs: options.connectTimeoutMs ?? 3000,
      jobTimeoutMs: options.jobTimeoutMs ?? 30_000,
      closeWaitMs: options.closeWaitMs ?? 2000,
    };
  }

  exchange(bytes: Uint8Array, options: ExchangeOptions = {}): Promise<Uint8Array> {
    const want = options.replyBytes ?? 0;
    const { connectTimeoutMs, jobTimeoutMs, closeWaitMs } = this.options;
    return new Promise((resolve, reject) => {
      const socket = connect({ host: this.host, port: this.port });
      const chunks: Buffer[] = [];
      let received = 0;
      let settled = false;
      let written = false;
      const finish = (error: Error | null) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        clearTimeout(deadline);
        socket.destroy();
        if (error) reject(error);
        else resolve(new Uint8Array(Buffer.concat(chunks)));
      };
      let timer = setTimeout(
        () => finish(new Error(`no connection within ${connectTimeoutMs} ms`)),
        connectTimeoutMs,
      );
      const deadline = setTimeout(
        () => finish(new Error(`the job was not taken within ${jobTimeoutMs} ms`)),
        jobTimeoutMs,
      );
      socket.once('error', (error) => finish(error));
      socket.on('data', (data: Buffer) => {
        chunks.push(data);
        received += data.length;
        if (written && want > 0 && received >= want) finish(null);
      });
      socket.once('close', () =>
        finish(written ? null : new Error('the printer closed the connection before taking the job')),
      );
      socket.once('connect', () => {
        clearTimeout(timer);
        socket.write(bytes, (error) => {
          if (error) return finish(error);
          written = true;
          if (want === 0) {
            // Half-close and wait for the printer to close its side: then every byte has arrived.
            // A printer that keeps its side open is let go after a while (the bytes were sent).
            socket.end();
            timer = setTimeout(() => finish(null), closeWaitMs);
            return;
          }
          if (received >= want) return finish(null);
          // A printer that does not answer DLE EOT gives back what it sent (maybe nothing).
          timer = setTimeout(() => finish(null), options.replyTimeoutMs ?? 800);
        });
      });
    });
  }
}
