/**
 * End to end with the sandbox: one order paid twice (its first WeChat charge failed, the second paid,
 * then the provider took the first after all), listed on 待处理 by the real notification route; the
 * supervisor refunds that second payment from the till (settleAttention refund_payment, PIN). Also
 * the service's guard: a new refund of an order while one of its refunds is unanswered is refused.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { v2Sign } from '../../core/gateways/shared/v2-sign.ts';
import { buildWxpayXml } from '../../core/gateways/wxpay/wxpay-xml.ts';
import { loadSandboxKeys } from '../../core/sandbox/sandbox-credentials.ts';
import { type ServiceHarness, startServiceHarness } from './service-harness.ts';

const { credentials } = loadSandboxKeys();
const SUPERVISOR_PIN = '24681357';
let h: ServiceHarness;
let session: string;
const asCashierUi = (op: string, body: unknown) => h.call(op, body, { 'x-scanpay-session': session });

beforeAll(async () => {
  h = await startServiceHarness({
    config: { merchants: [{ pid: 'shop', gateways: [{ provider: 'wxpay', sandbox: true }] }] },
  });
  const page = await (await fetch(`${h.server.url}/`)).text();
  session = /<meta name="scanpay-session" content="([^"]+)"/.exec(page)![1]!;
  expect((await asCashierUi('updateSettings', { pin: '0000', new_pin: SUPERVISOR_PIN })).status).toBe(200);
}, 60_000);
afterAll(() => h?.close());

async function charge(orderNo: string, behavior: string) {
  const code = await h.walletCode('wxpay', behavior);
  const res = await h.call('createPayment', {
    data: { out_trade_no: orderNo, total_fee: 1500, subject: 'Tea', auth_code: code, pid: 'shop' },
  });
  return res.body.attempt as { out_trade_no: string; phase: string };
}

async function notifyPaid(outTradeNo: string, transactionId: string) {
  const fields = {
    return_code: 'SUCCESS',
    result_code: 'SUCCESS',
    appid: credentials.wxpay.appid,
    mch_id: credentials.wxpay.mch_id,
    nonce_str: 'abcdef0123456789',
    total_fee: '1500',
    transaction_id: transactionId,
    out_trade_no: outTradeNo,
    time_end: '20261123180000',
  };
  const body = buildWxpayXml({ ...fields, sign: v2Sign(fields, credentials.wxpay.key, 'MD5') });
  const res = await fetch(`${h.server.url}/notify/shop/wxpay`, {
    method: 'POST',
    headers: { 'content-type': 'text/xml' },
    body,
  });
  return res.text();
}

async function sandboxTrade(outTradeNo: string) {
  const { trades } = (await h.sandbox('/_sandbox/trades')) as {
    trades: { out_trade_no: string; state: string; captured_fen: number; refunded_fen: number }[];
  };
  return trades.find((t) => t.out_trade_no === outTradeNo);
}

describe('one order paid twice, with the sandbox', () => {
  it('the supervisor refunds the second payment from the till; the order stays paid and fully refundable', async () => {
    const failed = await charge('TWICE1', 'insufficient_funds');
    expect(failed.phase).toBe('failed');
    const paid = await charge('TWICE1', 'instant');
    expect(paid.phase).toBe('paid');
    const late = await h.sandbox('/_sandbox/trades/pay-late', {
      provider: 'wxpay',
      out_trade_no: failed.out_trade_no,
    });
    expect(late).toMatchObject({ ok: true, state: 'paid' });

    expect(await notifyPaid(failed.out_trade_no, late.transaction_id)).toMatch(/FAIL/);
    await h.service.engine.idle();
    expect(await notifyPaid(failed.out_trade_no, late.transaction_id)).toMatch(/SUCCESS/);

    const evidence = await asCashierUi('checkAttention', { out_trade_no: 'TWICE1' });
    expect(evidence.body.value ?? evidence.body).toMatchObject({ provider_says: 'paid', paid_twice: true });

    const decision = { out_trade_no: 'TWICE1', by: '李店长', reason: '顾客付了两次' };
    const wrongPin = await asCashierUi('settleAttention', {
      ...decision,
      action: 'refund_payment',
      pin: '11112222',
    });
    expect(wrongPin.status).toBe(401);
    expect((await sandboxTrade(failed.out_trade_no))?.refunded_fen).toBe(0);

    const settled = await asCashierUi('settleAttention', {
      ...decision,
      action: 'refund_payment',
      pin: SUPERVISOR_PIN,
    });
    expect(settled.status).toBe(200);
    const value = settled.body.value ?? settled.body;
    expect(value.refund).toMatchObject({
      status: 'succeeded',
      refund_fee: 1500,
      out_trade_no: failed.out_trade_no,
    });
    expect(value.attempt).toMatchObject({ phase: 'reversed', attention: null });

    expect(await sandboxTrade(failed.out_trade_no)).toMatchObject({ captured_fen: 1500, refunded_fen: 1500 });
    expect(await sandboxTrade(paid.out_trade_no)).toMatchObject({ captured_fen: 1500, refunded_fen: 0 });
    const order = await h.call('getOrder', { out_trade_no: 'TWICE1' });
    expect(order.body.value).toMatchObject({
      status: 1,
      refunded_fee: 0,
      paid_out_trade_no: paid.out_trade_no,
    });
    const unresolved = await h.call('listUnresolved', {});
    expect(unresolved.body.value.map((a: { out_trade_no: string }) => a.out_trade_no)).not.toContain(
      failed.out_trade_no,
    );

    // The order's own payment is still all refundable.
    const own = await asCashierUi('refund', { out_trade_no: 'TWICE1', pin: SUPERVISOR_PIN });
    expect(own.body).toMatchObject({ status: 'succeeded', refund_fee: 1500, order: { status: 3 } });
    expect(await sandboxTrade(paid.out_trade_no)).toMatchObject({ refunded_fen: 1500 });
  });

  it('refund_payment for a paid order with nothing on 待处理 is refused; nothing is refunded', async () => {
    await charge('ONCE1', 'instant');
    const res = await asCashierUi('settleAttention', {
      out_trade_no: 'ONCE1',
      action: 'refund_payment',
      by: '李店长',
      reason: '试试',
      pin: SUPERVISOR_PIN,
    });
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ code: 'nothing_to_settle' });
    expect(await sandboxTrade('ONCE1')).toMatchObject({ refunded_fen: 0 });
  });
});

describe('a new refund while one of the order is unanswered', () => {
  it('is refused with refund_in_flight naming the unanswered one; its repeat goes on', async () => {
    await charge('INFL1', 'instant');
    const journal = h.service.engine.journal;
    const now = Date.now();
    // A refund journaled (its intent) whose reply was lost: still pending at the provider's word.
    journal.putRefund({
      outRefundNo: 'INFL1R0001',
      orderNo: 'INFL1',
      outTradeNo: 'INFL1',
      refundFee: 500,
      status: 'pending',
      reason: null,
      refundId: null,
      failure: null,
      attempts: 1,
      createdAt: now,
      updatedAt: now,
    });
    const fresh = await asCashierUi('refund', {
      out_trade_no: 'INFL1',
      out_refund_no: 'INFL1R0002',
      refund_fee: 500,
      pin: SUPERVISOR_PIN,
    });
    expect(fresh.status).toBe(409);
    expect(fresh.body).toMatchObject({ error_code: 'refund_in_flight' });
    expect(JSON.stringify(fresh.body)).toMatch(/INFL1R0001/);

    const repeat = await asCashierUi('refund', {
      out_trade_no: 'INFL1',
      out_refund_no: 'INFL1R0001',
      refund_fee: 500,
      pin: SUPERVISOR_PIN,
    });
    expect(repeat.body).toMatchObject({ status: 'succeeded', refund_fee: 500, order: { refunded_fee: 500 } });
    expect(await sandboxTrade('INFL1')).toMatchObject({ refunded_fen: 500 });
  });
});
