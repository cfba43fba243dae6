/**
 * A wxpay_v3 QR order booked by WeChat's APIv3 notification: the sandbox encrypts the transaction
 * with the APIv3 key, the service's notify route decrypts and checks it with the merchant's config.
 * Polling is slowed to a minute so only the notification can book the order within the test.
 */
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ServiceHarness, startServiceHarness } from './service-harness.ts';

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('wxpay_v3 notifications through the service', () => {
  let h: ServiceHarness;
  beforeAll(async () => {
    const port = await freePort();
    h = await startServiceHarness({
      port,
      config: {
        public_url: `http://127.0.0.1:${port}/`,
        poll_schedules: { wxpay_v3: { query_delays_ms: [60_000] } },
        merchants: [
          { pid: 'shop-v3', name: 'Shop APIv3', gateways: [{ provider: 'wxpay_v3', sandbox: true }] },
        ],
      },
    });
  });
  afterAll(() => h?.close());

  it('a Native QR payment is booked by the encrypted APIv3 notification', async () => {
    const created = await h.call('createPayment', {
      needQRcode: true,
      provider: 'wxpay_v3',
      data: { out_trade_no: 'V3N1', total_fee: 1200, subject: 'Massage 12 min', pid: 'shop-v3' },
    });
    expect(created.status).toBe(200);
    await h.sandbox('/_sandbox/wallet/scan', { qr: created.body.orderInfo.code_url, behavior: 'instant' });
    const result = await h.call('queryPayment', {
      out_trade_no: 'V3N1',
      await_notify: true,
      await_max_time: 10,
    });
    expect(result.body).toMatchObject({ orderPaid: true, status: 1 });
    const order = await h.call('getOrder', { out_trade_no: 'V3N1' });
    expect(order.body.value.callback).toMatchObject({ source: 'notify', runs: 1 });
  });
});
