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
 *
 * The replies are folded in by ./attempt-charge-replies.ts (charge, query, the confirming query)
 * and ./attempt-reversal-replies.ts (reverse, close), from the transitions in ./attempt-transitions.ts.
 */
import { assertNever } from '../common/errors.ts';
import { onChargeReplied, onQueryReplied } from './attempt-charge-replies.ts';
import type { AttemptCommand, AttemptEvent } from './attempt-events.ts';
import { parked, unparked } from './attempt-parking.ts';
import { onCloseReplied, onReverseReplied } from './attempt-reversal-replies.ts';
import { type AttemptState, isFinal } from './attempt-state.ts';
import { next, toPaid, toReversing } from './attempt-transitions.ts';
import type { PollPolicy } from './poll-policy.ts';

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
