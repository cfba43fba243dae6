/**
 * A supervisor settles an attempt that needs a person, with the provider's query as evidence: booked
 * as paid only when the provider says paid, closed as unpaid only when it says closed or unknown to it,
 * refunded only when it holds the money. Each decision is journaled with who and why.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { refusedRefunds } from '../../core/engine/refused-refunds.ts';
import type { SqliteJournal } from '../../core/journal/sqlite-journal.ts';
import type { Journal } from '../../core/ports/journal.ts';
import { createHarness, type Harness, settle, wxCode } from './harness.ts';

let h: Harness;
beforeEach(() => {
  h = createHarness();
});
afterEach(() => h.dispose());

const sale = { total_fee: 1234, subject: 'Coffee' };
const who = { by: '店长 李', reason: '顾客出示了扣款记录' };

/** The customer paid, but the terminal never heard: the attempt needs a person, money held. */
async function paidUnheard(orderNo: string): Promise<string> {
  const code = wxCode();
  h.wx.customers.set(code, 'password');
  const attempt = await h.engine.pay({ ...sale, out_trade_no: orderNo, auth_code: code });
  h.wx.confirm(code);
  h.wx.offline = true;
  await settle(h);
  expect(h.journal.getAttempt(attempt.outTradeNo)!.phase).toBe('needs_attention');
  h.wx.offline = false;
  return attempt.outTradeNo;
}

/** A reversal the provider kept asking to retry: needs a person; the customer never paid. */
async function unpaidStuck(orderNo: string): Promise<string> {
  const code = wxCode();
  h.wx.customers.set(code, 'password');
  h.wx.reverseRetries = 100;
  const attempt = await h.engine.pay({ ...sale, out_trade_no: orderNo, auth_code: code });
  h.engine.stop(orderNo);
  await settle(h);
  expect(h.journal.getAttempt(attempt.outTradeNo)!.phase).toBe('needs_attention');
  return attempt.outTradeNo;
}

function steps(orderNo: string): string[] {
  return h.journal.timeline(orderNo).map((s) => `${s.op}: ${s.summary}`);
}

describe('settling an attempt that needs attention', () => {
  it('books as paid when the provider says paid, journaling who and why, and owes the callback', async () => {
    const outTradeNo = await paidUnheard('S1');
    const result = await h.engine.settleAttention('S1', { action: 'book_paid', ...who });
    expect(result.evidence.kind).toBe('paid');
    expect(h.journal.getAttempt(outTradeNo)!.phase).toBe('paid');
    expect(h.engine.orderView('S1')!.status).toBe(1);
    expect(h.engine.orderView('S1')!.live_attempt).toBeNull();
    expect(steps('S1').join('\n')).toMatch(/settle_book_paid: .*店长 李.*顾客出示了扣款记录/);
    await settle(h);
    expect(h.callbackRuns.get('S1')).toBe(1);
  });

  it('refuses to close as unpaid what the provider says is paid: nothing changes', async () => {
    const outTradeNo = await paidUnheard('S2');
    await expect(h.engine.settleAttention('S2', { action: 'close_unpaid', ...who })).rejects.toMatchObject({
      code: 'settle_not_confirmed',
    });
    expect(h.journal.getAttempt(outTradeNo)!.phase).toBe('needs_attention');
    expect(h.engine.orderView('S2')!.status).toBe(0);
  });

  it('refuses to book as paid what the provider has not been paid (still waiting): the engine books no money', async () => {
    const outTradeNo = await unpaidStuck('S3');
    await expect(h.engine.settleAttention('S3', { action: 'book_paid', ...who })).rejects.toMatchObject({
      code: 'settle_not_confirmed',
    });
    expect(h.journal.getAttempt(outTradeNo)!.phase).toBe('needs_attention');
    expect(h.engine.orderView('S3')!.status).toBe(0);
  });

  it('closes as unpaid when the provider says the order is closed', async () => {
    const outTradeNo = await unpaidStuck('S4');
    h.wx.trades.get(outTradeNo)!.state = 'closed';
    const result = await h.engine.settleAttention('S4', { action: 'close_unpaid', ...who });
    expect(result.evidence.kind).toBe('closed');
    expect(h.journal.getAttempt(outTradeNo)!.phase).toBe('reversed');
    expect(h.engine.orderView('S4')!.status).toBe(-1);
    expect(steps('S4').join('\n')).toMatch(/settle_close_unpaid: .*店长 李/);
  });

  it('an unreadable or unreachable provider settles nothing: the item stays for later', async () => {
    const outTradeNo = await paidUnheard('S5');
    h.wx.offline = true;
    await expect(h.engine.settleAttention('S5', { action: 'book_paid', ...who })).rejects.toMatchObject({
      code: 'provider_unreachable',
    });
    expect(h.journal.getAttempt(outTradeNo)!.phase).toBe('needs_attention');
    expect(h.engine.orderView('S5')!.status).toBe(0);
  });

  it('marks for refund: books the money the provider holds, then refunds all of it', async () => {
    const outTradeNo = await paidUnheard('S6');
    await h.engine.settleAttention('S6', { action: 'mark_refund', ...who });
    await settle(h);
    expect(h.engine.orderView('S6')!.refunded_fee).toBe(1234);
    expect(h.wx.held(outTradeNo)).toBe(0);
    expect(steps('S6').join('\n')).toMatch(/settle_mark_refund: .*顾客出示了扣款记录/);
  });

  it('a crash right after mark_refund booked the money: the next start refunds it all', async () => {
    h.dispose();
    let dead = false;
    // The power goes right after the write that journals the supervisor's mark_refund.
    const dying = (j: SqliteJournal): Journal =>
      new Proxy(j, {
        get(target, key, receiver) {
          const value = Reflect.get(target, key, receiver);
          if (typeof value !== 'function') return value;
          return (...args: unknown[]) => {
            if (dead) throw new Error('power cut');
            const result = (value as (...a: unknown[]) => unknown).apply(target, args);
            if (args[1] === 'settle_mark_refund') dead = true;
            return result;
          };
        },
      });
    h = createHarness({ journal: dying });
    const outTradeNo = await paidUnheard('S8');
    await h.engine.settleAttention('S8', { action: 'mark_refund', ...who }).catch(() => undefined);
    expect(dead).toBe(true);
    expect(h.wx.held(outTradeNo)).toBe(1234);

    h.restart().recover();
    await settle(h);
    expect(h.wx.held(outTradeNo)).toBe(0);
    expect(h.engine.orderView('S8')).toMatchObject({ status: 3, refunded_fee: 1234 });
    expect(h.journal.refundsOf('S8')).toEqual([
      expect.objectContaining({ outTradeNo, refundFee: 1234, status: 'succeeded' }),
    ]);
    expect(h.callbackRuns.get('S8')).toBeUndefined();
  });

  it('mark_refund asked again while its refund has no answer continues that refund, never a second one', async () => {
    const outTradeNo = await paidUnheard('S9');
    h.wx.fault('refund', 'lost');
    h.wx.fault('queryRefund', 'down');
    const first = h.engine.settleAttention('S9', { action: 'mark_refund', ...who });
    first.catch(() => undefined);
    await vi.waitFor(() => expect(h.journal.refundsOf('S9')[0]?.attempts).toBe(1));
    const repeat = h.engine.settleAttention('S9', { action: 'mark_refund', ...who });
    await settle(h);
    await first;
    const again = await repeat;
    expect(again.refund).toMatchObject({ outTradeNo, refundFee: 1234, status: 'succeeded' });
    const refunds = h.journal.refundsOf('S9');
    expect(refunds).toHaveLength(1);
    expect(refunds[0]).toMatchObject({ status: 'succeeded', outRefundNo: again.refund!.outRefundNo });
    expect([...h.wx.trades.get(outTradeNo)!.refunds.keys()]).toEqual([again.refund!.outRefundNo]);
    expect(h.wx.held(outTradeNo)).toBe(0);
    expect(h.engine.orderView('S9')).toMatchObject({ status: 3, refunded_fee: 1234 });
  });

  it('mark_refund refused by the provider as final: asking again makes a new refund of that money', async () => {
    const outTradeNo = await paidUnheard('S12');
    h.wx.trades.get(outTradeNo)!.captured = 1000; // the fake refuses 1234 as final (REFUND_FEE_INVALID)
    const refused = await h.engine.settleAttention('S12', { action: 'mark_refund', ...who });
    expect(refused.refund).toMatchObject({ status: 'failed', failure: { code: 'REFUND_FEE_INVALID' } });
    expect(h.engine.orderView('S12')).toMatchObject({ status: 1, refunded_fee: 0 });
    h.wx.trades.get(outTradeNo)!.captured = 1234;

    const again = await h.engine.settleAttention('S12', {
      action: 'mark_refund',
      by: '店长 王',
      reason: '平台余额已补足',
    });
    expect(again.refund).toMatchObject({ status: 'succeeded', refundFee: 1234 });
    expect(steps('S12').join('\n')).toMatch(/settle_mark_refund: 店长 王: 平台余额已补足/);
    expect(again.refund!.outRefundNo).not.toBe(refused.refund!.outRefundNo);
    expect(h.wx.held(outTradeNo)).toBe(0);
    expect(h.engine.orderView('S12')).toMatchObject({ status: 3, refunded_fee: 1234 });
  });

  it('refuses to book as paid (or refund again) a payment the provider says was refunded: the money went back', async () => {
    const outTradeNo = await paidUnheard('S10');
    const trade = h.wx.trades.get(outTradeNo)!;
    trade.refunded = trade.captured; // refunded in the merchant portal, outside the till
    for (const action of ['book_paid', 'mark_refund'] as const)
      await expect(h.engine.settleAttention('S10', { action, ...who })).rejects.toMatchObject({
        code: 'settle_payment_refunded',
      });
    expect(h.journal.getAttempt(outTradeNo)!.phase).toBe('needs_attention');
    expect(h.engine.orderView('S10')).toMatchObject({ status: 0, refunded_fee: 0 });
    expect(h.journal.refundsOf('S10')).toEqual([]);
    await settle(h);
    expect(h.callbackRuns.get('S10')).toBeUndefined();
  });

  it('closes a payment the provider says was refunded: the attempt ends refunded, who and why journaled', async () => {
    const outTradeNo = await paidUnheard('S11');
    const trade = h.wx.trades.get(outTradeNo)!;
    trade.refunded = trade.captured;
    const result = await h.engine.settleAttention('S11', { action: 'close_unpaid', ...who });
    expect(result.evidence.kind).toBe('refunded');
    expect(h.journal.getAttempt(outTradeNo)).toMatchObject({
      phase: 'reversed',
      reverseAction: 'refund',
      attention: null,
    });
    expect(h.engine.orderView('S11')).toMatchObject({ status: -1, refunded_fee: 0 });
    expect(steps('S11').join('\n')).toMatch(
      /settle_close_unpaid: 店长 李: 顾客出示了扣款记录 \(provider: refunded\)/,
    );
    expect(h.wx.calls.filter((c) => c.op === 'refund')).toHaveLength(0);
  });

  it('an order with nothing needing attention is refused', async () => {
    await expect(h.engine.settleAttention('NOPE', { action: 'book_paid', ...who })).rejects.toMatchObject({
      code: 'order_not_found',
    });
  });
});

describe('a mark_refund refund the provider refused as final comes back to 待处理', () => {
  async function refusedMarkRefund(orderNo: string): Promise<string> {
    const outTradeNo = await paidUnheard(orderNo);
    h.wx.trades.get(outTradeNo)!.captured = 1000; // the fake refuses 1234 as final (REFUND_FEE_INVALID)
    const refused = await h.engine.settleAttention(orderNo, { action: 'mark_refund', ...who });
    expect(refused.refund).toMatchObject({ status: 'failed' });
    return outTradeNo;
  }

  it('lists it with the provider reason until it is refunded again', async () => {
    const outTradeNo = await refusedMarkRefund('R1');
    const listed = refusedRefunds(h.journal);
    expect(listed).toHaveLength(1);
    expect(listed[0]).toMatchObject({
      orderNo: 'R1',
      outTradeNo,
      status: 'failed',
      refundFee: 1234,
      failure: { code: 'REFUND_FEE_INVALID' },
    });
    h.wx.trades.get(outTradeNo)!.captured = 1234;
    await h.engine.settleAttention('R1', { action: 'mark_refund', ...who });
    expect(refusedRefunds(h.journal)).toEqual([]);
  });

  it('an ordinary refused refund is not on the list (the cashier saw it refused on the refund screen)', async () => {
    const outTradeNo = await paidUnheard('R2');
    await h.engine.settleAttention('R2', { action: 'book_paid', ...who });
    h.wx.trades.get(outTradeNo)!.captured = 1000;
    const refund = await h.engine.refunds.refund({ out_trade_no: 'R2' });
    expect(refund.status).toBe('failed');
    expect(refusedRefunds(h.journal)).toEqual([]);
  });

  it('close_refund marks it done (refunded in cash or the portal) with who and why; it leaves the list', async () => {
    const outTradeNo = await refusedMarkRefund('R3');
    const done = await h.engine.settleAttention('R3', {
      action: 'close_refund',
      by: '店长 李',
      reason: '现金退给顾客',
    });
    expect(done.attempt.outTradeNo).toBe(outTradeNo);
    expect(refusedRefunds(h.journal)).toEqual([]);
    expect(steps('R3').join('\n')).toMatch(/settle_close_refund: 店长 李: 现金退给顾客.*REFUND_FEE_INVALID/);
    // Nothing more to close: asking again is refused, not journaled twice.
    await expect(h.engine.settleAttention('R3', { action: 'close_refund', ...who })).rejects.toMatchObject({
      code: 'nothing_to_settle',
    });
    expect(steps('R3').filter((s) => s.startsWith('settle_close_refund'))).toHaveLength(1);
    // Refunded another way: a mark_refund asked now would pay the customer twice.
    h.wx.trades.get(outTradeNo)!.captured = 1234;
    await expect(h.engine.settleAttention('R3', { action: 'mark_refund', ...who })).rejects.toMatchObject({
      code: 'nothing_to_settle',
    });
    expect(h.wx.held(outTradeNo)).toBe(1234);
    // Nor may the refund screen refund that money through the provider afterwards.
    await expect(h.engine.refunds.refund({ out_trade_no: 'R3' })).rejects.toMatchObject({
      code: 'refund_settled_elsewhere',
    });
    expect(h.wx.held(outTradeNo)).toBe(1234);
  });

  it('the list is bounded (the oldest 50) and leaves out refusals of refunds not asked by mark_refund', async () => {
    for (let i = 0; i < 52; i++) {
      const attempt = await h.engine.pay({ ...sale, out_trade_no: `B${i}`, auth_code: wxCode() });
      await settle(h);
      const paid = h.journal.getAttempt(attempt.outTradeNo)!;
      expect(paid.phase).toBe('paid');
      // The journal as mark_refund leaves it after a final refusal (B0: a plain refund, not the supervisor's).
      if (i > 0) h.journal.recordOutcome(paid, 'settle_mark_refund', 'test: 店长 李');
      h.journal.putRefund({
        outRefundNo: `B${i}R1`,
        orderNo: `B${i}`,
        outTradeNo: paid.outTradeNo,
        refundFee: 1234,
        status: 'failed',
        reason: null,
        refundId: null,
        failure: { code: 'NOTENOUGH', message: 'balance' },
        attempts: 1,
        createdAt: 1000 + i,
        updatedAt: 1000 + i,
      });
    }
    const listed = refusedRefunds(h.journal);
    expect(listed).toHaveLength(50);
    expect(listed[0]!.orderNo).toBe('B1');
    expect(listed.at(-1)!.orderNo).toBe('B50');
  });

  it('close_refund is refused for an order with no refused mark_refund refund', async () => {
    await paidUnheard('R4');
    await expect(h.engine.settleAttention('R4', { action: 'close_refund', ...who })).rejects.toMatchObject({
      code: 'nothing_to_settle',
    });
  });
});
