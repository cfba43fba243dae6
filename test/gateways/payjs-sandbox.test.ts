import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parsePayjsConfig } from '../../core/gateways/payjs/payjs-config.ts';
import { createPayjsGateway } from '../../core/gateways/payjs/payjs-gateway.ts';
import type { Clock } from '../../core/ports/clock.ts';
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
/** check pacing waits on this clock: it records the waits and returns at once. */
const paced: number[] = [];
const clock: Clock = { now: () => 0, sleep: async (ms) => void paced.push(ms) };

function gatewayFor(timeoutMs: number): PaymentGateway {
  const payjs = sandbox.credentials.payjs;
  return createPayjsGateway(
    parsePayjsConfig({
      provider: 'payjs',
      mchid: payjs.mchid,
      key: payjs.key,
      base_url: `${sandbox.url}/payjs/api`,
      timeouts: { micropay_ms: timeoutMs, other_ms: timeoutMs },
    }),
    { clock },
  );
}

beforeAll(async () => {
  sandbox = await startSandbox();
  gateway = gatewayFor(3_000);
});
afterAll(() => sandbox.close());
beforeEach(() => setFaults(sandbox, {}));

async function charge(behavior: Behaviour, totalFee = 500) {
  return chargeFreshCode(
    sandbox,
    gateway,
    { wallet: 'wxpay', prefix: 'PJ', subject: 'Massage' },
    behavior,
    totalFee,
  );
}

/** The payjs_order_id an outcome names (the engine journals it as the attempt's providerOrderId). */
function idOf(outcome: { kind: string; providerOrderId?: string }): string {
  const id = outcome.providerOrderId;
  expect(id, `${outcome.kind} outcome names no payjs_order_id`).toEqual(expect.any(String));
  return String(id);
}

describe('payjs against the sandbox', () => {
  it('instant: the documented success reply is paid; check by its payjs_order_id agrees', async () => {
    const { outTradeNo, outcome } = await charge('instant');
    expect(outcome).toMatchObject({ kind: 'paid', totalFee: 500 });
    const providerOrderId = idOf(outcome);
    expect(await gateway.query({ outTradeNo, providerOrderId })).toMatchObject({
      kind: 'paid',
      transactionId: providerOrderId,
      totalFee: 500,
    });
  });

  it('password: unknown with the payjs_order_id, then paid once confirmed; the second check waited its turn', async () => {
    const { authCode, outTradeNo, outcome } = await charge('password');
    expect(outcome).toMatchObject({ kind: 'unknown' });
    const providerOrderId = idOf(outcome);
    paced.length = 0;
    expect(await gateway.query({ outTradeNo, providerOrderId })).toMatchObject({ kind: 'pending' });
    await confirmPassword(sandbox, authCode);
    expect(await gateway.query({ outTradeNo, providerOrderId })).toMatchObject({
      kind: 'paid',
      totalFee: 500,
    });
    expect(paced).toEqual([3_000]);
  });

  it('insufficient funds and expired codes are unknown, never failed (PAYJS documents no final error)', async () => {
    const poor = await charge('insufficient_funds');
    expect(poor.outcome).toMatchObject({ kind: 'unknown' });
    const check = await gateway.query({ outTradeNo: poor.outTradeNo, providerOrderId: idOf(poor.outcome) });
    expect(check).toMatchObject({ kind: 'pending' });
    expect((await charge('expired')).outcome).toMatchObject({ kind: 'unknown' });
  });

  it('system_error is unknown, and check finds it paid', async () => {
    const { outTradeNo, outcome } = await charge('system_error');
    expect(outcome).toMatchObject({ kind: 'unknown', reason: 'provider_says_unknown' });
    expect(await gateway.query({ outTradeNo, providerOrderId: idOf(outcome) })).toMatchObject({
      kind: 'paid',
    });
  });

  it('reverse refunds a paid order and closes an unpaid one; without the id it is unaddressable', async () => {
    const paid = await charge('instant');
    const paidRef = { outTradeNo: paid.outTradeNo, providerOrderId: idOf(paid.outcome) };
    expect(await gateway.reverse(paidRef)).toEqual({ kind: 'reversed' });
    // PAYJS check has no refunded/closed state: "not paid" after a charge is reported as unknown.
    expect(await gateway.query(paidRef)).toMatchObject({ kind: 'unknown' });
    const waiting = await charge('password');
    expect(
      await gateway.reverse({ outTradeNo: waiting.outTradeNo, providerOrderId: idOf(waiting.outcome) }),
    ).toEqual({ kind: 'reversed' });
    const lost = await charge('instant');
    expect(await gateway.reverse({ outTradeNo: lost.outTradeNo })).toMatchObject({ kind: 'unaddressable' });
    expect((await sandbox.ledger.find('payjs', lost.outTradeNo))?.state).toBe('paid');
  });

  it('precreate gives a code_url and the payjs_order_id; close by it closes the order', async () => {
    const outTradeNo = nextOutTradeNo('QR');
    const created = await gateway.precreate({ outTradeNo, totalFee: 100, subject: 'Massage chair' });
    expect(created).toMatchObject({ kind: 'created', qrCode: expect.stringMatching(/^weixin:\/\//) });
    expect(await gateway.close({ outTradeNo, providerOrderId: idOf(created) })).toEqual({ kind: 'closed' });
  });

  it('refunds whole orders (idempotent), refuses partial ones, remembers refunds', async () => {
    const { outTradeNo, outcome } = await charge('instant', 800);
    const refund = {
      outTradeNo,
      transactionId: idOf(outcome),
      outRefundNo: `${outTradeNo}R`,
      totalFee: 800,
      refundFee: 800,
    };
    expect(await gateway.refund({ ...refund, refundFee: 300 })).toMatchObject({
      kind: 'failed',
      providerCode: 'PARTIAL_REFUND_UNSUPPORTED',
    });
    expect(await gateway.refund(refund)).toMatchObject({ kind: 'succeeded' });
    expect(await gateway.refund(refund)).toMatchObject({ kind: 'succeeded' });
    expect(await gateway.queryRefund(refund)).toMatchObject({ kind: 'succeeded' });
  });

  transportFaultTests({
    wallet: 'wxpay',
    sandbox: () => sandbox,
    gateway: () => gateway,
    withTimeout: (ms) => gatewayFor(ms),
    queryAfterFault: /^not_found$/,
  });
});
