import { createSign } from 'node:crypto';
import { AlipaySdk } from 'alipay-sdk';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAlipayGateway } from '../../core/gateways/alipay/alipay-gateway.ts';
import { mapPayReply, mapQueryReply } from '../../core/gateways/alipay/alipay-outcomes.ts';
import { verifyAlipayReply } from '../../core/gateways/alipay/alipay-transport.ts';
import type { PaymentGateway } from '../../core/ports/payment-gateway.ts';
import {
  alipayTestConfig,
  appKeys,
  platformKeys,
  requestParams,
  signedAlipayReply,
  verifyAlipayRequest,
} from './alipay-fixtures.ts';
import { type CannedServer, startCannedServer } from './canned-server.ts';

let server: CannedServer;
let gateway: PaymentGateway;
let gatewayUrl: string;

beforeAll(async () => {
  server = await startCannedServer();
  gatewayUrl = `${server.url}/alipay/gateway.do`;
  gateway = createAlipayGateway(alipayTestConfig(gatewayUrl));
});
afterAll(() => server.close());

const PAY = 'alipay.trade.pay';
const order = { outTradeNo: 'A100', authCode: '284567890123456789', totalFee: 1230, subject: 'Tea' };
const paid = {
  code: '10000',
  msg: 'Success',
  out_trade_no: 'A100',
  trade_no: '2026112322001',
  total_amount: '12.30',
  gmt_payment: '2026-11-23 17:30:00',
  buyer_user_id: '2088000',
  trade_status: 'TRADE_SUCCESS',
};

function replyWith(method: string, response: Record<string, unknown>) {
  server.answer = () => ({
    kind: 'reply',
    body: signedAlipayReply(method, response),
    contentType: 'application/json',
  });
}

describe('alipay signing round trip', () => {
  it('signs requests the gateway verifies with the app public key, with yuan amounts', async () => {
    replyWith(PAY, paid);
    expect(await gateway.micropay(order)).toEqual({
      kind: 'paid',
      transactionId: '2026112322001',
      totalFee: 1230,
      paidAt: '2026-11-23T17:30:00+08:00',
      buyerId: '2088000',
    });
    const sent = server.requests.at(-1);
    expect(sent?.path.startsWith('/alipay/gateway.do?')).toBe(true);
    const params = requestParams(sent?.path ?? '', sent?.body ?? '');
    expect(params).toMatchObject({
      method: PAY,
      sign_type: 'RSA2',
      app_id: '2021000000000001',
      charset: 'utf-8',
    });
    expect(JSON.parse(params.biz_content ?? '{}')).toMatchObject({
      out_trade_no: 'A100',
      total_amount: '12.30',
      auth_code: order.authCode,
      scene: 'bar_code',
    });
    expect(verifyAlipayRequest(params)).toBe(true);
    expect(
      verifyAlipayRequest({ ...params, biz_content: params.biz_content?.replace('12.30', '0.01') ?? '' }),
    ).toBe(false);
  });

  it('stamps the request timestamp in China time from the injected clock', async () => {
    const clock = { now: () => Date.parse('2026-11-23T09:30:05Z'), sleep: async () => {} };
    const stamped = createAlipayGateway(alipayTestConfig(gatewayUrl), { clock });
    replyWith('alipay.trade.query', paid);
    await stamped.query({ outTradeNo: 'A100' });
    const params = requestParams(server.requests.at(-1)?.path ?? '', server.requests.at(-1)?.body ?? '');
    expect(params.timestamp).toBe('2026-11-23 17:30:05');
    expect(verifyAlipayRequest(params)).toBe(true);
  });

  it('reads a signed reply behind a UTF-8 byte order mark like any other', () => {
    const body = `\uFEFF${signedAlipayReply('alipay.trade.precreate', { code: '10000', msg: 'Success', qr_code: 'https://qr.alipay.com/x' })}`;
    expect(verifyAlipayReply(alipayTestConfig(gatewayUrl), 'alipay.trade.precreate', body)).toMatchObject({
      kind: 'verified',
      response: { qr_code: 'https://qr.alipay.com/x' },
    });
  });

  it('verifies replies over the raw response text, not a re-serialisation', () => {
    const config = alipayTestConfig(gatewayUrl);
    // Escaped slashes and spacing as Alipay writes them: re-serialising would change the bytes.
    const raw = '{ "code":"10000","msg":"Success","qr_code":"https:\\/\\/qr.alipay.com\\/x" }';
    const sign = createSign('RSA-SHA256').update(raw, 'utf8').sign(platformKeys.privateKey, 'base64');
    const body = `{"alipay_trade_precreate_response":${raw},"sign":"${sign}"}`;
    expect(verifyAlipayReply(config, 'alipay.trade.precreate', body)).toMatchObject({
      kind: 'verified',
      response: { qr_code: 'https://qr.alipay.com/x' },
    });
  });
});

describe('alipay duplicate-key forgery', () => {
  it('the SDK alone accepts it; our verifier refuses a repeated key', () => {
    const config = alipayTestConfig(gatewayUrl);
    const sdk = new AlipaySdk({
      appId: config.app_id,
      privateKey: config.app_private_key,
      keyType: 'PKCS8',
      alipayPublicKey: config.alipay_public_key,
      signType: 'RSA2',
    });
    const genuine = signedAlipayReply(PAY, { code: '40004', sub_code: 'ACQ.PAYMENT_FAIL' });
    const body = `${genuine.slice(0, -1)},"alipay_trade_pay_response":${JSON.stringify(paid)}}`;
    const sign = (JSON.parse(body) as { sign: string }).sign;
    expect(() => sdk.checkResponseSign(body, 'alipay_trade_pay_response', sign, '')).not.toThrow();
    expect(verifyAlipayReply(config, PAY, body)).toMatchObject({
      kind: 'unknown',
      reason: 'bad_signature',
      detail: expect.stringMatching(/repeats/),
    });
  });
});

describe('alipay pay mapping', () => {
  it.each([
    [
      { code: '10003', msg: 'Waiting', out_trade_no: 'A100' },
      { kind: 'pending', providerCode: '10003' },
    ],
    [
      { code: '20000', msg: 'Service Currently Unavailable' },
      { kind: 'unknown', reason: 'provider_says_unknown' },
    ],
    [
      { code: '40004', sub_code: 'ACQ.SYSTEM_ERROR' },
      { kind: 'unknown', reason: 'provider_says_unknown' },
    ],
    // Another buyer's trade under a reused out_trade_no: querying would book it for this buyer.
    [
      { code: '40004', sub_code: 'ACQ.TRADE_HAS_SUCCESS' },
      { kind: 'failed', providerCode: 'ACQ.TRADE_HAS_SUCCESS' },
    ],
    [{ code: '40004', sub_code: 'ACQ.PAYMENT_AUTH_CODE_INVALID', sub_msg: 'bad code' }, { kind: 'failed' }],
    [{ code: '40004', sub_code: 'ACQ.BUYER_BALANCE_NOT_ENOUGH' }, { kind: 'failed' }],
    [{ code: '40004', sub_code: 'ACQ.TRADE_HAS_CLOSE' }, { kind: 'failed' }],
    [{ code: '40004', sub_code: 'ACQ.CONTEXT_INCONSISTENT' }, { kind: 'failed' }],
    [{ code: '40004', sub_code: 'ACQ.PAYMENT_FAIL' }, { kind: 'failed' }],
    [{ code: '40002', sub_code: 'isv.invalid-signature' }, { kind: 'failed' }],
    [{ code: '99999' }, { kind: 'unknown' }],
  ])('%o → %o', async (response, expected) => {
    replyWith(PAY, response);
    expect(await gateway.micropay(order)).toMatchObject(expected);
  });
});

describe('alipay forged or broken replies never yield paid', () => {
  const forged = (mutate: (body: string) => string) => () => {
    server.answer = () => ({ kind: 'reply', body: mutate(signedAlipayReply(PAY, paid)) });
  };
  const cases: [string, () => void, string][] = [
    [
      'signed by another key',
      () => {
        server.answer = () => ({ kind: 'reply', body: signedAlipayReply(PAY, paid, appKeys.privateKey) });
      },
      'bad_signature',
    ],
    ['amount tampered after signing', forged((b) => b.replace('"12.30"', '"0.01"')), 'bad_signature'],
    [
      'forged duplicate response after a genuine signed one',
      () => {
        const genuine = signedAlipayReply(PAY, { code: '40004', sub_code: 'ACQ.PAYMENT_FAIL' });
        const forgedBlock = `,"alipay_trade_pay_response":${JSON.stringify(paid)}}`;
        server.answer = () => ({ kind: 'reply', body: genuine.slice(0, -1) + forgedBlock });
      },
      'bad_signature',
    ],
    ['unsigned', forged((b) => b.replace(/,"sign":"[^"]*"/, '')), 'bad_signature'],
    ['signed other out_trade_no', () => replyWith(PAY, { ...paid, out_trade_no: 'A999' }), 'mismatch'],
    [
      'signed amount differs from the order',
      () => replyWith(PAY, { ...paid, total_amount: '0.01' }),
      'mismatch',
    ],
    ['truncated body', forged((b) => b.slice(0, 60)), 'unparseable'],
    [
      'HTML 502 page',
      () => {
        server.answer = () => ({ kind: 'reply', status: 502, body: '<html>502 Bad Gateway</html>' });
      },
      'http_status',
    ],
    [
      'gateway error_response',
      () => {
        server.answer = () => ({
          kind: 'reply',
          body: '{"error_response":{"code":"40002","sub_code":"isv.x"}}',
        });
      },
      'provider_says_unknown',
    ],
    ['reset connection', () => (server.answer = () => ({ kind: 'reset' })), 'network'],
    ['timeout', () => (server.answer = () => ({ kind: 'hang' })), 'timeout'],
  ];
  it.each(cases)('%s → unknown', async (_name, arrange, reason) => {
    arrange();
    expect(await gateway.micropay(order)).toMatchObject({ kind: 'unknown', reason });
  });

  it('fuzz: random and mutated bodies never yield paid and never throw', () => {
    const config = alipayTestConfig(gatewayUrl);
    const valid = signedAlipayReply(PAY, paid);
    const body = fc.oneof(
      fc.string(),
      fc.json(),
      fc.tuple(fc.nat(valid.length), fc.nat(valid.length), fc.string()).map(([from, to, insert]) => {
        const [a, b] = from < to ? [from, to] : [to, from];
        return valid.slice(0, a) + insert + valid.slice(b);
      }),
    );
    fc.assert(
      fc.property(body, (text) => {
        const reply = verifyAlipayReply(config, PAY, text);
        const genuine = reply.kind === 'verified' && JSON.stringify(reply.response) === JSON.stringify(paid);
        for (const outcome of [mapPayReply(reply, 'A100', 1230), mapQueryReply(reply, 'A100')]) {
          if (!genuine) expect(outcome.kind).not.toBe('paid');
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('alipay query, cancel, close, refund, precreate', () => {
  it.each([
    ['TRADE_SUCCESS', 'paid'],
    ['TRADE_FINISHED', 'paid'],
    ['WAIT_BUYER_PAY', 'pending'],
    ['TRADE_CLOSED', 'closed'],
    ['SOMETHING', 'unknown'],
  ])('trade_status %s → %s', async (status, kind) => {
    replyWith('alipay.trade.query', { ...paid, trade_status: status });
    expect((await gateway.query({ outTradeNo: 'A100' })).kind).toBe(kind);
  });

  it('ACQ.TRADE_NOT_EXIST → not_found; refund info → refunded; other errors → unknown', async () => {
    replyWith('alipay.trade.query', { code: '40004', sub_code: 'ACQ.TRADE_NOT_EXIST' });
    expect((await gateway.query({ outTradeNo: 'A100' })).kind).toBe('not_found');
    replyWith('alipay.trade.query', { ...paid, refund_amount: '2.00' });
    expect((await gateway.query({ outTradeNo: 'A100' })).kind).toBe('refunded');
    replyWith('alipay.trade.query', { code: '40004', sub_code: 'ACQ.INVALID_PARAMETER' });
    expect((await gateway.query({ outTradeNo: 'A100' })).kind).toBe('unknown');
  });

  it.each([
    [
      { code: '10000', action: 'close', retry_flag: 'N' },
      { kind: 'reversed', action: 'close' },
    ],
    [
      { code: '10000', action: 'refund', retry_flag: 'N' },
      { kind: 'reversed', action: 'refund' },
    ],
    [{ code: '40004', sub_code: 'ACQ.SYSTEM_ERROR', retry_flag: 'Y' }, { kind: 'retry' }],
    [{ code: '40004', sub_code: 'ACQ.TRADE_NOT_EXIST' }, { kind: 'not_found' }],
    [{ code: '40004', sub_code: 'ACQ.REASON_TRADE_BEEN_FREEZEN', retry_flag: 'N' }, { kind: 'failed' }],
    [{ code: '20000' }, { kind: 'unknown' }],
  ])('cancel %o → %o', async (response, expected) => {
    replyWith('alipay.trade.cancel', response);
    expect(await gateway.reverse({ outTradeNo: 'A100' })).toMatchObject(expected);
  });

  it.each([
    [{ code: '10000' }, 'closed'],
    [{ code: '40004', sub_code: 'ACQ.TRADE_STATUS_ERROR' }, 'paid'],
    [{ code: '40004', sub_code: 'ACQ.TRADE_NOT_EXIST' }, 'unknown'],
    [{ code: '40004', sub_code: 'ACQ.SYSTEM_ERROR' }, 'unknown'],
    [{ code: '40004', sub_code: 'ACQ.INVALID_PARAMETER' }, 'failed'],
  ])('close %o → %s', async (response, kind) => {
    replyWith('alipay.trade.close', response);
    expect((await gateway.close({ outTradeNo: 'A100' })).kind).toBe(kind);
  });

  const refund = { outTradeNo: 'A100', outRefundNo: 'R1', totalFee: 1230, refundFee: 230 };
  it('refund sends yuan and out_request_no; fund_change decides succeeded vs processing', async () => {
    replyWith('alipay.trade.refund', {
      code: '10000',
      out_trade_no: 'A100',
      fund_change: 'Y',
      refund_fee: '2.30',
    });
    expect(await gateway.refund(refund)).toEqual({ kind: 'succeeded', refundId: 'R1' });
    const params = requestParams(server.requests.at(-1)?.path ?? '', server.requests.at(-1)?.body ?? '');
    expect(JSON.parse(params.biz_content ?? '{}')).toMatchObject({
      refund_amount: '2.30',
      out_request_no: 'R1',
    });
    replyWith('alipay.trade.refund', { code: '10000', out_trade_no: 'A100', fund_change: 'N' });
    expect((await gateway.refund(refund)).kind).toBe('processing');
    replyWith('alipay.trade.refund', { code: '40004', sub_code: 'ACQ.REFUND_AMT_NOT_EQUAL_TOTAL' });
    expect((await gateway.refund(refund)).kind).toBe('failed');
    replyWith('alipay.trade.refund', { code: '40004', sub_code: 'ACQ.SYSTEM_ERROR' });
    expect((await gateway.refund(refund)).kind).toBe('unknown');
  });

  it.each([
    [
      { code: '10000', out_request_no: 'R1', refund_status: 'REFUND_SUCCESS', refund_amount: '2.30' },
      'succeeded',
    ],
    [{ code: '10000', out_request_no: 'R1', refund_amount: '2.30' }, 'succeeded'],
    [{ code: '10000' }, 'not_found'],
    [{ code: '10000', out_request_no: 'R2', refund_status: 'REFUND_SUCCESS' }, 'unknown'],
    [{ code: '40004', sub_code: 'ACQ.TRADE_NOT_EXIST' }, 'not_found'],
    [{ code: '40004', sub_code: 'ACQ.SYSTEM_ERROR' }, 'unknown'],
  ])('refund query %o → %s', async (response, kind) => {
    replyWith('alipay.trade.fastpay.refund.query', response);
    expect((await gateway.queryRefund(refund)).kind).toBe(kind);
  });

  it('precreate returns qr_code', async () => {
    replyWith('alipay.trade.precreate', {
      code: '10000',
      out_trade_no: 'A100',
      qr_code: 'https://qr.alipay.com/bax1',
    });
    expect(await gateway.precreate({ outTradeNo: 'A100', totalFee: 100, subject: 'Chair' })).toEqual({
      kind: 'created',
      qrCode: 'https://qr.alipay.com/bax1',
    });
  });
});
