/**
 * The paid-callback receiver: config.json's `paid_actions` POST every paid order here. Counts
 * deliveries per Idempotency-Key (= out_trade_no) and checks each X-ScanPay-Signature, so the run can
 * tell a lost callback, a re-delivery (legitimate after a SIGKILL between the callback and its
 * "done" mark) and a forged one apart.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Receiver {
  readonly url: string;
  readonly deliveries: ReadonlyMap<string, number>;
  readonly badSignatures: number;
  close(): Promise<void>;
}

function signatureOk(secret: string, timestamp: string, body: string, header: string): boolean {
  const expected = `v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
  const a = Buffer.from(expected);
  const b = Buffer.from(header);
  return a.length === b.length && timingSafeEqual(a, b);
}

export async function startReceiver(secret: string): Promise<Receiver> {
  const deliveries = new Map<string, number>();
  let badSignatures = 0;
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const key = String(request.headers['idempotency-key'] ?? '');
      const ok = signatureOk(
        secret,
        String(request.headers['x-scanpay-timestamp'] ?? ''),
        body,
        String(request.headers['x-scanpay-signature'] ?? ''),
      );
      if (!ok || key === '') {
        badSignatures++;
        response.writeHead(401).end();
        return;
      }
      deliveries.set(key, (deliveries.get(key) ?? 0) + 1);
      response.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/paid`,
    deliveries,
    get badSignatures() {
      return badSignatures;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
