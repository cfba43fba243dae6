/**
 * Table tests of the pure attempt machine: phase × event class → next phase and the command
 * `decide` returns. No engine, no I/O, no clock: `now` is an argument.
 */
import { describe, expect, it } from 'vitest';
import type { AttemptPhase } from '../../core/common/contract/views.ts';
import type { AttemptEvent } from '../../core/domain/attempt-events.ts';
import { apply, decide } from '../../core/domain/attempt-machine.ts';
import type { AttemptState } from '../../core/domain/attempt-state.ts';
import { DEFAULT_POLL_POLICIES, scheduleSpanMs, unknownBackoffMs } from '../../core/domain/poll-policy.ts';
import {
  ALI,
  attempt,
  charge,
  close,
  closeAlreadyPaid,
  closedQ,
  closeOk,
  closeTooYoung,
  FEE,
  failed,
  notFound,
  paid,
  pending,
  precreate,
  query,
  recall,
  refunded,
  retry,
  reverse,
  reversed,
  reverseRefused,
  stop,
  T0,
  unknown,
  WX,
} from './attempt-fixtures.ts';

const polling = (patch: Partial<AttemptState> = {}) =>
  attempt({ phase: 'polling', queryCount: 1, nextActionAt: T0 + 4000, ...patch });
const reversing = (patch: Partial<AttemptState> = {}) =>
  attempt({ phase: 'reversing', nextActionAt: T0 + 20_000, queryCount: 3, ...patch });
const awaitingScan = (patch: Partial<AttemptState> = {}) =>
  attempt({
    mode: 'qr',
    phase: 'awaiting_scan',
    qrCode: 'weixin://wxpay/q1',
    nextActionAt: T0 + 2000,
    ...patch,
  });
const closing = (patch: Partial<AttemptState> = {}) =>
  attempt({ mode: 'qr', phase: 'closing', nextActionAt: T0 + 130_000, ...patch });

describe('submitted (micropay)', () => {
  it.each([WX, ALI])('asks for the charge first', (policy) => {
    expect(decide(attempt(), policy, T0)).toEqual({ kind: 'charge' });
  });

  it('a paid reply of the order amount is paid, with the provider time and transaction', () => {
    const s = apply(attempt(), charge(paid()), WX, T0 + 800);
    expect(s).toMatchObject({ phase: 'paid', transactionId: 'TX1', paidFee: FEE, updatedAt: T0 + 800 });
    expect(s.paidAt).toBe(Date.parse('2026-11-23T02:00:05.000Z'));
    expect(decide(s, WX, T0 + 800)).toEqual({ kind: 'done' });
  });

  it('a paid reply without a readable time is paid at `now`', () => {
    const s = apply(attempt(), charge({ kind: 'paid', transactionId: 'TX1', totalFee: FEE }), WX, T0 + 800);
    expect(s.paidAt).toBe(T0 + 800);
  });

  it("a definite failure is failed with the provider code and the adapter's decline reason", () => {
    const s = apply(attempt(), charge(failed), WX, T0 + 500);
    expect(s.phase).toBe('failed');
    expect(s.failure).toEqual({
      code: 'NOTENOUGH',
      message: 'insufficient funds',
      reason: 'insufficient_funds',
    });
    expect(decide(s, WX, T0 + 500)).toEqual({ kind: 'done' });
  });

  it.each([
    ['unknown', unknown],
    ['pending', pending],
    ['not_found', notFound],
    ['closed', closedQ],
    ['refunded', refunded()],
  ] as const)(
    'a %s charge reply is polled (never failed), first query after the first delay',
    (_, outcome) => {
      const now = T0 + 700;
      for (const policy of Object.values(DEFAULT_POLL_POLICIES)) {
        const s = apply(attempt(), charge(outcome), policy, now);
        expect(s.phase).toBe('polling');
        expect(s.failure).toBeNull();
        expect(s.nextActionAt).toBe(now + policy.queryDelaysMs[0]!);
        expect(decide(s, policy, now)).toEqual({ kind: 'wait', until: now + policy.queryDelaysMs[0]! });
        expect(decide(s, policy, s.nextActionAt)).toEqual({ kind: 'query' });
      }
    },
  );

  it('a paid reply of another amount is reversed with failure amount_mismatch, not booked', () => {
    const s = apply(attempt(), charge(paid(FEE + 1)), ALI, T0 + 900);
    expect(s.phase).toBe('reversing');
    expect(s.failure?.code).toBe('amount_mismatch');
    expect(s.paidFee).toBeNull();
    expect(s.transactionId).toBe('TX1');
    expect(decide(s, ALI, T0 + 900)).toEqual({ kind: 'reverse' });
  });

  it('stop while the charge is in flight is remembered; a pending reply then reverses instead of polling', () => {
    const stopped = apply(attempt(), stop, WX, T0 + 100);
    expect(stopped).toMatchObject({ phase: 'submitted', stopRequested: true });
    expect(decide(stopped, WX, T0 + 100)).toEqual({ kind: 'charge' });
    const s = apply(stopped, charge(pending), WX, T0 + 900);
    expect(s.phase).toBe('reversing');
    // WeChat: the reversal still waits for chargedAt + 15 s.
    expect(decide(s, WX, T0 + 900)).toEqual({ kind: 'wait', until: T0 + 15_000 });
  });

  it('stop while the charge is in flight does not throw away a paid reply', () => {
    const s = apply(apply(attempt(), stop, WX, T0 + 100), charge(paid()), WX, T0 + 900);
    expect(s.phase).toBe('paid');
  });
});

describe('polling (micropay)', () => {
  it('waits for nextActionAt, then queries', () => {
    const s = polling();
    expect(decide(s, WX, T0 + 3999)).toEqual({ kind: 'wait', until: T0 + 4000 });
    expect(decide(s, WX, T0 + 4000)).toEqual({ kind: 'query' });
  });

  it.each([
    ['pending', pending],
    ['not_found', notFound],
    ['unknown', unknown],
  ] as const)('a %s query reply schedules the next query from the schedule', (_, outcome) => {
    const now = T0 + 4000;
    const s = apply(polling({ queryCount: 3 }), query(outcome), WX, now);
    expect(s).toMatchObject({ phase: 'polling', queryCount: 4, nextActionAt: now + WX.queryDelaysMs[4]! });
  });

  it('the schedule spent: reversing after exactly one query per delay, at the schedule span', () => {
    for (const policy of Object.values(DEFAULT_POLL_POLICIES)) {
      let now = T0;
      let s = apply(attempt(), charge(pending), policy, now);
      let queries = 0;
      for (let i = 0; i < 100 && s.phase === 'polling'; i++) {
        const command = decide(s, policy, now);
        if (command.kind === 'wait') {
          now = command.until;
          continue;
        }
        expect(command).toEqual({ kind: 'query' });
        queries++;
        s = apply(s, query(pending), policy, now);
      }
      expect(s.phase).toBe('reversing');
      expect(queries).toBe(policy.queryDelaysMs.length);
      expect(now - T0).toBe(scheduleSpanMs(policy));
    }
  });

  it.each([
    ['paid', paid()],
    ['refunded', refunded()],
  ] as const)('a %s query reply of the order amount is paid', (_, outcome) => {
    const s = apply(polling(), query(outcome), WX, T0 + 4000);
    expect(s).toMatchObject({ phase: 'paid', paidFee: FEE, queryCount: 2, transactionId: 'TX1' });
  });

  it('a paid query reply of another amount is reversed with amount_mismatch', () => {
    const s = apply(polling(), query(paid(FEE * 10)), WX, T0 + 4000);
    expect(s.phase).toBe('reversing');
    expect(s.failure?.code).toBe('amount_mismatch');
    expect(s.paidFee).toBeNull();
  });

  it('closed by the provider is failed (no money moved)', () => {
    const s = apply(polling(), query(closedQ), WX, T0 + 4000);
    expect(s.phase).toBe('failed');
    expect(s.failure?.code).toBe('CLOSED');
    expect(s.failure?.reason).toBe('order_closed');
  });

  it('a failed query (PAYERROR) is reversed, keeping the reason', () => {
    const s = apply(polling(), query(failed), ALI, T0 + 4000);
    expect(s.phase).toBe('reversing');
    expect(s.failure?.code).toBe('NOTENOUGH');
    expect(s.failure?.reason).toBe('insufficient_funds');
    expect(decide(s, ALI, T0 + 4000)).toEqual({ kind: 'reverse' });
  });

  it('stop while polling reverses at once (Alipay) or at chargedAt + 15 s (WeChat)', () => {
    const ali = apply(polling({ provider: 'alipay' }), stop, ALI, T0 + 3000);
    expect(ali).toMatchObject({ phase: 'reversing', stopRequested: true, nextActionAt: T0 + 3000 });
    expect(decide(ali, ALI, T0 + 3000)).toEqual({ kind: 'reverse' });
    const wx = apply(polling(), stop, WX, T0 + 3000);
    expect(wx.phase).toBe('reversing');
    expect(decide(wx, WX, T0 + 3000)).toEqual({ kind: 'wait', until: T0 + 15_000 });
  });

  it('a verified paid notification is booked when its amount matches', () => {
    const s = apply(polling(), { kind: 'notified_paid', outcome: paid() }, WX, T0 + 3000);
    expect(s.phase).toBe('paid');
  });
});

describe('reversing (micropay)', () => {
  it('WeChat: never before chargedAt + 15 s, then reverse', () => {
    const s = reversing({ nextActionAt: T0 + 3000 });
    expect(decide(s, WX, T0 + 3000)).toEqual({ kind: 'wait', until: T0 + WX.reverseNotBeforeMs });
    expect(decide(s, WX, T0 + 14_999)).toEqual({ kind: 'wait', until: T0 + 15_000 });
    expect(decide(s, WX, T0 + 15_000)).toEqual({ kind: 'reverse' });
  });

  it('WeChat: a later nextActionAt (back-off) wins over the 15 s rule', () => {
    const s = reversing({ nextActionAt: T0 + 40_000 });
    expect(decide(s, WX, T0 + 20_000)).toEqual({ kind: 'wait', until: T0 + 40_000 });
  });

  it('Alipay: cancel immediately, even straight after the charge', () => {
    const s = reversing({ provider: 'alipay', nextActionAt: T0 + 1 });
    expect(decide(s, ALI, T0 + 1)).toEqual({ kind: 'reverse' });
  });

  it('recall/retry_flag: same phase, reverseCount + 1, spaced by the retry delay', () => {
    const now = T0 + 20_000;
    const s = apply(reversing(), reverse(recall), WX, now);
    expect(s).toMatchObject({
      phase: 'reversing',
      reverseCount: 1,
      nextActionAt: now + WX.reverseRetryDelayMs,
    });
    expect(decide(s, WX, now)).toEqual({ kind: 'wait', until: now + WX.reverseRetryDelayMs });
  });

  it.each([
    ['wxpay', WX],
    ['alipay', ALI],
  ] as const)(
    '%s: retries are bounded by reverseMaxAttempts, then needs_attention reversal_exhausted',
    (provider, policy) => {
      let now = T0 + 20_000;
      let s = reversing({ provider });
      let reverses = 0;
      for (let i = 0; i < 100 && s.phase === 'reversing'; i++) {
        const command = decide(s, policy, now);
        if (command.kind === 'wait') {
          now = command.until;
          continue;
        }
        expect(command.kind).toBe('reverse');
        reverses++;
        s = apply(s, reverse(recall), policy, now);
      }
      expect(reverses).toBe(policy.reverseMaxAttempts);
      expect(s.phase).toBe('needs_attention');
      expect(s.attention?.code).toBe('reversal_exhausted');
      expect(s.reverseCount).toBe(policy.reverseMaxAttempts);
      expect(decide(s, policy, now)).toEqual({ kind: 'done' });
    },
  );

  it('reversed → awaiting confirmation → query', () => {
    const now = T0 + 20_000;
    const s = apply(reversing(), reverse({ kind: 'reversed', action: 'refund' }), WX, now);
    expect(s).toMatchObject({
      phase: 'reversing',
      awaitingConfirm: true,
      reverseCount: 1,
      reverseAction: 'refund',
    });
    expect(decide(s, WX, now)).toEqual({ kind: 'query' });
  });

  it.each([
    ['closed', closedQ],
    ['not_found', notFound],
    ['refunded', refunded()],
  ] as const)('confirm query %s → reversed', (_, outcome) => {
    const s = apply(reversing({ awaitingConfirm: true, reverseCount: 1 }), query(outcome), WX, T0 + 21_000);
    expect(s.phase).toBe('reversed');
    expect(s.awaitingConfirm).toBe(false);
    expect(decide(s, WX, T0 + 21_000)).toEqual({ kind: 'done' });
  });

  it.each([
    ['paid', paid()],
    ['pending', pending],
    ['failed', failed],
  ] as const)('confirm query %s → reverse again after the retry delay (never paid)', (_, outcome) => {
    const now = T0 + 21_000;
    const s = apply(reversing({ awaitingConfirm: true, reverseCount: 1 }), query(outcome), WX, now);
    expect(s).toMatchObject({ phase: 'reversing', awaitingConfirm: false, paidFee: null });
    expect(decide(s, WX, now)).toEqual({ kind: 'wait', until: now + WX.reverseRetryDelayMs });
    expect(decide(s, WX, now + WX.reverseRetryDelayMs)).toEqual({ kind: 'reverse' });
  });

  it('confirm query still paid after the last allowed reversal → needs_attention reversal_not_confirmed', () => {
    const s = apply(
      reversing({ awaitingConfirm: true, reverseCount: WX.reverseMaxAttempts }),
      query(paid()),
      WX,
      T0 + 60_000,
    );
    expect(s.phase).toBe('needs_attention');
    expect(s.attention?.code).toBe('reversal_not_confirmed');
  });

  it('unreadable confirm queries back off, then the verified "reversed" stands', () => {
    let now = T0 + 21_000;
    let s = reversing({ awaitingConfirm: true, reverseCount: 1 });
    for (let i = 1; i < WX.confirmMaxQueries; i++) {
      s = apply(s, query(unknown), WX, now);
      expect(s).toMatchObject({
        phase: 'reversing',
        confirmCount: i,
        nextActionAt: now + unknownBackoffMs(WX, i),
      });
      now = s.nextActionAt;
      expect(decide(s, WX, now)).toEqual({ kind: 'query' });
    }
    s = apply(s, query(unknown), WX, now);
    expect(s.phase).toBe('reversed');
  });

  it('reverse unknown: back-off doubles from the initial delay, capped, then needs_attention provider_unreachable', () => {
    let now = T0 + 20_000;
    let s = reversing({ provider: 'alipay' });
    const delays: number[] = [];
    for (let i = 0; i < 100 && s.phase === 'reversing'; i++) {
      const before = now;
      s = apply(s, reverse(unknown), ALI, now);
      if (s.phase !== 'reversing') break;
      expect(decide(s, ALI, now).kind).toBe('wait');
      delays.push(s.nextActionAt - before);
      now = s.nextActionAt;
      expect(decide(s, ALI, now)).toEqual({ kind: 'reverse' });
    }
    expect(s.phase).toBe('needs_attention');
    expect(s.attention?.code).toBe('provider_unreachable');
    expect(delays).toHaveLength(ALI.unknownMaxAttempts - 1);
    expect(delays.slice(0, 4)).toEqual([1000, 2000, 4000, 8000]);
    for (let i = 1; i < delays.length; i++) {
      expect(delays[i]).toBe(Math.min(delays[i - 1]! * 2, ALI.unknownBackoffMaxMs));
    }
    expect(Math.max(...delays)).toBe(ALI.unknownBackoffMaxMs);
  });

  it('reverse not_found → reversed (nothing to give back)', () => {
    expect(apply(reversing(), reverse(notFound), WX, T0 + 20_000).phase).toBe('reversed');
  });

  it('reverse unaddressable (no provider order number) → needs_attention provider_order_id_missing, not reversed', () => {
    const s = apply(reversing(), reverse({ kind: 'unaddressable', detail: '订单不存在' }), WX, T0 + 20_000);
    expect(s.phase).toBe('needs_attention');
    expect(s.attention?.code).toBe('provider_order_id_missing');
  });

  it('keeps the provider order number a reply names, and never drops it for a reply without one', () => {
    const named = apply(
      attempt(),
      charge({ kind: 'pending', providerCode: 'x', providerOrderId: 'PJ1' }),
      WX,
      T0,
    );
    expect(named.providerOrderId).toBe('PJ1');
    const later = apply(named, query(pending), WX, T0 + 5000);
    expect(later.providerOrderId).toBe('PJ1');
  });

  it('reverse refused → needs_attention reversal_refused', () => {
    const s = apply(reversing(), reverse(reverseRefused), WX, T0 + 20_000);
    expect(s.phase).toBe('needs_attention');
    expect(s.attention?.code).toBe('reversal_refused');
  });

  it('a paid notification does not cancel a reversal under way (the confirm query decides)', () => {
    const s = reversing();
    const after = apply(s, { kind: 'notified_paid', outcome: paid() }, WX, T0 + 20_000);
    // Only the time moves (so the timeline records the notification); the reversal goes on.
    expect(after).toEqual({ ...s, updatedAt: T0 + 20_000 });
    expect(decide(after, WX, T0 + 20_000)).toEqual({ kind: 'reverse' });
  });

  it('a paid notification while a QR close waits books the payment (a close cannot undo it)', () => {
    const s = apply(awaitingScan(), stop, WX, T0 + 3000);
    expect(apply(s, { kind: 'notified_paid', outcome: paid() }, WX, T0 + 4000)).toMatchObject({
      phase: 'paid',
      paidFee: FEE,
      transactionId: 'TX1',
    });
    // The provider said closed: the confirming query decides, not the notification.
    const confirming = closing({ awaitingConfirm: true });
    expect(apply(confirming, { kind: 'notified_paid', outcome: paid() }, WX, T0 + 131_000).phase).toBe(
      'closing',
    );
    // Closing because a reply charged another amount: never booked from a notification.
    const mismatch = closing({ failure: { code: 'amount_mismatch', message: 'x', reason: null } });
    expect(apply(mismatch, { kind: 'notified_paid', outcome: paid() }, WX, T0 + 131_000).phase).toBe(
      'closing',
    );
  });

  it('stop while reversing only records the request', () => {
    const s = apply(reversing(), stop, WX, T0 + 20_000);
    expect(s).toMatchObject({ phase: 'reversing', stopRequested: true });
  });
});

describe('qr mode', () => {
  it('submitted asks to pre-create', () => {
    expect(decide(attempt({ mode: 'qr' }), WX, T0)).toEqual({ kind: 'precreate' });
  });

  it('created → awaiting_scan with the code, first query after the QR interval', () => {
    const s = apply(attempt({ mode: 'qr' }), precreate({ kind: 'created', qrCode: 'weixin://q' }), WX, T0);
    expect(s).toMatchObject({
      phase: 'awaiting_scan',
      qrCode: 'weixin://q',
      nextActionAt: T0 + WX.qrQueryIntervalMs,
    });
    expect(decide(s, WX, T0)).toEqual({ kind: 'wait', until: T0 + WX.qrQueryIntervalMs });
  });

  it('pre-create failed → failed; unknown → closing (the QR order may exist)', () => {
    expect(apply(attempt({ mode: 'qr' }), precreate(failed), WX, T0).phase).toBe('failed');
    const s = apply(attempt({ mode: 'qr' }), precreate(unknown), WX, T0);
    expect(s.phase).toBe('closing');
    expect(decide(s, ALI, T0)).toEqual({ kind: 'close' });
    expect(decide(s, WX, T0)).toEqual({ kind: 'wait', until: T0 + WX.closeNotBeforeMs });
  });

  it('pending before expiry keeps polling, never past the deadline', () => {
    const deadline = T0 + 120_000;
    const early = apply(awaitingScan(), query(pending), WX, T0 + 2000);
    expect(early).toMatchObject({ phase: 'awaiting_scan', nextActionAt: T0 + 4000, queryCount: 1 });
    const late = apply(awaitingScan(), query(pending), WX, deadline - 500);
    expect(late).toMatchObject({ phase: 'awaiting_scan', nextActionAt: deadline });
  });

  it('expiry → closing → close (Alipay: at once)', () => {
    const s = apply(awaitingScan(), query(pending), ALI, T0 + 120_000);
    expect(s.phase).toBe('closing');
    expect(decide(s, ALI, T0 + 120_000)).toEqual({ kind: 'close' });
  });

  it('paid while awaiting the scan → paid; closed → closed', () => {
    expect(apply(awaitingScan(), query(paid()), WX, T0 + 6000).phase).toBe('paid');
    expect(apply(awaitingScan(), query(closedQ), WX, T0 + 6000).phase).toBe('closed');
  });

  it('a paid notification books the payment; another amount closes the QR instead', () => {
    expect(apply(awaitingScan(), { kind: 'notified_paid', outcome: paid() }, WX, T0 + 6000).phase).toBe(
      'paid',
    );
    const s = apply(awaitingScan(), { kind: 'notified_paid', outcome: paid(1) }, WX, T0 + 6000);
    expect(s.phase).toBe('closing');
    expect(s.failure?.code).toBe('amount_mismatch');
  });

  it('stop while awaiting the scan → closing; Alipay closes at once, WeChat once the order is 5 minutes old', () => {
    const s = apply(awaitingScan(), stop, WX, T0 + 3000);
    expect(s).toMatchObject({ phase: 'closing', stopRequested: true });
    expect(decide(s, ALI, T0 + 3000)).toEqual({ kind: 'close' });
    expect(decide(s, WX, T0 + 3000)).toEqual({ kind: 'wait', until: T0 + WX.closeNotBeforeMs });
  });

  it('an expired WeChat QR order waits for the close floor, then closes once', () => {
    const s = apply(awaitingScan(), query(pending), WX, T0 + 120_000);
    expect(s.phase).toBe('closing');
    expect(WX.closeNotBeforeMs).toBeGreaterThanOrEqual(5 * 60_000);
    expect(decide(s, WX, T0 + 120_000)).toEqual({ kind: 'wait', until: T0 + WX.closeNotBeforeMs });
    expect(decide(s, WX, T0 + WX.closeNotBeforeMs - 1)).toEqual({
      kind: 'wait',
      until: T0 + WX.closeNotBeforeMs,
    });
    expect(decide(s, WX, T0 + WX.closeNotBeforeMs)).toEqual({ kind: 'close' });
  });

  it.each([
    ['wxpay_v3', DEFAULT_POLL_POLICIES.wxpay_v3, 5 * 60_000],
    ['alipay', DEFAULT_POLL_POLICIES.alipay, 0],
    ['payjs', DEFAULT_POLL_POLICIES.payjs, 0],
  ] as const)('%s close floor', (_name, policy, floor) => {
    expect(policy.closeNotBeforeMs >= floor && policy.closeNotBeforeMs < floor + 60_000).toBe(true);
    const s = apply(awaitingScan(), query(pending), policy, T0 + 120_000);
    expect(decide(s, policy, T0 + 120_000)).toEqual(
      floor === 0 ? { kind: 'close' } : { kind: 'wait', until: T0 + policy.closeNotBeforeMs },
    );
  });

  it('a confirming query after a close is not held back by the close floor', () => {
    const s = closing({ awaitingConfirm: true, nextActionAt: T0 + 130_000 });
    expect(decide(s, WX, T0 + 130_000)).toEqual({ kind: 'query' });
  });

  it('a WeChat micropay reversal keeps its own 15 s floor, not the close floor', () => {
    const s = reversing({ nextActionAt: T0 + 16_000 });
    expect(decide(s, WX, T0 + 16_000)).toEqual({ kind: 'reverse' });
  });

  it('close ok → confirm query → closed', () => {
    const now = T0 + 130_000;
    const s = apply(closing(), close(closeOk), WX, now);
    expect(s).toMatchObject({ phase: 'closing', awaitingConfirm: true, closeCount: 1 });
    expect(decide(s, WX, now)).toEqual({ kind: 'query' });
    expect(apply(s, query(closedQ), WX, now).phase).toBe('closed');
    expect(apply(s, query(notFound), WX, now).phase).toBe('closed');
  });

  it('close says "already paid" → confirm query → paid (a real, wanted payment)', () => {
    const now = T0 + 130_000;
    const s = apply(closing(), close(closeAlreadyPaid), WX, now);
    expect(s).toMatchObject({ phase: 'closing', awaitingConfirm: true });
    expect(decide(s, WX, now)).toEqual({ kind: 'query' });
    const booked = apply(s, query(paid()), WX, now);
    expect(booked).toMatchObject({ phase: 'paid', paidFee: FEE, transactionId: 'TX1' });
  });

  it('close refused after the floor (a real SYSTEMERROR) → retry after closeRetryDelayMs, bounded → needs_attention close_failed', () => {
    let now = T0 + WX.closeNotBeforeMs;
    let s = closing({ nextActionAt: now });
    let closes = 0;
    for (let i = 0; i < 100 && s.phase === 'closing'; i++) {
      const command = decide(s, WX, now);
      if (command.kind === 'wait') {
        expect(command.until - now).toBe(WX.closeRetryDelayMs);
        now = command.until;
        continue;
      }
      expect(command.kind).toBe('close');
      closes++;
      s = apply(s, close(closeTooYoung), WX, now);
    }
    expect(closes).toBe(WX.closeMaxAttempts);
    expect(s.phase).toBe('needs_attention');
    expect(s.attention?.code).toBe('close_failed');
  });

  it('close unknown → unknown back-off by close count', () => {
    const now = T0 + 130_000;
    const s = apply(closing({ closeCount: 2 }), close(unknown), WX, now);
    expect(s).toMatchObject({ phase: 'closing', closeCount: 3, nextActionAt: now + unknownBackoffMs(WX, 3) });
  });
});

describe('retry_requested', () => {
  it('from needs_attention (micropay) → reversing with counters reset', () => {
    const stuck = attempt({
      phase: 'needs_attention',
      reverseCount: 5,
      confirmCount: 2,
      attention: { code: 'provider_unreachable', message: 'x' },
    });
    const s = apply(stuck, retry, WX, T0 + 600_000);
    expect(s).toMatchObject({ phase: 'reversing', attention: null, reverseCount: 0, confirmCount: 0 });
    expect(decide(s, WX, T0 + 600_000)).toEqual({ kind: 'reverse' });
  });

  it('from needs_attention (qr) → closing', () => {
    const stuck = attempt({
      mode: 'qr',
      phase: 'needs_attention',
      closeCount: 12,
      attention: { code: 'close_failed', message: 'x' },
    });
    const s = apply(stuck, retry, WX, T0 + 600_000);
    expect(s).toMatchObject({ phase: 'closing', closeCount: 0, attention: null });
  });

  it.each(['submitted', 'polling', 'reversing', 'awaiting_scan', 'closing'] as const)(
    'ignored in %s',
    (phase: AttemptPhase) => {
      const s = attempt({
        phase,
        mode: phase === 'awaiting_scan' || phase === 'closing' ? 'qr' : 'micropay',
      });
      expect(apply(s, retry, WX, T0 + 1000)).toBe(s);
    },
  );
});

describe('final states', () => {
  const everyEvent: readonly AttemptEvent[] = [
    charge(paid()),
    charge(failed),
    charge(unknown),
    precreate({ kind: 'created', qrCode: 'q' }),
    precreate(unknown),
    query(paid()),
    query(pending),
    query(closedQ),
    query(unknown),
    reverse(reversed),
    reverse(recall),
    reverse(unknown),
    close(closeOk),
    close(closeAlreadyPaid),
    close(closeTooYoung),
    stop,
    retry,
    { kind: 'notified_paid', outcome: paid() },
  ];
  const finals: readonly AttemptPhase[] = ['paid', 'failed', 'reversed', 'closed'];

  it.each(finals)('%s ignores every event and decides done', (phase) => {
    for (const mode of ['micropay', 'qr'] as const) {
      const s = attempt({ phase, mode });
      expect(decide(s, WX, T0 + 5000)).toEqual({ kind: 'done' });
      for (const event of everyEvent) expect(apply(s, event, WX, T0 + 5000)).toBe(s);
    }
  });

  it('needs_attention decides done (it waits for a human or the network)', () => {
    const s = attempt({
      phase: 'needs_attention',
      attention: { code: 'provider_unreachable', message: 'x' },
    });
    expect(decide(s, WX, T0)).toEqual({ kind: 'done' });
  });
});
