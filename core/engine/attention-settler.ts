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
import type { OrderRecord } from '../domain/order.ts';
import type { Clock } from '../ports/clock.ts';
import type { Journal } from '../ports/journal.ts';
import type { PaymentGateway, PaymentOutcome } from '../ports/payment-gateway.ts';
import { owedCallback, paidOrderPatch } from './attempt-driver.ts';
import { callGateway } from './gateway-call.ts';
import type { RefundService } from './refund-service.ts';

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

/** The attempt waiting for a person, its order, and what its provider says now. */
export interface AttentionCheck {
  readonly order: OrderRecord;
  readonly stuck: AttemptState;
  readonly evidence: PaymentOutcome;
}

/** What the settler needs from the engine: its journal and clock, and its ways to tell and to pay. */
export interface AttentionSettlerDeps {
  readonly journal: Journal;
  readonly clock: Clock;
  readonly requireOrder: (ref: string) => OrderRecord;
  /** The attempt is being driven right now (a retry is under way): not the supervisor's to settle. */
  readonly isDriven: (outTradeNo: string) => boolean;
  readonly gatewayOf: (state: AttemptState) => PaymentGateway;
  readonly attemptChanged: (state: AttemptState) => void;
  readonly orderChanged: (orderNo: string) => void;
  readonly becamePaid: (orderNo: string) => void;
  readonly refunds: RefundService;
}

export class AttentionSettler {
  private readonly deps: AttentionSettlerDeps;

  constructor(deps: AttentionSettlerDeps) {
    this.deps = deps;
  }

  async check(ref: string): Promise<AttentionCheck> {
    const { journal, requireOrder, isDriven, gatewayOf } = this.deps;
    const order = requireOrder(ref);
    const stuck = journal.attemptsOf(order.orderNo).find((a) => a.phase === 'needs_attention');
    if (!stuck || isDriven(stuck.outTradeNo))
      throw new ConflictError(
        'nothing_to_settle',
        `order ${order.orderNo} has no attempt waiting for a person`,
      );
    const event = await callGateway(gatewayOf(stuck), { kind: 'query' }, stuck, undefined);
    const evidence: PaymentOutcome =
      event.kind === 'query_replied'
        ? event.outcome
        : { kind: 'unknown', reason: 'network', detail: 'no reply' };
    return { order, stuck, evidence };
  }

  async settle(ref: string, decision: SettleDecision): Promise<SettleResult> {
    const { journal, clock } = this.deps;
    const { order, stuck, evidence } = await this.check(ref);
    // The reply may take seconds: the attempt must still be waiting (not retried meanwhile).
    const current = journal.getAttempt(stuck.outTradeNo);
    if (current?.phase !== 'needs_attention' || this.deps.isDriven(stuck.outTradeNo))
      throw new ConflictError('nothing_to_settle', `order ${order.orderNo} changed while it was checked`);
    const settled = settledAttempt(current, evidence, decision.action, clock.now());
    const paid = settled.phase === 'paid';
    journal.recordOutcome(
      settled,
      `settle_${decision.action}`,
      settleSummary(decision, evidence),
      paid ? paidOrderPatch(settled) : undefined,
      paid ? owedCallback(settled, 'query') : undefined,
    );
    if (!paid) journal.patchOrder(order.orderNo, { status: -1 }, clock.now());
    this.deps.attemptChanged(settled);
    this.deps.orderChanged(order.orderNo);
    if (paid) this.deps.becamePaid(order.orderNo);
    if (decision.action === 'mark_refund')
      // The supervisor's reason stays in the journal: it is not sent to the provider (the customer sees
      // a refund description).
      await this.deps.refunds.refund({ out_trade_no: order.orderNo });
    return { attempt: settled, evidence };
  }
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
