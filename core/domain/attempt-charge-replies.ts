/**
 * The attempt machine (./attempt-machine.ts) on a charge or query reply: paid, failed, or find out by
 * query; while reversing or closing, the query that confirms the provider's "reversed"/"closed".
 * Money rules (docs/protocols.md): an unknown reply is never a failure, and polling is bounded.
 */
import { assertNever } from '../common/errors.ts';
import type { AttemptState } from './attempt-state.ts';
import {
  needsAttention,
  next,
  type Patch,
  scheduleNextQuery,
  toPaid,
  toReversing,
} from './attempt-transitions.ts';
import { type PollPolicy, unknownBackoffMs } from './poll-policy.ts';
import type { PaymentOutcome } from './provider-outcomes.ts';

export function onChargeReplied(
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

export function onQueryReplied(
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
