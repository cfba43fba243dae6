/**
 * A network receipt printer's raw port (9100 by the JetDirect convention): connect, write, read the
 * status bytes asked for, close. node:net is all it takes; no library adds anything here.
 */
import { connect } from 'node:net';
import type { ByteLink } from '../../escpos/byte-link.ts';

export class TcpLink implements ByteLink {
  readonly id: string;
  private readonly host: string;
  private readonly port: number;
  private readonly connectTimeoutMs: number;

  constructor(host: string, port: number, options: { connectTimeoutMs?: number } = {}) {
    this.host = host;
    this.port = port;
    this.id = `tcp:${host}:${port}`;
    this.connectTimeoutMs = options.connectTimeoutMs ?? 3000;
  }

  exchange(
    bytes: Uint8Array,
    options: { replyBytes?: number; replyTimeoutMs?: number } = {},
  ): Promise<Uint8Array> {
    const want = options.replyBytes ?? 0;
    return new Promise((resolve, reject) => {
      const socket = connect({ host: this.host, port: this.port });
      const chunks: Buffer[] = [];
      let received = 0;
      let settled = false;
      const finish = (error: Error | null) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (error) {
          socket.destroy();
          reject(error);
          return;
        }
        socket.destroy();
        resolve(new Uint8Array(Buffer.concat(chunks)));
      };
      let timer = setTimeout(
        () => finish(new Error(`no connection within ${this.connectTimeoutMs} ms`)),
        this.connectTimeoutMs,
      );
      socket.once('error', (error) => finish(error));
      socket.on('data', (data: Buffer) => {
        chunks.push(data);
        received += data.length;
        if (want > 0 && received >= want) finish(null);
      });
      socket.once('close', () => finish(null));
      socket.once('connect', () => {
        clearTimeout(timer);
        socket.write(bytes, (error) => {
          if (error) return finish(error);
          if (want === 0) {
            // Half-close and wait for the printer to close its side: then every byte has arrived.
            // A printer that keeps its side open is let go after a while (the bytes were sent).
            socket.end();
            timer = setTimeout(() => finish(null), 2000);
            return;
          }
          // A printer that does not answer DLE EOT gives back what it sent (maybe nothing).
          timer = setTimeout(() => finish(null), options.replyTimeoutMs ?? 800);
        });
      });
    });
  }
}
