/**
 * The attempt state machine, pure: `decide` says what to do next, `apply` folds a reply or a
 * cashier action into the next state. No I/O, no clock reads: `now` is an argument, so every path
 * (lost replies, crashes between steps, a reversal the provider asks to repeat) is a table test.
 *
 * micropay: submitted → paid | failed | polling → paid | reversing → reversed | needs_attention
 * qr:       submitted → awaiting_scan → paid | closing → closed | needs_attention
 *           (the first close waits for the provider's minimum order age, PollPolicy.closeNotBeforeMs)
 *
 * Money rules (docs/protocols.md): an unknown reply is never a failure; polling is
 * bounded and ends in reversal; a reversal is repeated while the provider asks, then confirmed by
 * a query; a paid reply whose amount differs from the order is reversed, not accepted.
 */
import { assertNever, type ErrorCode } from '../common/errors.ts';
import type { AttemptCommand, AttemptEvent } from './attempt-events.ts';
import { parked, unparked } from './attempt-parking.ts';
import { type AttemptState, isFinal } from './attempt-state.ts';
import { type PollPolicy, unknownBackoffMs } from './poll-policy.ts';
import type { PaymentOutcome } from './provider-outcomes.ts';

export function decide(state: AttemptState, policy: PollPolicy, now: number): AttemptCommand {
  if (isFinal(state) || state.phase === 'needs_attention') return { kind: 'done' };
  const waitOr = (command: AttemptCommand): AttemptCommand =>
    state.nextActionAt > now ? { kind: 'wait', until: state.nextActionAt } : command;
  switch (state.phase) {
    case 'submitted':
      return state.mode === 'qr' ? { kind: 'precreate' } : { kind: 'charge' };
    case 'polling':
    case 'awaiting_scan':
      return waitOr({ kind: 'query' });
    case 'reversing': {
      if (state.awaitingConfirm) return waitOr({ kind: 'query' });
      return floorWait(state, policy.reverseNotBeforeMs, now) ?? waitOr({ kind: 'reverse' });
    }
    case 'closing': {
      if (state.awaitingConfirm) return waitOr({ kind: 'query' });
      // The provider's minimum order age before a close (WeChat: 5 minutes), counted from the pre-create.
      return floorWait(state, policy.closeNotBeforeMs, now) ?? waitOr({ kind: 'close' });
    }
    default:
      return { kind: 'done' };
  }
}

/**
 * The wait for a provider's minimum order age (reverse 15 s, close 5 minutes), counted from the
 * charge / pre-create, or null when it has passed. A charge time later than `now` means the clock was
 * set back since (NTP correcting a clock that ran ahead): the order's age cannot be known, and
 * waiting for that time would hold the reversal or close for as long as the clock was off. So no
 * wait: a reversal or close refused as too early is retried, bounded, and those retries span the floor.
 */
function floorWait(state: AttemptState, floorMs: number, now: number): AttemptCommand | null {
  if (state.chargedAt > now) return null;
  const notBefore = state.chargedAt + floorMs;
  return notBefore > now && notBefore > state.nextActionAt ? { kind: 'wait', until: notBefore } : null;
}

type Patch = Partial<AttemptState>;

function next(state: AttemptState, now: number, patch: Patch): AttemptState {
  return { ...state, ...patch, updatedAt: now };
}

function toPaid(
  state: AttemptState,
  now: number,
  outcome: { transactionId: string; totalFee: number; paidAt?: string },
): AttemptState {
  if (outcome.totalFee !== state.totalFee) {
    // A verified reply that charged another amount: give the money back rather than book it.
    return toReversing(state, now, {
      failure: {
        code: 'amount_mismatch',
        message: `the provider charged ${outcome.totalFee} fen for an order of ${state.totalFee} fen`,
        reason: null,
      },
      transactionId: outcome.transactionId,
    });
  }
  const paidAt = outcome.paidAt ? Date.parse(outcome.paidAt) : Number.NaN;
  return next(state, now, {
    phase: 'paid',
    transactionId: outcome.transactionId,
    paidFee: outcome.totalFee,
    paidAt: Number.isFinite(paidAt) ? paidAt : now,
    nextActionAt: 0,
    unknownCount: 0,
  });
}

function toReversing(state: AttemptState, now: number, patch: Patch = {}): AttemptState {
  if (state.mode === 'qr') {
    return next(state, now, {
      phase: 'closing',
      nextActionAt: now,
      unknownCount: 0,
      awaitingConfirm: false,
      ...patch,
    });
  }
  return next(state, now, {
    phase: 'reversing',
    nextActionAt: now,
    unknownCount: 0,
    awaitingConfirm: false,
    ...patch,
  });
}

function needsAttention(state: AttemptState, now: number, code: ErrorCode, message: string): AttemptState {
  return next(state, now, { phase: 'needs_attention', attention: { code, message }, nextActionAt: 0 });
}

/** After a pending/unknown reply while polling: the next query, or reversal when the schedule is spent. */
function scheduleNextQuery(
  state: AttemptState,
  policy: PollPolicy,
  now: number,
  patch: Patch = {},
): AttemptState {
  const delay = policy.queryDelaysMs[state.queryCount];
  if (state.stopRequested || delay === undefined) return toReversing(state, now, patch);
  return next(state, now, { phase: 'polling', nextActionAt: now + delay, ...patch });
}

function onChargeReplied(
  state: AttemptState,
  outcome: PaymentOutcome,
  policy: PollPolicy,
  now: number,
): AttemptState {
  switch (outcome.kind) {
    case 'paid':
      return toPaid(state, now, outcome);
    case 'failed':
      return next(state, now, {
        phase: 'failed',
        failure: { code: outcome.providerCode, message: outcome.message, reason: outcome.decline },
        nextActionAt: 0,
      });
    case 'pending':
    case 'unknown':
    case 'closed':
    case 'refunded':
    case 'not_found':
      // Anything but a definite answer: find out by query (the first delay of the schedule).
      return scheduleNextQuery(state, policy, now);
    default:
      return assertNever(outcome, 'charge outcome');
  }
}

function onQueryReplied(
  state: AttemptState,
  outcome: PaymentOutcome,
  policy: PollPolicy,
  now: number,
): AttemptState {
  const queried: Patch = { queryCount: state.queryCount + 1 };
  if (state.phase === 'needs_attention') {
    // A look after a verified paid notification (engine notifyPaid): only a confirmed payment of the
    // order's amount is booked; anything else leaves the attempt to the person it waits for.
    if (outcome.kind !== 'paid' || outcome.totalFee !== state.totalFee) return state;
    return toPaid(next(state, now, { ...queried, attention: null, awaitingConfirm: false }), now, outcome);
  }
  if (state.awaitingConfirm) return onConfirmQuery(next(state, now, queried), outcome, policy, now);
  if (state.phase === 'awaiting_scan') {
    if (outcome.kind === 'paid') return toPaid(next(state, now, queried), now, outcome);
    if (outcome.kind === 'refunded') return toPaid(next(state, now, queried), now, outcome);
    if (outcome.kind === 'closed') return next(state, now, { ...queried, phase: 'closed', nextActionAt: 0 });
    const expired = state.deadlineAt !== null && now >= state.deadlineAt;
    if (expired || state.stopRequested) return toReversing(state, now, queried);
    return next(state, now, {
      ...queried,
      nextActionAt: Math.min(now + policy.qrQueryIntervalMs, state.deadlineAt ?? Infinity),
    });
  }
  switch (outcome.kind) {
    case 'paid':
    case 'refunded':
      return toPaid(next(state, now, queried), now, outcome);
    case 'closed':
      // Closed at the provider without our reversal (the customer gave up, the provider timed it out): no money moved.
      return next(state, now, {
        ...queried,
        phase: 'failed',
        failure: {
          code: outcome.providerCode || 'closed_by_provider',
          message: 'the provider closed the order unpaid',
          reason: 'order_closed',
        },
        nextActionAt: 0,
      });
    case 'failed':
      // PAYERROR: the provider's own text says "please reverse"; reversing an unpaid order closes it.
      return toReversing(state, now, {
        ...queried,
        failure: { code: outcome.providerCode, message: outcome.message, reason: outcome.decline },
      });
    case 'pending':
    case 'not_found':
    case 'unknown':
      return scheduleNextQuery(next(state, now, queried), policy, now);
    default:
      return assertNever(outcome, 'query outcome');
  }
}

/** A query after the provider said "reversed"/"closed": confirm, or reverse again. */
function onConfirmQuery(
  state: AttemptState,
  outcome: PaymentOutcome,
  policy: PollPolicy,
  now: number,
): AttemptState {
  const finalPhase = state.mode === 'qr' ? 'closed' : 'reversed';
  if (state.mode === 'qr' && (outcome.kind === 'paid' || outcome.kind === 'refunded')) {
    // The customer scanned and paid before the close landed: a real, wanted payment.
    return toPaid(next(state, now, { awaitingConfirm: false }), now, outcome);
  }
  switch (outcome.kind) {
    case 'closed':
    case 'not_found':
    case 'refunded':
      return next(state, now, { phase: finalPhase, awaitingConfirm: false, nextActionAt: 0 });
    case 'paid':
    case 'pending':
    case 'failed':
      // Still holding money or still open: the reversal did not take. Try it again, bounded
      // (QR orders are closed, not reversed, so their closes count).
      if (
        state.mode === 'qr'
          ? state.closeCount >= policy.closeMaxAttempts
          : state.reverseCount >= policy.reverseMaxAttempts
      ) {
        return needsAttention(
          state,
          now,
          'reversal_not_confirmed',
          'the provider said reversed, but the order still shows as open or paid',
        );
      }
      return next(state, now, { awaitingConfirm: false, nextActionAt: now + policy.reverseRetryDelayMs });
    case 'unknown': {
      const confirmCount = state.confirmCount + 1;
      if (confirmCount >= policy.confirmMaxQueries) {
        // The provider's verified "reversed" stands; the query could not be read.
        return next(state, now, { phase: finalPhase, awaitingConfirm: false, confirmCount, nextActionAt: 0 });
      }
      return next(state, now, { confirmCount, nextActionAt: now + unknownBackoffMs(policy, confirmCount) });
    }
    default:
      return assertNever(outcome, 'confirm outcome');
  }
}

function onReverseReplied(
  state: AttemptState,
  event: Extract<AttemptEvent, { kind: 'reverse_replied' }>,
  policy: PollPolicy,
  now: number,
): AttemptState {
  const outcome = event.outcome;
  const reverseCount = state.reverseCount + 1;
  switch (outcome.kind) {
    case 'reversed':
      if (!policy.confirmReversalByQuery) {
        // The provider's query cannot tell a reversed order from an open one (PAYJS check): its signed "reversed" is final.
        return next(state, now, {
          reverseCount,
          unknownCount: 0,
          phase: 'reversed',
          reverseAction: outcome.action ?? null,
          nextActionAt: 0,
        });
      }
      return next(state, now, {
        reverseCount,
        unknownCount: 0,
        awaitingConfirm: true,
        confirmCount: 0,
        reverseAction: outcome.action ?? null,
        nextActionAt: now,
      });
    case 'not_found':
      return next(state, now, { reverseCount, phase: 'reversed', nextActionAt: 0 });
    case 'unaddressable':
      // Not "nothing to reverse": the provider could not look the order up by the key we had.
      return needsAttention(
        next(state, now, { reverseCount }),
        now,
        'provider_order_id_missing',
        `the provider cannot find this order without its own order number: ${outcome.detail}`,
      );
    case 'retry':
      if (reverseCount >= policy.reverseMaxAttempts) {
        return needsAttention(
          next(state, now, { reverseCount }),
          now,
          'reversal_exhausted',
          `the provider kept asking to retry the reversal (${outcome.providerCode})`,
        );
      }
      return next(state, now, { reverseCount, nextActionAt: now + policy.reverseRetryDelayMs });
    case 'failed':
      return needsAttention(
        next(state, now, { reverseCount }),
        now,
        'reversal_refused',
        `${outcome.providerCode}: ${outcome.message}`,
      );
    case 'unknown': {
      const unknownCount = state.unknownCount + 1;
      if (unknownCount >= policy.unknownMaxAttempts) {
        return needsAttention(
          next(state, now, { unknownCount }),
          now,
          'provider_unreachable',
          `the reversal could not reach the provider (${outcome.reason})`,
        );
      }
      return next(state, now, { unknownCount, nextActionAt: now + unknownBackoffMs(policy, unknownCount) });
    }
    default:
      return assertNever(outcome, 'reverse outcome');
  }
}

function onCloseReplied(
  state: AttemptState,
  event: Extract<AttemptEvent, { kind: 'close_replied' }>,
  policy: PollPolicy,
  now: number,
): AttemptState {
  const outcome = event.outcome;
  const closeCount = state.closeCount + 1;
  if ((outcome.kind === 'closed' || outcome.kind === 'paid') && closeCount > policy.closeMaxAttempts) {
    return needsAttention(
      next(state, now, { closeCount }),
      now,
      'close_failed',
      'the provider keeps accepting the close but the order does not end closed',
    );
  }
  switch (outcome.kind) {
    case 'closed':
      if (!policy.confirmReversalByQuery)
        return next(state, now, { closeCount, phase: 'closed', nextActionAt: 0 });
      return next(state, now, {
        closeCount,
        unknownCount: 0,
        awaitingConfirm: true,
        confirmCount: 0,
        nextActionAt: now,
      });
    case 'paid':
      // "Already paid": a query decides (and books the payment).
      return next(state, now, { closeCount, awaitingConfirm: true, confirmCount: 0, nextActionAt: now });
    case 'failed':
    case 'unknown': {
      if (closeCount >= policy.closeMaxAttempts) {
        return needsAttention(
          next(state, now, { closeCount }),
          now,
          'close_failed',
          outcome.kind === 'failed'
            ? `${outcome.providerCode}: ${outcome.message}`
            : `the close could not reach the provider (${outcome.reason})`,
        );
      }
      // The first close waited for the provider's floor (decide); a refusal after it (WeChat
      // SYSTEMERROR) or an unknown reply is tried again, spaced out and bounded.
      const delay =
        outcome.kind === 'failed' ? policy.closeRetryDelayMs : unknownBackoffMs(policy, closeCount);
      return next(state, now, { closeCount, nextActionAt: now + delay });
    }
    default:
      return assertNever(outcome, 'close outcome');
  }
}

/** The provider order number a reply carried, kept on the attempt (and so journaled) once learnt. */
function providerOrderIdOf(event: AttemptEvent): string | undefined {
  switch (event.kind) {
    case 'charge_replied':
    case 'query_replied':
    case 'precreate_replied': {
      const outcome = event.outcome;
      return 'providerOrderId' in outcome && outcome.providerOrderId ? outcome.providerOrderId : undefined;
    }
    default:
      return undefined;
  }
}

export function apply(
  state: AttemptState,
  event: AttemptEvent,
  policy: PollPolicy,
  now: number,
): AttemptState {
  if (isFinal(state)) return state;
  const after = applyEvent(state, event, policy, now);
  const providerOrderId = providerOrderIdOf(event);
  if (providerOrderId === undefined || after.providerOrderId === providerOrderId) return after;
  return { ...after, providerOrderId };
}

function applyEvent(state: AttemptState, event: AttemptEvent, policy: PollPolicy, now: number): AttemptState {
  switch (event.kind) {
    case 'charge_replied':
      return onChargeReplied(state, event.outcome, policy, now);
    case 'precreate_replied': {
      const outcome = event.outcome;
      if (outcome.kind === 'created') {
        return next(state, now, {
          phase: 'awaiting_scan',
          qrCode: outcome.qrCode,
          nextActionAt: now + policy.qrQueryIntervalMs,
        });
      }
      if (outcome.kind === 'failed') {
        return next(state, now, {
          phase: 'failed',
          failure: { code: outcome.providerCode, message: outcome.message, reason: outcome.decline },
          nextActionAt: 0,
        });
      }
      // The QR order may exist at the provider although we never showed it: close it.
      return toReversing(state, now);
    }
    case 'query_replied':
      return onQueryReplied(state, event.outcome, policy, now);
    case 'reverse_replied':
      return onReverseReplied(state, event, policy, now);
    case 'close_replied':
      return onCloseReplied(state, event, policy, now);
    case 'stop_requested':
      if (state.phase === 'polling' || state.phase === 'awaiting_scan')
        return toReversing(state, now, { stopRequested: true });
      return next(state, now, { stopRequested: true });
    case 'retry_requested':
      if (state.phase !== 'needs_attention') return state;
      return toReversing(state, now, { attention: null, reverseCount: 0, closeCount: 0, confirmCount: 0 });
    case 'merchant_missing':
      return parked(state, event.message, now);
    case 'merchant_restored':
      return unparked(state, now);
    case 'notified_paid':
      if (state.phase === 'closing' && !state.awaitingConfirm && state.failure?.code !== 'amount_mismatch') {
        // A close cannot undo a payment (WeChat answers ORDERPAID, Alipay closes unpaid trades only),
        // so the close could only learn of it later (after WeChat's 5 minutes): book it now.
        return toPaid(state, now, event.outcome);
      }
      if (state.phase === 'reversing' || state.phase === 'closing') {
        // A reversal is under way (it refunds a paid micropay order), or the provider said closed and
        // the confirming query decides. Not booked; journaled so the timeline shows the notification.
        return next(state, now, {});
      }
      // Needing a person: the engine queries the provider (notifyPaid), the query decides.
      if (state.phase === 'needs_attention') return state;
      return toPaid(state, now, event.outcome);
    default:
      return assertNever(event, 'attempt event');
  }
}
