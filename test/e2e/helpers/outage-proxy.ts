/**
 * An HTTP proxy in front of a sandbox that can cut the providers off: while `down`, every provider
 * request has its connection destroyed (a network failure, as when the shop's line drops); the
 * /_sandbox control API always passes, and /_sandbox/credentials names the proxy so the service
 * joining by URL sends its provider traffic through here.
 */
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface OutageProxy {
  readonly url: string;
  down: boolean;
  close(): Promise<void>;
}

export async function startOutageProxy(targetUrl: string, startDown: boolean): Promise<OutageProxy> {
  const target = new URL(targetUrl);
  const state = { down: startDown, url: '' };
  const server: Server = createServer((req, res) => {
    const path = req.url ?? '/';
    if (state.down && !path.startsWith('/_sandbox/')) {
      req.socket.destroy();
      return;
    }
    const upstream = httpRequest(
      { host: target.hostname, port: target.port, method: req.method, path, headers: req.headers },
      (reply) => {
        if (path.startsWith('/_sandbox/credentials')) {
          const chunks: Buffer[] = [];
          reply.on('data', (c: Buffer) => chunks.push(c));
          reply.on('end', () => {
            const body = JSON.parse(Buffer.concat(chunks).toString()) as { url: string };
            const text = JSON.stringify({ ...body, url: state.url });
            res.writeHead(reply.statusCode ?? 200, { 'content-type': 'application/json' });
            res.end(text);
          });
          return;
        }
        res.writeHead(reply.statusCode ?? 502, reply.headers);
        reply.pipe(res);
      },
    );
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: state.url,
    get down() {
      return state.down;
    },
    set down(value: boolean) {
      state.down = value;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
