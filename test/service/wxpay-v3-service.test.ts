/**
 * The engine through the provider registry, end to end: a merchant whose only gateway is
 * `wxpay_v3` (the built-in sandbox's APIv3 credentials) is charged, refunded, declined, and survives
 * a lost codepay reply (unknown → query → paid) without charging twice.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ServiceHarness, startServiceHarness } from './service-harness.ts';

const REFUND_KEY = 'wxpay-v3-refund-key-0123456789';
const asRefunder = { authorization: `Bearer ${REFUND_KEY}` };
let h: ServiceHarness;

beforeAll(async () => {
  h = await startServiceHarness({
    config: {
      server: { api_keys: [{ id: 'books', key: REFUND_KEY, permissions: ['query', 'refund'] }] },
      merchants: [
        { pid: 'shop-v3', name: 'Shop APIv3', gateways: [{ provider: 'wxpay_v3', sandbox: true }] },
      ],
    },
  });
});
afterAll(async () => {
  await h?.close();
});

async function sandboxTrade(outTradeNo: string) {
  const truth = await h.sandbox('/_sandbox/trades');
  return truth.trades.find(
    (t: { provider: string; out_trade_no: string }) =>
      t.provider === 'wxpay_v3' && t.out_trade_no === outTradeNo,
  );
}

describe('wxpay_v3 merchant through the service', () => {
  it('charges an instant customer over APIv3 and refunds part of it', async () => {
    const code = await h.walletCode('wxpay', 'instant');
    const created = await h.call('createPayment', {
      data: { out_trade_no: 'V3A1', total_fee: 1000, subject: 'Tea', auth_code: code, pid: 'shop-v3' },
    });
    expect(created.body).toMatchObject({ code: 0, provider: 'wxpay_v3', attempt: { phase: 'paid' } });
    const refunded = await h.call('refund', { out_trade_no: 'V3A1', refund_fee: 300 }, asRefunder);
    expect(refunded.body).toMatchObject({ code: 0, status: 'succeeded', refund_fee: 300 });
    expect(await sandboxTrade('V3A1')).toMatchObject({ captured_fen: 1000, refunded_fen: 300 });
  });

  it('reports insufficient funds as a definite failure with the v3 code', async () => {
    const poor = await h.walletCode('wxpay', 'insufficient_funds');
    const failed = await h.call('createPayment', {
      data: { out_trade_no: 'V3A2', total_fee: 800, subject: 'x', auth_code: poor, pid: 'shop-v3' },
    });
    expect(failed.body.attempt).toMatchObject({
      phase: 'failed',
      failure: { code: 'NOT_ENOUGH', reason: 'insufficient_funds' },
    });
  });

  it('a lost codepay reply is unknown, then the query finds it paid: booked once, charged once', async () => {
    const code = await h.walletCode('wxpay', 'instant');
    await h.sandbox('/_sandbox/faults', { seed: 7, drop_reply_rate: 1 });
    const created = await h.call('createPayment', {
      data: { out_trade_no: 'V3A3', total_fee: 650, subject: 'x', auth_code: code, pid: 'shop-v3' },
    });
    // The charge is not known, so it is neither paid nor failed yet.
    expect(created.body.attempt.phase).not.toMatch(/^(failed|paid)$/);
    await h.sandbox('/_sandbox/faults', {});
    const result = await h.call('queryPayment', {
      out_trade_no: 'V3A3',
      await_notify: true,
      await_max_time: 20,
    });
    expect(result.body).toMatchObject({ code: 0, orderPaid: true, status: 1 });
    expect(await sandboxTrade('V3A3')).toMatchObject({ captured_fen: 650, state: 'paid' });
  });
});

describe('a merchant with both WeChat gateways', () => {
  let both: ServiceHarness;
  beforeAll(async () => {
    both = await startServiceHarness({
      config: {
        merchants: [
          {
            pid: 'both',
            gateways: [
              { provider: 'wxpay_v3', sandbox: true },
              { provider: 'wxpay', sandbox: true },
            ],
          },
        ],
      },
    });
  });
  afterAll(async () => {
    await both?.close();
  });

  it('charges a WeChat code through the first listed gateway, or the one the request names', async () => {
    const first = await both.call('createPayment', {
      data: {
        out_trade_no: 'BOTH1',
        total_fee: 100,
        subject: 'x',
        auth_code: await both.walletCode('wxpay', 'instant'),
      },
    });
    expect(first.body).toMatchObject({ provider: 'wxpay_v3', attempt: { phase: 'paid' } });
    const named = await both.call('createPayment', {
      provider: 'wxpay',
      data: {
        out_trade_no: 'BOTH2',
        total_fee: 100,
        subject: 'x',
        auth_code: await both.walletCode('wxpay', 'instant'),
      },
    });
    expect(named.body).toMatchObject({ provider: 'wxpay', attempt: { phase: 'paid' } });
  });
});
