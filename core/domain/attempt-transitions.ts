/**
 * The transitions every reply handler of the attempt machine (./attempt-machine.ts) builds its next
 * state from: a patched copy, paid (or reversed when the amount differs), reversing / closing,
 * needing a person, and the next query of the poll schedule. Pure, like the machine.
 */
import type { ErrorCode } from '../common/errors.ts';
import type { AttemptState } from './attempt-state.ts';
import type { PollPolicy } from './poll-policy.ts';

export type Patch = Partial<AttemptState>;

export function next(state: AttemptState, now: number, patch: Patch): AttemptState {
  return { ...state, ...patch, updatedAt: now };
}

export function toPaid(
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

export function toReversing(state: AttemptState, now: number, patch: Patch = {}): AttemptState {
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

export function needsAttention(
  state: AttemptState,
  now: number,
  code: ErrorCode,
  message: string,
): AttemptState {
  return next(state, now, { phase: 'needs_attention', attention: { code, message }, nextActionAt: 0 });
}

/** After a pending/unknown reply while polling: the next query, or reversal when the schedule is spent. */
export function scheduleNextQuery(
  state: AttemptState,
  policy: PollPolicy,
  now: number,
  patch: Patch = {},
): AttemptState {
  const delay = policy.queryDelaysMs[state.queryCount];
  if (state.stopRequested || delay === undefined) return toReversing(state, now, patch);
  return next(state, now, { phase: 'polling', nextActionAt: now + delay, ...patch });
}
