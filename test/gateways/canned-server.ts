/**
 * A tiny provider stand-in on 127.0.0.1:0 for the adapters' unit tests: each request is answered by
 * a function of its path and body, so one test can script a signed reply, a 502 page, a reset
 * connection or silence.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export type CannedAnswer =
  | { readonly kind: 'reply'; readonly status?: number; readonly body: string; readonly contentType?: string }
  /** Destroy the socket without answering. */
  | { readonly kind: 'reset' }
  /** Never answer (the client's deadline must fire). */
  | { readonly kind: 'hang' }
  /** Send headers and part of the body, then cut the connection. */
  | { readonly kind: 'truncate'; readonly body: string };

export interface CannedRequest {
  readonly path: string;
  readonly body: string;
  readonly headers: http.IncomingHttpHeaders;
}

export interface CannedServer {
  readonly url: string;
  readonly requests: CannedRequest[];
  answer: (request: CannedRequest) => CannedAnswer;
  close(): Promise<void>;
}

export async function startCannedServer(): Promise<CannedServer> {
  const requests: CannedRequest[] = [];
  const hanging = new Set<http.ServerResponse>();
  const state: CannedServer = {
    url: '',
    requests,
    answer: () => ({ kind: 'reply', status: 500, body: 'no answer scripted' }),
    close: () =>
      new Promise<void>((resolve) => {
        for (const res of hanging) res.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const request = {
        path: req.url ?? '',
        body: Buffer.concat(chunks).toString('utf8'),
        headers: req.headers,
      };
      requests.push(request);
      const answer = state.answer(request);
      switch (answer.kind) {
        case 'reply':
          res.writeHead(answer.status ?? 200, {
            'content-type': answer.contentType ?? 'text/plain; charset=utf-8',
          });
          res.end(answer.body);
          return;
        case 'reset':
          req.socket.destroy();
          return;
        case 'hang':
          hanging.add(res);
          return;
        case 'truncate':
          res.writeHead(200, { 'content-length': String(Buffer.byteLength(answer.body) + 100) });
          res.write(answer.body);
          setImmediate(() => req.socket.destroy());
          return;
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(state, { url: `http://127.0.0.1:${port}` });
}
