/**
 * The attempt machine (./attempt-machine.ts) on a reversal or close reply: a reversal is repeated
 * while the provider asks, bounded, then confirmed by a query; a close likewise. What cannot be
 * settled this way goes to a person (needs_attention).
 */
import { assertNever } from '../common/errors.ts';
import type { AttemptEvent } from './attempt-events.ts';
import type { AttemptState } from './attempt-state.ts';
import { needsAttention, next } from './attempt-transitions.ts';
import { type PollPolicy, unknownBackoffMs } from './poll-policy.ts';

export function onReverseReplied(
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

export function onCloseReplied(
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
