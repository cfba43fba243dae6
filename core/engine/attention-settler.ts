/**
 * A supervisor's settlement of an attempt that needs a person (the 待处理 list). The provider's query,
 * asked at the moment of the decision, is both the evidence shown and the judge: the engine never books
 * money the provider does not confirm, and never closes as unpaid an order the provider says is paid.
 * - book_paid: only when the provider says paid (or paid and since refunded) for exactly the amount;
 * - close_unpaid: only when the provider says closed, failed, or that it has no such order;
 * - mark_refund: only when the provider holds the money: it is booked, then refunded in full.
 * An unknown reply (timeout, 5xx, unreadable) settles nothing: the item stays, to be tried again.
 * Every decision is journaled as a timeline step with who decided and why.
 */
import { ConflictError, UnavailableError } from '../common/errors.ts';
import type { AttemptState } from '../domain/attempt-state.ts';
import type { PaymentOutcome } from '../ports/payment-gateway.ts';

export type SettleAction = 'book_paid' | 'close_unpaid' | 'mark_refund';

export interface SettleDecision {
  readonly action: SettleAction;
  /** Who decided (the supervisor's name as typed). */
  readonly by: string;
  /** Why, in the supervisor's words. */
  readonly reason: string;
}

export interface SettleResult {
  readonly attempt: AttemptState;
  /** The provider's answer the decision was checked against. */
  readonly evidence: PaymentOutcome;
}

/** Provider answers that mean "no money was taken, and none will be" for this out_trade_no. */
const SAYS_UNPAID: ReadonlySet<PaymentOutcome['kind']> = new Set(['closed', 'failed', 'not_found']);

/** The settled attempt, or the typed error that refuses the decision (nothing is written then). */
export function settledAttempt(
  state: AttemptState,
  evidence: PaymentOutcome,
  action: SettleAction,
  now: number,
): AttemptState {
  if (evidence.kind === 'unknown') {
    throw new UnavailableError(
      'provider_unreachable',
      `the provider could not confirm the order's state (${evidence.reason}): try again when it answers`,
    );
  }
  const paid = evidence.kind === 'paid' || evidence.kind === 'refunded';
  if (action === 'close_unpaid') {
    if (!SAYS_UNPAID.has(evidence.kind)) throw notConfirmed(action, evidence);
    return {
      ...state,
      phase: state.mode === 'qr' ? 'closed' : 'reversed',
      attention: null,
      nextActionAt: 0,
      updatedAt: now,
    };
  }
  if (!paid || evidence.totalFee !== state.totalFee) throw notConfirmed(action, evidence);
  const paidAt = 'paidAt' in evidence && evidence.paidAt ? Date.parse(evidence.paidAt) : Number.NaN;
  return {
    ...state,
    phase: 'paid',
    attention: null,
    transactionId: evidence.transactionId,
    paidFee: evidence.totalFee,
    paidAt: Number.isFinite(paidAt) ? paidAt : now,
    nextActionAt: 0,
    updatedAt: now,
  };
}

function notConfirmed(action: SettleAction, evidence: PaymentOutcome): ConflictError {
  const said =
    evidence.kind === 'paid' || evidence.kind === 'refunded'
      ? `${evidence.kind} ${evidence.totalFee} fen`
      : evidence.kind;
  return new ConflictError(
    'settle_not_confirmed',
    `the provider does not confirm ${action.replace('_', ' ')}: it says ${said}`,
    { provider_says: evidence.kind },
  );
}

/** The timeline line of a decision: what, who, why. */
export function settleSummary(decision: SettleDecision, evidence: PaymentOutcome): string {
  return `${decision.by}: ${decision.reason} (provider: ${evidence.kind})`;
}
