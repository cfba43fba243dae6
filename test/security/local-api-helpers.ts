/** Raw HTTP for the security suite: node:http lets a test set Host, Origin and Content-Type as an attacker would. */
import { request } from 'node:http';

export interface RawReply {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly text: string;
  // biome-ignore lint/suspicious/noExplicitAny: replies are read loosely, as in the service harness
  readonly json: any;
}

export function raw(
  baseUrl: string,
  method: string,
  path: string,
  headers: Record<string, string> = {},
  body?: string | Buffer,
): Promise<RawReply> {
  const url = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const req = request(
      { host: url.hostname, port: url.port, method, path, headers, setHost: !('host' in headers) },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (c: Buffer) => chunks.push(c));
        response.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: unknown;
          try {
            json = JSON.parse(text);
          } catch {
            json = undefined;
          }
          resolve({ status: response.statusCode ?? 0, headers: response.headers, text, json });
        });
        // An event stream never ends: the first chunk is enough for these tests.
        if (String(response.headers['content-type']).startsWith('text/event-stream')) {
          response.once('data', (c: Buffer) => {
            resolve({
              status: response.statusCode ?? 0,
              headers: response.headers,
              text: c.toString(),
              json: null,
            });
            req.destroy();
          });
        }
      },
    );
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

export function postJson(
  baseUrl: string,
  op: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<RawReply> {
  return raw(
    baseUrl,
    'POST',
    `/api/${op}`,
    { 'content-type': 'application/json', ...headers },
    JSON.stringify(body),
  );
}
