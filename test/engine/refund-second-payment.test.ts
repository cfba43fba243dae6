/**
 * One order paid twice: a second attempt the provider says paid after the order was paid by another
 * attempt (paid_after_final on a paid order). The supervisor's refund_payment refunds that attempt's
 * own trade in full, from the till: its out_refund_no is journaled before the provider call and
 * repeated after an unknown reply until answered; the order stays paid by the first attempt, with
 * its own refundable amount untouched.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AttemptState } from '../../core/domain/attempt-state.ts';
import { attentionOperations } from '../../core/service/api/attention.ts';
import type { ServiceParts } from '../../core/service/api/service-parts.ts';
import { aliCode, createHarness, type Harness, settle, wxCode } from './harness.ts';

let h: Harness;
beforeEach(() => {
  h = createHarness();
});
afterEach(() => h.dispose());

const who = { by: '店长 李', reason: '顾客付了两次' };

/** Order DUP1 paid by its second attempt; then the provider says its failed first attempt is paid too. */
async function paidTwice(): Promise<{ second: string; first: string }> {
  const code = aliCode();
  h.ali.customers.set(code, 'insufficient');
  const first = await h.engine.pay({ out_trade_no: 'DUP1', auth_code: code, total_fee: 900, subject: 'Tea' });
  await settle(h);
  const again = aliCode();
  await h.engine.pay({ out_trade_no: 'DUP1', auth_code: again, total_fee: 900, subject: 'Tea' });
  await settle(h);
  const order = h.engine.orderView('DUP1')!;
  expect(order.status).toBe(1);
  h.ali.trades.set(first.outTradeNo, {
    outTradeNo: first.outTradeNo,
    authCode: null,
    state: 'paid',
    totalFee: 900,
    captured: 900,
    refunded: 0,
    transactionId: `LATE-${first.outTradeNo}`,
    refunds: new Map(),
    qr: false,
  });
  h.engine.notifyPaid(first.outTradeNo, {
    kind: 'paid',
    transactionId: `LATE-${first.outTradeNo}`,
    totalFee: 900,
  });
  await settle(h);
  expect(h.journal.getAttempt(first.outTradeNo)!.attention?.code).toBe('paid_after_final');
  return { first: first.outTradeNo, second: order.paid_out_trade_no! };
}

describe('refund_payment: the second payment of an order paid twice', () => {
  it('refunds that attempt’s own trade in full; the order stays paid, with all of its own amount refundable', async () => {
    const { first, second } = await paidTwice();
    const result = await h.engine.settleAttention('DUP1', { action: 'refund_payment', ...who });
    await settle(h);

    expect(result.refund?.status).toBe('succeeded');
    expect(h.ali.held(first)).toBe(0);
    expect(h.ali.held(second)).toBe(900);
    const refundCalls = h.ali.calls.filter((c) => c.op === 'refund');
    expect(refundCalls.map((c) => c.outTradeNo)).toEqual([first]);

    const attempt = h.journal.getAttempt(first)!;
    expect(attempt.phase).toBe('reversed');
    expect(attempt.reverseAction).toBe('refund');
    expect(attempt.attention).toBeNull();
    expect(h.journal.unresolvedAttempts().map((a) => a.outTradeNo)).not.toContain(first);
    const shown = h.engine.orderDetail('DUP1').attempts.find((a) => a.out_trade_no === first);
    expect(shown).toMatchObject({ phase: 'reversed', reverse_action: 'refund', attention: null });

    const order = h.engine.orderView('DUP1')!;
    expect(order.status).toBe(1);
    expect(order.refunded_fee).toBe(0);
    expect(order.paid_out_trade_no).toBe(second);
    const timeline = h.journal
      .timeline('DUP1')
      .map((s) => `${s.op}: ${s.summary}`)
      .join('\n');
    expect(timeline).toMatch(/settle_refund_payment: 店长 李: 顾客付了两次/);

    // The order's own money: all 900 fen still refundable, from the trade that paid it.
    const own = await h.engine.refunds.refund({ out_trade_no: 'DUP1' });
    expect(own).toMatchObject({ status: 'succeeded', refundFee: 900, outTradeNo: second });
    expect(h.engine.orderView('DUP1')!.status).toBe(3);
    expect(h.engine.orderView('DUP1')!.refunded_fee).toBe(900);
  });

  it('an unknown reply keeps it owed: the same out_refund_no is repeated until answered, never a second refund', async () => {
    const { first } = await paidTwice();
    h.ali.fault('refund', 'lost', 'down');
    h.ali.fault('queryRefund', 'down', 'down');
    const pending = h.engine.settleAttention('DUP1', { action: 'refund_payment', ...who });
    pending.catch(() => undefined);
    await settle(h);
    await pending;
    const refunds = h.journal.refundsOf('DUP1').filter((r) => r.outTradeNo === first);
    expect(refunds).toHaveLength(1);
    expect(refunds[0]!.status).toBe('succeeded');
    const trade = h.ali.trades.get(first)!;
    expect([...trade.refunds.keys()]).toEqual([refunds[0]!.outRefundNo]);
    expect(h.ali.held(first)).toBe(0);
    expect(h.journal.getAttempt(first)!.phase).toBe('reversed');
  });

  it('no answer at all: the attempt stays on 待处理, the refund owed; after a restart the same number is repeated and finishes it', async () => {
    const { first } = await paidTwice();
    h.ali.fault('refund', 'lost'); // the provider takes it, the reply is lost, then the power goes
    void h.engine.settleAttention('DUP1', { action: 'refund_payment', ...who }).catch(() => undefined);
    await vi.waitFor(() => expect(h.journal.refundsOf('DUP1')[0]?.attempts).toBe(1));
    const owed = h.journal.refundsOf('DUP1')[0]!;
    expect(owed).toMatchObject({ status: 'pending', outTradeNo: first, refundFee: 900 });
    expect(h.journal.getAttempt(first)!.phase).toBe('needs_attention');

    h.restart().recover();
    await settle(h);
    const after = h.journal.refundsOf('DUP1');
    expect(after).toHaveLength(1);
    expect(after[0]).toMatchObject({ outRefundNo: owed.outRefundNo, status: 'succeeded' });
    expect([...h.ali.trades.get(first)!.refunds.keys()]).toEqual([owed.outRefundNo]);
    expect(h.journal.getAttempt(first)!.phase).toBe('reversed');
    expect(h.engine.orderView('DUP1')!.refunded_fee).toBe(0);
  });

  it('a crash after the refund’s answer was journaled, before the attempt ended: the next start ends it', async () => {
    h.dispose();
    let crash = true;
    h = createHarness({
      journal: (j) =>
        new Proxy(j, {
          get(target, key, receiver) {
            if (key === 'recordOutcome')
              return (state: AttemptState, op: string, ...rest: unknown[]) => {
                if (crash && op === 'second_payment_refunded') throw new Error('power cut');
                return (target.recordOutcome as (...a: unknown[]) => void).call(target, state, op, ...rest);
              };
            const value = Reflect.get(target, key, receiver);
            return typeof value === 'function' ? value.bind(target) : value;
          },
        }),
    });
    const { first } = await paidTwice();
    await h.engine.settleAttention('DUP1', { action: 'refund_payment', ...who }).catch(() => undefined);
    expect(h.journal.refundsOf('DUP1')[0]?.status).toBe('succeeded');
    expect(h.journal.getAttempt(first)!.phase).toBe('needs_attention');

    crash = false;
    h.restart().recover();
    await settle(h);
    expect(h.journal.getAttempt(first)).toMatchObject({ phase: 'reversed', reverseAction: 'refund' });
    expect(h.ali.calls.filter((c) => c.op === 'refund')).toHaveLength(1);
  });

  it('asked twice while the first is unanswered: the same refund, not a second one', async () => {
    const { first } = await paidTwice();
    h.ali.fault('refund', 'lost');
    void h.engine.settleAttention('DUP1', { action: 'refund_payment', ...who }).catch(() => undefined);
    await vi.waitFor(() => expect(h.journal.refundsOf('DUP1')[0]?.attempts).toBe(1));
    const again = h.engine.settleAttention('DUP1', { action: 'refund_payment', ...who });
    await settle(h);
    await again;
    expect(h.journal.refundsOf('DUP1')).toHaveLength(1);
    expect(h.ali.trades.get(first)!.refunds.size).toBe(1);
    expect(h.journal.getAttempt(first)!.phase).toBe('reversed');
  });

  it('a refusal the provider calls final leaves the item on 待处理 with the provider’s reason; asking again uses a new number', async () => {
    const { first } = await paidTwice();
    // The fake refuses a refund beyond what it captured, as final (REFUND_FEE_INVALID).
    h.ali.trades.get(first)!.captured = 500;
    const result = await h.engine.settleAttention('DUP1', { action: 'refund_payment', ...who });
    await settle(h);
    expect(result.refund?.status).toBe('failed');
    const attempt = h.journal.getAttempt(first)!;
    expect(attempt.phase).toBe('needs_attention');
    expect(attempt.attention?.code).toBe('paid_after_final');
    expect(attempt.attention?.message).toMatch(/REFUND_FEE_INVALID: exceeds paid/);
    expect(h.ali.held(first)).toBe(500);
    h.ali.trades.get(first)!.captured = 900;

    const again = await h.engine.settleAttention('DUP1', { action: 'refund_payment', ...who });
    await settle(h);
    expect(again.refund?.status).toBe('succeeded');
    expect(again.refund?.outRefundNo).not.toBe(result.refund?.outRefundNo);
    expect(h.ali.held(first)).toBe(0);
    expect(h.journal.getAttempt(first)!.phase).toBe('reversed');
  });

  it('the second payment went through another provider: refunded there, not at the order’s', async () => {
    const code = aliCode();
    h.ali.customers.set(code, 'insufficient');
    const first = await h.engine.pay({
      out_trade_no: 'MIX1',
      auth_code: code,
      total_fee: 600,
      subject: 'Tea',
    });
    await settle(h);
    await h.engine.pay({ out_trade_no: 'MIX1', auth_code: wxCode(), total_fee: 600, subject: 'Tea' });
    await settle(h);
    expect(h.engine.orderView('MIX1')).toMatchObject({ status: 1, provider: 'wxpay' });
    h.ali.trades.set(first.outTradeNo, {
      outTradeNo: first.outTradeNo,
      authCode: null,
      state: 'paid',
      totalFee: 600,
      captured: 600,
      refunded: 0,
      transactionId: 'ALI-LATE',
      refunds: new Map(),
      qr: false,
    });
    h.engine.notifyPaid(first.outTradeNo, { kind: 'paid', transactionId: 'ALI-LATE', totalFee: 600 });
    await settle(h);

    const result = await h.engine.settleAttention('MIX1', { action: 'refund_payment', ...who });
    await settle(h);
    expect(result.refund?.status).toBe('succeeded');
    expect(h.ali.held(first.outTradeNo)).toBe(0);
    expect(h.wx.calls.filter((c) => c.op === 'refund')).toHaveLength(0);
    expect(h.wx.held('MIX1_2')).toBe(600);
  });

  it('the provider cannot be asked whether it holds the payment: nothing is journaled or refunded, the item stays', async () => {
    const { first } = await paidTwice();
    h.ali.offline = true;
    await expect(
      h.engine.settleAttention('DUP1', { action: 'refund_payment', ...who }),
    ).rejects.toMatchObject({ code: 'provider_unreachable' });
    expect(h.journal.refundsOf('DUP1')).toEqual([]);
    expect(h.ali.calls.filter((c) => c.op === 'refund')).toHaveLength(0);
    expect(h.journal.getAttempt(first)!.attention?.code).toBe('paid_after_final');
  });

  it('the 待处理 check shows the last refund of that payment: a reload still sees the provider’s refusal', async () => {
    const { first } = await paidTwice();
    h.ali.trades.get(first)!.captured = 500; // refused as final by the fake (REFUND_FEE_INVALID)
    await h.engine.settleAttention('DUP1', { action: 'refund_payment', ...who });
    const attention = attentionOperations({ engine: h.engine, clock: h.clock } as unknown as ServiceParts);
    const evidence = await attention.checkAttention({ out_trade_no: 'DUP1' });
    expect(evidence).toMatchObject({
      paid_twice: true,
      refund: { status: 'failed', out_trade_no: first, failure: { code: 'REFUND_FEE_INVALID' } },
    });
  });

  it('refunded in the merchant portal: the supervisor clears it with close_unpaid; the order stays paid, untouched', async () => {
    const { first, second } = await paidTwice();
    h.ali.trades.get(first)!.refunded = 900; // the provider now says refunded
    for (const action of ['book_paid', 'mark_refund'] as const)
      await expect(h.engine.settleAttention('DUP1', { action, ...who })).rejects.toMatchObject({
        code: 'paid_twice',
      });
    const result = await h.engine.settleAttention('DUP1', { action: 'close_unpaid', ...who });
    expect(result.evidence.kind).toBe('refunded');
    expect(h.journal.getAttempt(first)).toMatchObject({
      phase: 'reversed',
      reverseAction: 'refund',
      attention: null,
    });
    expect(h.journal.unresolvedAttempts().map((a) => a.outTradeNo)).not.toContain(first);
    expect(h.engine.orderView('DUP1')).toMatchObject({
      status: 1,
      refunded_fee: 0,
      paid_out_trade_no: second,
    });
    const timeline = h.journal
      .timeline('DUP1')
      .map((s) => `${s.op}: ${s.summary}`)
      .join('\n');
    expect(timeline).toMatch(/settle_close_unpaid: 店长 李: 顾客付了两次 \(provider: refunded\)/);
    expect(h.ali.calls.filter((c) => c.op === 'refund')).toHaveLength(0);
    expect(h.ali.held(second)).toBe(900);
  });

  it('is refused for an attempt whose order was not paid by another attempt (mark_refund is for that)', async () => {
    const attempt = await h.engine.startQr({ total_fee: 700, subject: 'Massage', provider: 'alipay' });
    h.engine.stop(attempt.outTradeNo);
    await settle(h);
    const trade = h.ali.trades.get(attempt.outTradeNo)!;
    trade.state = 'paid';
    trade.captured = 700;
    h.engine.notifyPaid(attempt.outTradeNo, {
      kind: 'paid',
      transactionId: trade.transactionId,
      totalFee: 700,
    });
    await settle(h);
    await expect(
      h.engine.settleAttention(attempt.orderNo, { action: 'refund_payment', ...who }),
    ).rejects.toMatchObject({ code: 'not_paid_twice' });
    expect(h.ali.calls.filter((c) => c.op === 'refund')).toHaveLength(0);
  });
});
