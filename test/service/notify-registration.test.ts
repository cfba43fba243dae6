/**
 * `public_url` registers this service's /notify route with the providers: a QR order created
 * through the real adapters carries notify_url = <public_url>/notify/<pid>/<provider>, the sandbox
 * posts its signed notification there, and the order is booked from the notification. Polling is
 * pushed out to a minute so only the notification can book it within the test.
 */
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../core/ports/clock.ts';
import { ServiceConfigSchema } from '../../core/service/config/service-config.ts';
import { buildMerchants } from '../../core/service/merchants.ts';
import { type ServiceHarness, startServiceHarness } from './service-harness.ts';

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const SLOW_POLL = { query_delays_ms: [60_000] };

describe('notify registration from public_url', () => {
  let h: ServiceHarness;
  beforeAll(async () => {
    const port = await freePort();
    h = await startServiceHarness({
      port,
      config: {
        public_url: `http://127.0.0.1:${port}/`,
        poll_schedules: { wxpay: SLOW_POLL, alipay: SLOW_POLL, payjs: SLOW_POLL },
      },
    });
  });
  afterAll(() => h?.close());

  for (const [provider, pid] of [
    ['wxpay', 'sandbox'],
    ['alipay', 'sandbox'],
    ['payjs', 'sandbox-payjs'],
  ] as const) {
    it(`a ${provider} QR payment is booked by the provider's notification`, async () => {
      const orderNo = `NR${provider}`;
      const created = await h.call('createPayment', {
        needQRcode: true,
        provider,
        data: { out_trade_no: orderNo, total_fee: 1200, subject: 'Massage 12 min', pid },
      });
      expect(created.status).toBe(200);
      const qr = created.body.orderInfo.code_url as string;
      await h.sandbox('/_sandbox/wallet/scan', { qr, behavior: 'instant' });
      const result = await h.call('queryPayment', {
        out_trade_no: orderNo,
        await_notify: true,
        await_max_time: 10,
      });
      expect(result.body).toMatchObject({ orderPaid: true, status: 1 });
      const order = await h.call('getOrder', { out_trade_no: orderNo });
      expect(order.body.value.callback).toMatchObject({ source: 'notify', runs: 1 });
    });
  }
});

describe('public_url in the configuration', () => {
  const sandbox = null;
  const merchant = (gateway: Record<string, unknown>) => ({
    merchants: [{ pid: 'shop 1', gateways: [gateway] }],
  });
  const payjs = {
    provider: 'payjs',
    mchid: '1234567890',
    key: 'k'.repeat(16),
    base_url: 'https://payjs.cn/api',
  };

  it('gives each gateway <public_url>/notify/<pid>/<provider>, pid escaped, trailing slash dropped', () => {
    const config = ServiceConfigSchema.parse({
      ...merchant(payjs),
      public_url: 'https://pay.example.com/kiosk/',
    });
    const built = buildMerchants(config, sandbox, systemClock);
    const parsed = built.gatewayConfig('shop 1', 'payjs');
    expect(parsed?.config).toMatchObject({
      notify_url: 'https://pay.example.com/kiosk/notify/shop%201/payjs',
    });
  });

  it("keeps a merchant's own notify_url", () => {
    const own = { ...payjs, notify_url: 'https://erp.example.com/payjs' };
    const config = ServiceConfigSchema.parse({ ...merchant(own), public_url: 'https://pay.example.com' });
    expect(
      buildMerchants(config, sandbox, systemClock).gatewayConfig('shop 1', 'payjs')?.config,
    ).toMatchObject({
      notify_url: 'https://erp.example.com/payjs',
    });
  });

  it('registers nothing without public_url', () => {
    const config = ServiceConfigSchema.parse(merchant(payjs));
    const parsed = buildMerchants(config, sandbox, systemClock).gatewayConfig('shop 1', 'payjs');
    expect(parsed?.config).toBeDefined();
    expect(parsed?.config).not.toHaveProperty('notify_url');
  });

  it.each(['ftp://pay.example.com', 'https://pay.example.com/?x=1', 'not a url'])(
    'refuses public_url %s, naming the key',
    (publicUrl) => {
      const result = ServiceConfigSchema.safeParse({ public_url: publicUrl });
      expect(result.success).toBe(false);
      expect(result.error?.issues[0]?.path).toEqual(['public_url']);
    },
  );
});
