import { inspect } from 'node:util';
import fc from 'fast-check';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../core/common/errors.ts';
import { parsePayjsConfig } from '../../core/gateways/payjs/payjs-config.ts';
import { createPayjsGateway } from '../../core/gateways/payjs/payjs-gateway.ts';
import { mapCheckReply, mapMicropayReply } from '../../core/gateways/payjs/payjs-outcomes.ts';
import { verifyPayjsReply } from '../../core/gateways/payjs/payjs-transport.ts';
import { v2Sign, v2Verify } from '../../core/gateways/shared/v2-sign.ts';
import type { Clock } from '../../core/ports/clock.ts';
import type { PaymentGateway } from '../../core/ports/payment-gateway.ts';
import { type CannedServer, startCannedServer } from './canned-server.ts';

const KEY = 'payjs-test-key-0000000000000000';

/** A clock whose sleep advances time at once and records how long it was asked to wait. */
function fakeClock(start = 1_700_000_000_000) {
  let now = start;
  const sleeps: number[] = [];
  const clock: Clock = {
    now: () => now,
    sleep: async (ms) => {
      sleeps.push(ms);
      now += ms;
    },
  };
  return { clock, sleeps, advance: (ms: number) => (now += ms) };
}

function payjsConfig(baseUrl: string) {
  return parsePayjsConfig({
    provider: 'payjs',
    mchid: '1500000001',
    key: KEY,
    base_url: baseUrl,
    timeouts: { micropay_ms: 400, other_ms: 400 },
  });
}

function signed(fields: Record<string, string | number>, key = KEY): string {
  return JSON.stringify({ ...fields, sign: v2Sign(fields, key, 'MD5') });
}

let server: CannedServer;
let time: ReturnType<typeof fakeClock>;
let gateway: PaymentGateway;

beforeAll(async () => {
  server = await startCannedServer();
});
afterAll(() => server.close());
beforeEach(() => {
  server.requests.length = 0;
  time = fakeClock();
  gateway = createPayjsGateway(payjsConfig(`${server.url}/payjs/api`), { clock: time.clock });
});

const order = { outTradeNo: 'P100', authCode: '134567890123456789', totalFee: 500, subject: 'Massage' };
const paid = {
  return_code: 1,
  return_msg: 'SUCCESS',
  payjs_order_id: 'PJ1',
  out_trade_no: 'P100',
  total_fee: 500,
  status: 1,
  transaction_id: '4200000009',
  time_end: '2026-11-23 17:30:00',
};

function replyWith(body: string) {
  server.answer = () => ({ kind: 'reply', body, contentType: 'application/json' });
}

describe('payjs config', () => {
  it('defaults and hides the key', () => {
    const config = payjsConfig('https://payjs.cn/api/');
    expect(config.base_url).toBe('https://payjs.cn/api');
    expect(config.check_min_interval_ms).toBe(3_000);
    expect(JSON.stringify(config)).not.toContain(KEY);
    expect(inspect(config)).not.toContain(KEY);
  });
  it('names a missing key', () => {
    expect(() => parsePayjsConfig({ provider: 'payjs', mchid: '1' })).toThrow(ConfigError);
    expect(() => parsePayjsConfig({ provider: 'payjs', mchid: '1' })).toThrow(/key: /);
  });
});

describe('payjs micropay', () => {
  it('posts a signed form and maps status 1 to paid with payjs_order_id as transaction id', async () => {
    replyWith(signed(paid));
    expect(await gateway.micropay(order)).toEqual({
      kind: 'paid',
      transactionId: 'PJ1',
      totalFee: 500,
      paidAt: '2026-11-23T17:30:00+08:00',
      providerOrderId: 'PJ1',
    });
    const form = Object.fromEntries(new URLSearchParams(server.requests[0]?.body ?? ''));
    expect(server.requests[0]?.path).toBe('/payjs/api/micropay');
    expect(form).toMatchObject({ mchid: '1500000001', total_fee: '500', auth_code: order.authCode });
    expect(v2Verify(form, KEY, 'MD5')).toBe(true);
  });

  it.each([
    [{ return_code: 1, status: 0, out_trade_no: 'P100', payjs_order_id: 'PJ1' }, { kind: 'pending' }],
    // PAYJS documents no error codes: even a code quoted in the text does not make a refusal final.
    [{ return_code: 0, return_msg: '用户余额不足 (NOTENOUGH)' }, { kind: 'unknown' }],
    [{ return_code: 0, return_msg: '付款码已过期 (AUTHCODEEXPIRE)' }, { kind: 'unknown' }],
    [{ return_code: 0, return_msg: '付款码无效' }, { kind: 'unknown' }],
    [{ return_code: 0, return_msg: '系统错误 (SYSTEMERROR)，请查询订单状态' }, { kind: 'unknown' }],
    [{ return_code: 0, return_msg: '系统繁忙，请稍后再试' }, { kind: 'unknown' }],
    [{ return_code: 0, return_msg: '订单已支付 (ORDERPAID)' }, { kind: 'unknown' }],
  ])('%o → %o', async (fields, expected) => {
    replyWith(signed(fields));
    expect(await gateway.micropay(order)).toMatchObject(expected);
  });
});

describe('payjs forged or broken replies never yield paid', () => {
  const cases: [string, () => void, string][] = [
    ['bad signature', () => replyWith(signed(paid, 'another-key')), 'bad_signature'],
    ['unsigned success', () => replyWith(JSON.stringify(paid)), 'bad_signature'],
    [
      'amount tampered',
      () => replyWith(signed(paid).replace('"total_fee":500', '"total_fee":5')),
      'bad_signature',
    ],
    ['signed other order', () => replyWith(signed({ ...paid, out_trade_no: 'P999' })), 'mismatch'],
    ['signed other amount', () => replyWith(signed({ ...paid, total_fee: 1 })), 'mismatch'],
    ['truncated', () => replyWith(signed(paid).slice(0, 40)), 'unparseable'],
    [
      'HTML 502',
      () => {
        server.answer = () => ({ kind: 'reply', status: 502, body: '<html>502</html>' });
      },
      'http_status',
    ],
    ['reset', () => (server.answer = () => ({ kind: 'reset' })), 'network'],
    ['timeout', () => (server.answer = () => ({ kind: 'hang' })), 'timeout'],
  ];
  it.each(cases)('%s → unknown', async (_name, arrange, reason) => {
    arrange();
    expect(await gateway.micropay(order)).toMatchObject({ kind: 'unknown', reason });
  });

  it('a signed reply behind a UTF-8 byte order mark (a PHP file saved with one) is read like any other', async () => {
    replyWith(`\uFEFF${signed(paid)}`);
    expect(await gateway.micropay(order)).toMatchObject({ kind: 'paid', totalFee: 500 });
  });

  it('fuzz: random and mutated bodies never yield paid and never throw', () => {
    const config = payjsConfig('http://127.0.0.1:1');
    const valid = signed(paid);
    const body = fc.oneof(
      fc.string(),
      fc.json(),
      fc.tuple(fc.nat(valid.length), fc.nat(valid.length), fc.string()).map(([from, to, insert]) => {
        const [a, b] = from < to ? [from, to] : [to, from];
        return valid.slice(0, a) + insert + valid.slice(b);
      }),
    );
    const genuineFields = JSON.stringify(Object.entries(JSON.parse(valid)).map(([k, v]) => [k, String(v)]));
    fc.assert(
      fc.property(body, (text) => {
        const reply = verifyPayjsReply(config, text);
        const genuine =
          reply.kind === 'verified' && JSON.stringify(Object.entries(reply.fields)) === genuineFields;
        for (const outcome of [mapMicropayReply(reply, 'P100', 500), mapCheckReply(reply, 'P100')]) {
          if (!genuine) expect(outcome.kind).not.toBe('paid');
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('payjs check', () => {
  it('asks by the providerOrderId the engine journaled, else by mchid + out_trade_no', async () => {
    replyWith(signed({ return_code: 1, status: 0, out_trade_no: 'P100' }));
    await gateway.query({ outTradeNo: 'P100' });
    expect(Object.fromEntries(new URLSearchParams(server.requests.at(-1)?.body ?? ''))).toMatchObject({
      mchid: '1500000001',
      out_trade_no: 'P100',
    });
    time.advance(10_000);
    replyWith(signed({ ...paid, payjs_order_id: 'PJ7' }));
    expect(await gateway.query({ outTradeNo: 'P100', providerOrderId: 'PJ7' })).toMatchObject({
      kind: 'paid',
      transactionId: 'PJ7',
    });
    const form = Object.fromEntries(new URLSearchParams(server.requests.at(-1)?.body ?? ''));
    expect(form.payjs_order_id).toBe('PJ7');
    expect(form.out_trade_no).toBeUndefined();
  });

  it('does not keep payjs_order_id in memory: a reply it learnt is not reused without the engine', async () => {
    replyWith(signed({ return_code: 1, out_trade_no: 'P100', payjs_order_id: 'PJ8', total_fee: 500 }));
    expect(await gateway.micropay(order)).toMatchObject({ kind: 'paid', providerOrderId: 'PJ8' });
    replyWith(signed({ return_code: 0, return_msg: '订单不存在' }));
    expect(await gateway.reverse({ outTradeNo: 'P100' })).toMatchObject({ kind: 'unaddressable' });
    expect(Object.fromEntries(new URLSearchParams(server.requests.at(-1)?.body ?? ''))).toMatchObject({
      out_trade_no: 'P100',
    });
  });

  it('paces checks of one order by check_min_interval_ms on the injected clock', async () => {
    replyWith(signed({ return_code: 1, status: 0, out_trade_no: 'P100' }));
    await gateway.query({ outTradeNo: 'P100' });
    await gateway.query({ outTradeNo: 'P100' });
    expect(time.sleeps).toEqual([3_000]);
    time.advance(1_000);
    await gateway.query({ outTradeNo: 'P100' });
    expect(time.sleeps).toEqual([3_000, 2_000]);
    await gateway.query({ outTradeNo: 'P200' });
    expect(time.sleeps).toEqual([3_000, 2_000]);
  });

  it('queues concurrent checks of one order instead of firing them together', async () => {
    const now = 0;
    const waits: number[] = [];
    const clock: Clock = { now: () => now, sleep: async (ms) => void waits.push(ms) };
    const paced = createPayjsGateway(payjsConfig(`${server.url}/payjs/api`), { clock });
    replyWith(signed({ return_code: 1, status: 0, out_trade_no: 'P100' }));
    await Promise.all([paced.query(order), paced.query(order), paced.query(order)]);
    expect(waits).toEqual([3_000, 6_000]);
  });

  it.each([
    [{ return_code: 0, return_msg: '订单不存在 (ORDERNOTEXIST)' }, 'not_found'],
    [{ return_code: 0, return_msg: '签名错误 (SIGNERROR)' }, 'unknown'],
    [{ return_code: 1, status: 0, out_trade_no: 'P100', transaction_id: '42' }, 'unknown'],
  ])('%o → %s', async (fields, kind) => {
    replyWith(signed(fields));
    expect((await gateway.query({ outTradeNo: 'P100' })).kind).toBe(kind);
  });
});

describe('payjs reverse, close, refund, precreate', () => {
  const ref = { outTradeNo: 'P100', transactionId: 'PJ1' };
  it.each([
    [
      { return_code: 1, out_trade_no: 'P100', action: 'refund' },
      { kind: 'reversed', action: 'refund' },
    ],
    [{ return_code: 1, payjs_order_id: 'PJ1' }, { kind: 'reversed' }],
    // Asked by payjs_order_id, PAYJS's own number: a refusal is not proof the order holds no money.
    [{ return_code: 0, return_msg: '订单不存在 (ORDERNOTEXIST)' }, { kind: 'unknown' }],
    [{ return_code: 0, return_msg: '系统繁忙' }, { kind: 'unknown' }],
    [{ return_code: 0, return_msg: '订单超过7天，不能撤销' }, { kind: 'unknown' }],
  ])('reverse %o → %o', async (fields, expected) => {
    replyWith(signed(fields));
    expect(await gateway.reverse(ref)).toMatchObject(expected);
    expect(Object.fromEntries(new URLSearchParams(server.requests.at(-1)?.body ?? '')).payjs_order_id).toBe(
      'PJ1',
    );
  });

  it.each([
    [{ return_code: 1 }, 'closed'],
    [{ return_code: 0, return_msg: '订单已支付，不能关闭 (ORDERPAID)' }, 'paid'],
    [{ return_code: 0, return_msg: '订单不存在' }, 'unknown'],
  ])('close %o → %s', async (fields, kind) => {
    replyWith(signed(fields));
    expect((await gateway.close(ref)).kind).toBe(kind);
  });

  it('refunds whole orders only, and remembers the refund for queryRefund', async () => {
    const partial = await gateway.refund({ ...ref, outRefundNo: 'R1', totalFee: 500, refundFee: 100 });
    expect(partial).toMatchObject({ kind: 'failed', providerCode: 'PARTIAL_REFUND_UNSUPPORTED' });
    expect(server.requests).toHaveLength(0);
    expect((await gateway.queryRefund({ ...ref, outRefundNo: 'R1' })).kind).toBe('unknown');
    replyWith(signed({ return_code: 1, payjs_order_id: 'PJ1', out_trade_no: 'P100', refund_fee: 500 }));
    expect(await gateway.refund({ ...ref, outRefundNo: 'R1', totalFee: 500, refundFee: 500 })).toEqual({
      kind: 'succeeded',
      refundId: 'PJ1',
    });
    expect(await gateway.queryRefund({ ...ref, outRefundNo: 'R1' })).toEqual({
      kind: 'succeeded',
      refundId: 'PJ1',
    });
  });

  it('precreate returns code_url', async () => {
    replyWith(
      signed({ return_code: 1, out_trade_no: 'P100', payjs_order_id: 'PJ1', code_url: 'weixin://x' }),
    );
    expect(await gateway.precreate({ outTradeNo: 'P100', totalFee: 500, subject: 'Chair' })).toEqual({
      kind: 'created',
      qrCode: 'weixin://x',
      providerOrderId: 'PJ1',
    });
  });

  it('cuts body to 32 characters (code points, never half a surrogate pair); shorter ones pass as is', async () => {
    const long = `按摩椅十五分钟🙂${'好'.repeat(40)}`;
    replyWith(signed({ return_code: 1, out_trade_no: 'P100', payjs_order_id: 'PJ1', total_fee: 500 }));
    await gateway.micropay({ ...order, subject: long });
    const body = Object.fromEntries(new URLSearchParams(server.requests.at(-1)?.body ?? '')).body ?? '';
    expect(Array.from(body)).toHaveLength(32);
    expect(long.startsWith(body)).toBe(true);
    expect(body).toContain('🙂');
    await gateway.precreate({ outTradeNo: 'P100', totalFee: 500, subject: long });
    expect(Object.fromEntries(new URLSearchParams(server.requests.at(-1)?.body ?? '')).body).toBe(body);
    await gateway.micropay({ ...order, subject: 'Tea' });
    expect(Object.fromEntries(new URLSearchParams(server.requests.at(-1)?.body ?? '')).body).toBe('Tea');
  });
});
