import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parseAlipayConfig } from '../../core/gateways/alipay/alipay-config.ts';
import { createAlipayGateway } from '../../core/gateways/alipay/alipay-gateway.ts';
import type { PaymentGateway } from '../../core/ports/payment-gateway.ts';
import { type RunningSandbox, startSandbox } from '../../core/sandbox/start-sandbox.ts';
import {
  type Behaviour,
  chargeFreshCode,
  confirmPassword,
  nextOutTradeNo,
  setFaults,
  transportFaultTests,
} from './sandbox-helpers.ts';

let sandbox: RunningSandbox;
let gateway: PaymentGateway;

function gatewayFor(timeoutMs: number): PaymentGateway {
  const ali = sandbox.credentials.alipay;
  return createAlipayGateway(
    parseAlipayConfig({
      provider: 'alipay',
      app_id: ali.app_id,
      app_private_key: ali.app_private_key,
      alipay_public_key: ali.alipay_public_key,
      base_url: `${sandbox.url}/alipay/gateway.do`,
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
    { wallet: 'alipay', prefix: 'AL', subject: 'Tea' },
    behavior,
    totalFee,
  );
}

describe('alipay against the sandbox', () => {
  it('instant: paid in fen from a yuan reply, and the query agrees', async () => {
    const { outTradeNo, outcome } = await charge('instant');
    expect(outcome).toMatchObject({ kind: 'paid', totalFee: 1230 });
    expect(await gateway.query({ outTradeNo })).toMatchObject({ kind: 'paid', totalFee: 1230 });
  });

  it('password: 10003 pending, then paid once the customer confirms', async () => {
    const { authCode, outTradeNo, outcome } = await charge('password');
    expect(outcome).toEqual({ kind: 'pending', providerCode: '10003' });
    expect(await gateway.query({ outTradeNo })).toMatchObject({
      kind: 'pending',
      providerCode: 'WAIT_BUYER_PAY',
    });
    await confirmPassword(sandbox, authCode);
    expect(await gateway.query({ outTradeNo })).toMatchObject({ kind: 'paid', totalFee: 1230 });
  });

  it('insufficient funds and expired codes fail', async () => {
    expect((await charge('insufficient_funds')).outcome).toMatchObject({
      kind: 'failed',
      providerCode: 'ACQ.BUYER_BALANCE_NOT_ENOUGH',
    });
    expect((await charge('expired')).outcome).toMatchObject({ kind: 'failed' });
  });

  it('system_error (20000) is unknown, and the query finds it paid', async () => {
    const { outTradeNo, outcome } = await charge('system_error');
    expect(outcome).toMatchObject({ kind: 'unknown', reason: 'provider_says_unknown' });
    expect(await gateway.query({ outTradeNo })).toMatchObject({ kind: 'paid' });
  });

  it('cancel refunds a paid trade and closes an unpaid one', async () => {
    const paid = await charge('instant');
    expect(await gateway.reverse({ outTradeNo: paid.outTradeNo })).toEqual({
      kind: 'reversed',
      action: 'refund',
    });
    expect(await gateway.query({ outTradeNo: paid.outTradeNo })).toMatchObject({ kind: 'closed' });
    const waiting = await charge('password');
    expect(await gateway.reverse({ outTradeNo: waiting.outTradeNo })).toEqual({
      kind: 'reversed',
      action: 'close',
    });
    expect(await gateway.query({ outTradeNo: waiting.outTradeNo })).toMatchObject({ kind: 'closed' });
    // Alipay answers a cancel of a trade it does not know with success and no action; the engine's
    // confirming query (ACQ.TRADE_NOT_EXIST → not_found) then ends the attempt reversed.
    const none = nextOutTradeNo('NONE');
    expect(await gateway.reverse({ outTradeNo: none })).toEqual({ kind: 'reversed' });
    expect(await gateway.query({ outTradeNo: none })).toMatchObject({ kind: 'not_found' });
  });

  it('precreate gives a qr_code; close closes it', async () => {
    const outTradeNo = nextOutTradeNo('QR');
    const created = await gateway.precreate({ outTradeNo, totalFee: 100, subject: 'Massage chair' });
    expect(created).toMatchObject({ kind: 'created', qrCode: expect.any(String) });
    expect(await gateway.close({ outTradeNo })).toEqual({ kind: 'closed' });
    expect(await gateway.query({ outTradeNo })).toMatchObject({ kind: 'closed' });
  });

  it('close of a paid trade says paid', async () => {
    const { outTradeNo } = await charge('instant');
    expect(await gateway.close({ outTradeNo })).toEqual({ kind: 'paid' });
  });

  it('partial then full refund, idempotent by out_request_no, confirmed by refund query', async () => {
    const { outTradeNo } = await charge('instant', 1000);
    const first = { outTradeNo, outRefundNo: `${outTradeNo}R1`, totalFee: 1000, refundFee: 300 };
    expect(await gateway.queryRefund(first)).toMatchObject({ kind: 'not_found' });
    expect(await gateway.refund(first)).toEqual({ kind: 'succeeded', refundId: first.outRefundNo });
    expect(await gateway.refund(first)).toEqual({ kind: 'processing', refundId: first.outRefundNo });
    expect(await gateway.queryRefund(first)).toMatchObject({ kind: 'succeeded' });
    const rest = { ...first, outRefundNo: `${outTradeNo}R2`, refundFee: 700 };
    expect(await gateway.refund(rest)).toMatchObject({ kind: 'succeeded' });
    expect(await gateway.queryRefund(rest)).toMatchObject({ kind: 'succeeded' });
    expect(await gateway.refund({ ...first, outRefundNo: `${outTradeNo}R3`, refundFee: 1 })).toMatchObject({
      kind: 'failed',
    });
  });

  transportFaultTests({
    wallet: 'alipay',
    sandbox: () => sandbox,
    gateway: () => gateway,
    withTimeout: (ms) => gatewayFor(ms),
  });
});
