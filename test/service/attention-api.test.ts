/** The 待处理 list's supervisor operations through the local HTTP API: PIN-guarded, validated, refused plainly. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ServiceHarness, startServiceHarness } from './service-harness.ts';

let h: ServiceHarness;
let session: string;
const SUPERVISOR_PIN = '24681357';
const asCashierUi = (op: string, body: unknown) => h.call(op, body, { 'x-scanpay-session': session });

beforeAll(async () => {
  h = await startServiceHarness();
  const page = await (await fetch(`${h.server.url}/`)).text();
  session = /<meta name="scanpay-session" content="([^"]+)"/.exec(page)![1]!;
  expect((await asCashierUi('updateSettings', { pin: '0000', new_pin: SUPERVISOR_PIN })).status).toBe(200);
  const code = await h.walletCode('wxpay', 'instant');
  const paid = await h.call('createPayment', {
    data: { out_trade_no: 'ATT1', total_fee: 1500, subject: 'Tea', auth_code: code },
  });
  expect(paid.body.attempt.phase).toBe('paid');
}, 60_000);

afterAll(async () => {
  await h?.close();
});

const decision = { out_trade_no: 'ATT1', action: 'book_paid', by: '李店长', reason: '核对过' };

describe('settleAttention', () => {
  it('needs the supervisor PIN from the cashier UI', async () => {
    const wrong = await asCashierUi('settleAttention', { ...decision, pin: '11112222' });
    expect(wrong.status).toBe(401);
    expect(JSON.stringify(wrong.body)).toMatch(/pin_wrong|pin_invalid|pin/);
    expect(JSON.stringify(wrong.body)).not.toMatch(/nothing_to_settle/);
  });

  it('is refused to a plain local call (a supervisor right)', async () => {
    const res = await h.call('settleAttention', { ...decision, pin: SUPERVISOR_PIN });
    expect(res.status).not.toBe(200);
    expect(JSON.stringify(res.body)).toMatch(/forbidden|permission|denied/i);
  });

  it('an order with nothing waiting for a person is refused with nothing_to_settle', async () => {
    const res = await asCashierUi('settleAttention', { ...decision, pin: SUPERVISOR_PIN });
    expect(JSON.stringify(res.body)).toMatch(/nothing_to_settle/);
  });

  it('an unknown action or no reason is a clear validation error', async () => {
    const res = await asCashierUi('settleAttention', { ...decision, action: 'forgive', pin: SUPERVISOR_PIN });
    expect(res.status).toBe(400);
    const empty = await asCashierUi('settleAttention', { ...decision, reason: '  ', pin: SUPERVISOR_PIN });
    expect(empty.status).toBe(400);
  });
});

describe('refused mark_refund refunds through the API', () => {
  it('the list is readable by the cashier UI and empty when no refund was refused', async () => {
    const res = await asCashierUi('listRefusedRefunds', {});
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ ok: true, value: [] });
  });

  it('a refused mark_refund refund in the journal is listed with the provider reason, and close_refund clears it', async () => {
    // The journal as mark_refund leaves it after a final refusal (the sandbox has no refund refusal
    // to produce it; test/engine/settle-attention.test.ts produces it through the engine).
    const code = await h.walletCode('wxpay', 'instant');
    const paid = await h.call('createPayment', {
      data: { out_trade_no: 'ATT2', total_fee: 900, subject: 'Tea', auth_code: code },
    });
    expect(paid.body.attempt.phase).toBe('paid');
    const { journal } = h.service.engine;
    const attempt = journal.getAttempt(paid.body.attempt.out_trade_no)!;
    journal.recordOutcome(attempt, 'settle_mark_refund', '李店长: 顾客不要了 (provider: paid)');
    const at = attempt.updatedAt + 1;
    journal.putRefund({
      outRefundNo: 'ATT2R1',
      orderNo: 'ATT2',
      outTradeNo: attempt.outTradeNo,
      refundFee: 900,
      status: 'failed',
      reason: null,
      refundId: null,
      failure: { code: 'NOTENOUGH', message: '基本账户余额不足' },
      attempts: 1,
      createdAt: at,
      updatedAt: at,
    });
    const listed = await asCashierUi('listRefusedRefunds', {});
    expect(listed.body.value).toMatchObject([
      {
        order_no: 'ATT2',
        refund: { out_refund_no: 'ATT2R1', refund_fee: 900, failure: { code: 'NOTENOUGH' } },
      },
    ]);
    const closed = await asCashierUi('settleAttention', {
      out_trade_no: 'ATT2',
      action: 'close_refund',
      by: '李店长',
      reason: '现金退给顾客',
      pin: SUPERVISOR_PIN,
    });
    expect(closed.status).toBe(200);
    expect(closed.body.value.refund).toMatchObject({ out_refund_no: 'ATT2R1', status: 'failed' });
    expect((await asCashierUi('listRefusedRefunds', {})).body.value).toEqual([]);
    const detail = await asCashierUi('getOrder', { out_trade_no: 'ATT2' });
    expect(JSON.stringify(detail.body.value.timeline)).toMatch(/settle_close_refund.*现金退给顾客.*ATT2R1/);
  });

  it('close_refund needs the supervisor PIN, and an order with no refused refund is refused plainly', async () => {
    const close = { ...decision, action: 'close_refund', reason: '现金退给顾客' };
    const wrong = await asCashierUi('settleAttention', { ...close, pin: '11112222' });
    expect(wrong.status).toBe(401);
    const local = await h.call('settleAttention', { ...close, pin: SUPERVISOR_PIN });
    expect(JSON.stringify(local.body)).toMatch(/forbidden|permission|denied/i);
    const res = await asCashierUi('settleAttention', { ...close, pin: SUPERVISOR_PIN });
    expect(res.status).toBe(409);
    expect(JSON.stringify(res.body)).toMatch(/nothing_to_settle/);
  });
});

describe('held paid actions through the API', () => {
  const held = { out_trade_no: 'ATT1', action: 'run_again', by: '李店长', reason: '顾客说没有出货' };

  it('the list is readable by the cashier UI and empty when nothing is held', async () => {
    const res = await asCashierUi('listHeldPaidActions', {});
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ ok: true, value: [] });
  });

  it('a decision needs the supervisor PIN and is refused to a plain local call', async () => {
    const wrong = await asCashierUi('resolveHeldPaidAction', { ...held, pin: '11112222' });
    expect(wrong.status).toBe(401);
    expect(JSON.stringify(wrong.body)).not.toMatch(/paid_action_not_held/);
    const local = await h.call('resolveHeldPaidAction', { ...held, pin: SUPERVISOR_PIN });
    expect(local.status).not.toBe(200);
    expect(JSON.stringify(local.body)).toMatch(/forbidden|permission|denied/i);
  });

  it('an order whose paid action is not held is refused with paid_action_not_held', async () => {
    const res = await asCashierUi('resolveHeldPaidAction', { ...held, pin: SUPERVISOR_PIN });
    expect(res.status).toBe(409);
    expect(JSON.stringify(res.body)).toMatch(/paid_action_not_held/);
  });

  it('an unknown action or no reason is a clear validation error', async () => {
    const bad = await asCashierUi('resolveHeldPaidAction', {
      ...held,
      action: 'forget',
      pin: SUPERVISOR_PIN,
    });
    expect(bad.status).toBe(400);
    const empty = await asCashierUi('resolveHeldPaidAction', { ...held, reason: ' ', pin: SUPERVISOR_PIN });
    expect(empty.status).toBe(400);
  });
});
