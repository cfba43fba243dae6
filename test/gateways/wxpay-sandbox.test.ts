import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parseWxpayConfig } from '../../core/gateways/wxpay/wxpay-config.ts';
import { createWxpayGateway } from '../../core/gateways/wxpay/wxpay-gateway.ts';
import type { PaymentGateway } from '../../core/ports/payment-gateway.ts';
import { type RunningSandbox, startSandbox } from '../../core/sandbox/start-sandbox.ts';
import {
  advanceSandboxTime,
  type Behaviour,
  chargeFreshCode,
  confirmPassword,
  issueCode,
  nextOutTradeNo,
  setFaults,
  transportFaultTests,
} from './sandbox-helpers.ts';

let sandbox: RunningSandbox;
let gateway: PaymentGateway;

function gatewayFor(timeoutMs: number, signType: 'MD5' | 'HMAC-SHA256' = 'HMAC-SHA256'): PaymentGateway {
  const wx = sandbox.credentials.wxpay;
  return createWxpayGateway(
    parseWxpayConfig({
      provider: 'wxpay',
      appid: wx.appid,
      mch_id: wx.mch_id,
      key: wx.key,
      sign_type: signType,
      base_url: `${sandbox.url}/wxpay`,
      secapi_base_url: `${sandbox.secapiUrl}/wxpay`,
      cert_pem: wx.client_cert_pem,
      key_pem: wx.client_key_pem,
      ca_pem: wx.ca_pem,
      timeouts: { micropay_ms: timeoutMs, other_ms: timeoutMs },
    }),
  );
}

beforeAll(async () => {
  sandbox = await startSandbox();
  gateway = gatewayFor(3_000);
});
afterAll(() => sandbox.close());
beforeEach(() => setFaults(sandbox, {}));

async function charge(behavior: Behaviour, totalFee = 1230) {
  return chargeFreshCode(
    sandbox,
    gateway,
    { wallet: 'wxpay', prefix: 'WX', subject: 'Coffee' },
    behavior,
    totalFee,
  );
}

describe('wxpay against the sandbox', () => {
  it('instant: paid, and the query agrees', async () => {
    const { outTradeNo, outcome } = await charge('instant');
    expect(outcome).toMatchObject({ kind: 'paid', totalFee: 1230 });
    expect(await gateway.query({ outTradeNo })).toMatchObject({ kind: 'paid', totalFee: 1230 });
  });

  it('MD5 signing works end to end too', async () => {
    const md5 = gatewayFor(3_000, 'MD5');
    const authCode = await issueCode(sandbox, 'wxpay', 'instant');
    const outTradeNo = nextOutTradeNo('MD');
    expect(await md5.micropay({ outTradeNo, authCode, totalFee: 99, subject: 'x' })).toMatchObject({
      kind: 'paid',
    });
    expect(await md5.query({ outTradeNo })).toMatchObject({ kind: 'paid', totalFee: 99 });
  });

  it('a subject with a CRLF line break is charged, not refused as badly signed', async () => {
    // XML parsers turn CRLF into LF before reading values (XML 1.0 §2.11), so a CR we signed is
    // not in the value WeChat verifies.
    const authCode = await issueCode(sandbox, 'wxpay', 'instant');
    const outTradeNo = nextOutTradeNo('CR');
    expect(
      await gateway.micropay({ outTradeNo, authCode, totalFee: 500, subject: 'Tea\r\nx2\rlemon' }),
    ).toMatchObject({ kind: 'paid', totalFee: 500 });
  });

  it('password: pending, then paid once the customer confirms', async () => {
    const { authCode, outTradeNo, outcome } = await charge('password');
    expect(outcome).toEqual({ kind: 'pending', providerCode: 'USERPAYING' });
    expect(await gateway.query({ outTradeNo })).toMatchObject({ kind: 'pending' });
    await confirmPassword(sandbox, authCode);
    expect(await gateway.query({ outTradeNo })).toMatchObject({ kind: 'paid', totalFee: 1230 });
  });

  it('insufficient funds and expired codes fail', async () => {
    expect((await charge('insufficient_funds')).outcome).toMatchObject({
      kind: 'failed',
      providerCode: 'NOTENOUGH',
    });
    expect((await charge('expired')).outcome).toMatchObject({ kind: 'failed' });
  });

  it('system_error is unknown, and the query finds it paid', async () => {
    const { outTradeNo, outcome } = await charge('system_error');
    expect(outcome).toMatchObject({ kind: 'unknown', reason: 'provider_says_unknown' });
    expect(await gateway.query({ outTradeNo })).toMatchObject({ kind: 'paid' });
  });

  it('reverses a paid and an unpaid order over mTLS; queries then say closed', async () => {
    const paid = await charge('instant');
    expect(await gateway.reverse({ outTradeNo: paid.outTradeNo })).toEqual({ kind: 'reversed' });
    expect(await gateway.query({ outTradeNo: paid.outTradeNo })).toMatchObject({ kind: 'closed' });
    const waiting = await charge('password');
    expect(await gateway.reverse({ outTradeNo: waiting.outTradeNo })).toEqual({ kind: 'reversed' });
    expect(await gateway.query({ outTradeNo: waiting.outTradeNo })).toMatchObject({ kind: 'closed' });
    expect(await gateway.reverse({ outTradeNo: nextOutTradeNo('NONE') })).toMatchObject({
      kind: 'not_found',
    });
  });

  it('precreate gives a code_url; close is refused under 5 minutes, then closes', async () => {
    const outTradeNo = nextOutTradeNo('QR');
    const created = await gateway.precreate({ outTradeNo, totalFee: 100, subject: 'Massage chair' });
    expect(created).toMatchObject({ kind: 'created', qrCode: expect.stringMatching(/^weixin:\/\//) });
    expect(await gateway.query({ outTradeNo })).toMatchObject({ kind: 'pending', providerCode: 'NOTPAY' });
    expect((await gateway.close({ outTradeNo })).kind).toBe('unknown');
    await advanceSandboxTime(sandbox, 5 * 60 * 1000 + 1_000);
    expect(await gateway.close({ outTradeNo })).toEqual({ kind: 'closed' });
    expect(await gateway.query({ outTradeNo })).toMatchObject({ kind: 'closed' });
  });

  it('partial then full refund, each confirmed by refund query', async () => {
    const { outTradeNo } = await charge('instant', 1000);
    const first = { outTradeNo, outRefundNo: `${outTradeNo}R1`, totalFee: 1000, refundFee: 300 };
    expect(await gateway.queryRefund(first)).toMatchObject({ kind: 'not_found' });
    expect((await gateway.refund(first)).kind).toMatch(/^(processing|succeeded)$/);
    expect(await gateway.queryRefund(first)).toMatchObject({ kind: 'succeeded' });
    const rest = { ...first, outRefundNo: `${outTradeNo}R2`, refundFee: 700 };
    expect((await gateway.refund(rest)).kind).toMatch(/^(processing|succeeded)$/);
    expect(await gateway.queryRefund(rest)).toMatchObject({ kind: 'succeeded' });
    expect(await gateway.query({ outTradeNo })).toMatchObject({ kind: 'refunded', totalFee: 1000 });
    const tooMuch = { ...first, outRefundNo: `${outTradeNo}R3`, refundFee: 1 };
    expect(await gateway.refund(tooMuch)).toMatchObject({ kind: 'failed' });
  });

  transportFaultTests({
    wallet: 'wxpay',
    sandbox: () => sandbox,
    gateway: () => gateway,
    withTimeout: (ms) => gatewayFor(ms),
  });
});
