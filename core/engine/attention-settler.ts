/**
 * A supervisor's settlement of an attempt that needs a person (the 待处理 list). The provider's query,
 * asked at the moment of the decision, is both the evidence shown and the judge: the engine never books
 * money the provider does not confirm, and never closes as unpaid an order the provider says is paid.
 * - book_paid: only when the provider says paid for exactly the amount; refused when it says the
 *   payment was since refunded (settle_payment_refunded: the money went back);
 * - close_unpaid: when the provider says closed, failed, or that it has no such order; also when it
 *   says refunded (outside the till, e.g. the merchant portal): the attempt then ends reversed with
 *   reverseAction `refund`, the order's own status unchanged when another attempt paid it;
 * - mark_refund: only when the provider holds the money (paid, not refunded): it is booked and its
 *   full refund journaled in one transaction, then refunded. The customer got nothing for it, so no
 *   paid callback is owed (it would start the paid actions).
 * An attempt that had ended closed or failed and that the provider later says paid (a verified
 * notification, then a confirming query: `flagPaidAfterFinal`) waits here as `paid_after_final`: never
 * booked by itself, only by these decisions; when the order was since paid by another attempt, booking
 * or refunding it through the order would touch the other payment, so both are refused;
 * - refund_payment: only for such a second payment (paid twice), when the provider confirms it holds
 *   the attempt's amount: that attempt's own trade is refunded in full (./second-payment-refund.ts).
 * An unknown reply (timeout, 5xx, unreadable) settles nothing: the item stays, to be tried again.
 * Every decision is journaled as a timeline step with who decided and why.
 */
import { ConflictError, UnavailableError } from '../common/errors.ts';
import { isPaidStatus } from '../common/order-status.ts';
import type { AttemptState } from '../domain/attempt-state.ts';
import type { OrderRecord, RefundRecord } from '../domain/order.ts';
import type { Clock } from '../ports/clock.ts';
import type { Journal } from '../ports/journal.ts';
import type { PaymentGateway, PaymentOutcome } from '../ports/payment-gateway.ts';
import { owedCallback, paidOrderPatch } from './attempt-driver.ts';
import { callGateway } from './gateway-call.ts';
import type { RefundService } from './refund-service.ts';
import { closeRefusal, markedPayment, noOpenRefusal, openRefusal } from './refused-refunds.ts';
import {
  isPaidTwice,
  notPaidTwice,
  PAID_AFTER_FINAL,
  SecondPaymentRefunds,
} from './second-payment-refund.ts';

export { PAID_AFTER_FINAL } from './second-payment-refund.ts';

export type SettleAction = 'book_paid' | 'close_unpaid' | 'mark_refund' | 'refund_payment' | 'close_refund';

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
  /** refund_payment, mark_refund: the refund as far as it got (pending = owed, repeated); close_refund: the refusal closed. */
  readonly refund?: RefundRecord;
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
  private readonly secondPayments: SecondPaymentRefunds;

  constructor(deps: AttentionSettlerDeps) {
    this.deps = deps;
    this.secondPayments = new SecondPaymentRefunds(deps);
  }

  async check(ref: string): Promise<AttentionCheck> {
    const { journal, requireOrder, isDriven } = this.deps;
    const order = requireOrder(ref);
    const stuck = journal.attemptsOf(order.orderNo).find((a) => a.phase === 'needs_attention');
    if (!stuck || isDriven(stuck.outTradeNo))
      throw new ConflictError(
        'nothing_to_settle',
        `order ${order.orderNo} has no attempt waiting for a person`,
      );
    return { order, stuck, evidence: await this.query(stuck) };
  }

  /** The provider's word on an attempt now; no reply is unknown. */
  private async query(state: AttemptState): Promise<PaymentOutcome> {
    const event = await callGateway(this.deps.gatewayOf(state), { kind: 'query' }, state, undefined);
    return event.kind === 'query_replied'
      ? event.outcome
      : { kind: 'unknown', reason: 'network', detail: 'no reply' };
  }

  async settle(ref: string, decision: SettleDecision): Promise<SettleResult> {
    const { journal, clock } = this.deps;
    if (decision.action === 'close_refund') return this.closeRefund(ref, decision);
    if (decision.action === 'mark_refund') {
      const repeated = await this.repeatedMarkRefund(ref, decision);
      if (repeated) return repeated;
    }
    const { order, stuck, evidence } = await this.check(ref);
    // The reply may take seconds: the attempt must still be waiting (not retried meanwhile).
    const current = journal.getAttempt(stuck.outTradeNo);
    if (current?.phase !== 'needs_attention' || this.deps.isDriven(stuck.outTradeNo))
      throw new ConflictError('nothing_to_settle', `order ${order.orderNo} changed while it was checked`);
    const latest = journal.getOrder(order.orderNo) ?? order;
    if (decision.action === 'refund_payment') {
      if (!isPaidTwice(latest, current)) throw notPaidTwice(latest, current);
      const paid = confirmsHeld(current, evidence);
      const refund = await this.secondPayments.refund(current, paid, settleSummary(decision, evidence));
      return { attempt: journal.getAttempt(current.outTradeNo) ?? current, evidence, refund };
    }
    if (
      current.attention?.code === PAID_AFTER_FINAL &&
      decision.action !== 'close_unpaid' &&
      isPaidStatus(latest.status) &&
      latest.paidOutTradeNo !== current.outTradeNo
    )
      throw new ConflictError(
        'paid_twice',
        `order ${order.orderNo} was paid by another attempt: this second payment (${current.outTradeNo}) is refunded by itself with refund_payment`,
      );
    const settled = settledAttempt(current, evidence, decision.action, clock.now());
    const summary = settleSummary(decision, evidence);
    const paid = settled.phase === 'paid';
    if (decision.action === 'mark_refund') return this.markRefund(latest, settled, evidence, summary);
    journal.recordOutcome(
      settled,
      `settle_${decision.action}`,
      summary,
      // An order paid by another attempt stays paid: only this attempt is settled as unpaid.
      paid ? paidOrderPatch(settled) : isPaidStatus(latest.status) ? undefined : { status: -1 },
      paid ? owedCallback(settled, 'query') : undefined,
    );
    this.deps.attemptChanged(settled);
    this.deps.orderChanged(order.orderNo);
    if (paid) this.deps.becamePaid(order.orderNo);
    return { attempt: settled, evidence };
  }

  /**
   * mark_refund: the money the provider holds is booked and refunded in full. The booking and the
   * refund row are journaled in one transaction before the refund is sent (a crash in between would
   * otherwise leave a plain paid sale, off 待处理, with the customer's money kept); a pending refund
   * is resumed at start-up. Refunded money bought nothing: no paid callback (it would run the
   * order's paid actions). The supervisor's reason stays in the journal: it is not sent to the
   * provider (the customer sees a refund description).
   */
  private async markRefund(
    order: OrderRecord,
    settled: AttemptState,
    evidence: PaymentOutcome,
    summary: string,
  ): Promise<SettleResult> {
    const patch = paidOrderPatch(settled);
    const refund = await this.deps.refunds.refundBooked(
      {
        orderNo: order.orderNo,
        outTradeNo: settled.outTradeNo,
        refundFee: order.totalFee,
        pid: order.pid,
        provider: settled.provider,
      },
      (record) => {
        this.deps.journal.recordOutcomeWithRefund(settled, 'settle_mark_refund', summary, patch, record);
        this.deps.attemptChanged(settled);
        this.deps.orderChanged(order.orderNo);
      },
    );
    return { attempt: settled, evidence, refund };
  }

  /**
   * mark_refund asked again after it was journaled (a lost reply, a page reloaded, a restart): the
   * order's paying attempt was booked by mark_refund, so its refund is continued (a pending one with
   * its own out_refund_no, never a second number for the same money), or, after a refusal the
   * provider called final, asked again through the order. Undefined when this is no such repeat.
   */
  private async repeatedMarkRefund(ref: string, decision: SettleDecision): Promise<SettleResult | undefined> {
    const { journal, clock, requireOrder, refunds } = this.deps;
    const order = requireOrder(ref);
    const paying = markedPayment(journal, order);
    if (!paying || journal.attemptsOf(order.orderNo).some((a) => a.phase === 'needs_attention'))
      return undefined;
    // Pending refunds are resumed with their own out_refund_no (RefundService's quick rounds).
    const last = (await refunds.queryRefunds(order.orderNo))
      .filter((r) => r.outTradeNo === paying.outTradeNo)
      .at(-1);
    if (!last) return undefined;
    const evidence = await this.query(paying);
    if (last.status !== 'failed') return { attempt: paying, evidence, refund: last };
    // Closed as refunded another way (cash, the portal): a new refund would pay the customer twice.
    if (!openRefusal(journal, order, paying)) throw noOpenRefusal(order);
    // Asking again after a final refusal is a new decision: who and why go on the timeline first.
    const asked: AttemptState = { ...paying, updatedAt: clock.now() };
    journal.recordOutcome(asked, 'settle_mark_refund', settleSummary(decision, evidence));
    const refund = await refunds.refund({ out_trade_no: order.orderNo });
    return { attempt: asked, evidence, refund };
  }

  /** close_refund: a refused mark_refund refund settled another way (./refused-refunds.ts). */
  private async closeRefund(ref: string, decision: SettleDecision): Promise<SettleResult> {
    const { journal, clock, requireOrder } = this.deps;
    const order = requireOrder(ref);
    const paying = markedPayment(journal, order);
    if (!paying || !openRefusal(journal, order, paying)) throw noOpenRefusal(order);
    // The provider's word is shown with the result; an unknown one does not stop the supervisor's record.
    const evidence = await this.query(paying);
    const { attempt, refund } = closeRefusal(journal, order, decision, clock.now());
    this.deps.attemptChanged(attempt);
    this.deps.orderChanged(order.orderNo);
    return { attempt, evidence, refund };
  }

  /** Start-up: ends the attempts whose second-payment refund succeeded just before a crash. */
  finishAnsweredRefunds(): number {
    return this.secondPayments.finishAnswered();
  }

  /**
   * A verified paid notification for an attempt that had ended closed or failed. One query (the
   * provider's word; the notification is only evidence): when it confirms the payment of the
   * attempt's amount, or cannot be had (unknown: a person looks rather than lose it), the attempt
   * goes to the 待处理 list as `paid_after_final`, journaled; nothing is booked and the order keeps
   * its status until a supervisor decides. When the provider denies it the attempt stays as it was.
   */
  async flagPaidAfterFinal(ended: AttemptState): Promise<PaidAfterFinalResult> {
    const { journal, clock, gatewayOf } = this.deps;
    journal.recordIntent(ended.outTradeNo, 'query', clock.now());
    const event = await callGateway(gatewayOf(ended), { kind: 'query' }, ended, undefined);
    const said: PaymentOutcome =
      event.kind === 'query_replied'
        ? event.outcome
        : { kind: 'unknown', reason: 'network', detail: 'no reply' };
    const current = journal.getAttempt(ended.outTradeNo);
    // Changed meanwhile (another notification flagged it): nothing more to do.
    if (!current || current.phase !== ended.phase) return { flagged: false, providerSays: said.kind };
    const confirms =
      said.kind === 'unknown' ||
      ((said.kind === 'paid' || said.kind === 'refunded') && said.totalFee === current.totalFee);
    if (!confirms) return { flagged: false, providerSays: said.kind };
    const now = clock.now();
    const flagged: AttemptState = {
      ...current,
      phase: 'needs_attention',
      attention: {
        code: PAID_AFTER_FINAL,
        message:
          said.kind === 'unknown'
            ? `a verified notification says paid after the attempt ended ${current.phase}; the provider did not answer the query`
            : `the provider says ${said.kind} ${said.totalFee} fen after the attempt ended ${current.phase}`,
      },
      nextActionAt: 0,
      updatedAt: now,
    };
    journal.recordOutcome(
      flagged,
      PAID_AFTER_FINAL,
      `notify: paid after the attempt ended ${current.phase} (provider: ${said.kind}); a supervisor decides`,
    );
    this.deps.attemptChanged(flagged);
    this.deps.orderChanged(flagged.orderNo);
    return { flagged: true, providerSays: said.kind };
  }
}

/** What became of a paid notification for an ended attempt (the engine logs it). */
export interface PaidAfterFinalResult {
  readonly flagged: boolean;
  readonly providerSays: PaymentOutcome['kind'];
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
  if (action === 'close_unpaid') {
    // Refunded outside the till (the merchant portal): the money went back to the customer, so the
    // attempt ends refunded and the item can be cleared; nothing is booked, nothing sent.
    if (evidence.kind === 'refunded')
      return {
        ...state,
        phase: 'reversed',
        reverseAction: 'refund',
        transactionId: state.transactionId ?? evidence.transactionId,
        attention: null,
        nextActionAt: 0,
        updatedAt: now,
      };
    if (!SAYS_UNPAID.has(evidence.kind)) throw notConfirmed(action, evidence);
    return {
      ...state,
      phase: state.mode === 'qr' ? 'closed' : 'reversed',
      attention: null,
      nextActionAt: 0,
      updatedAt: now,
    };
  }
  // The money went back: booking it would run the paid action for nothing, refunding it again fails.
  if (evidence.kind === 'refunded')
    throw new ConflictError(
      'settle_payment_refunded',
      `the provider says this payment (${state.outTradeNo}) was refunded: it cannot be booked or refunded again; close it instead`,
      { provider_says: evidence.kind },
    );
  if (evidence.kind !== 'paid' || evidence.totalFee !== state.totalFee) throw notConfirmed(action, evidence);
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

/** The provider's answer, when it says it holds (or held) the attempt's amount; else the typed refusal. */
function confirmsHeld(
  state: AttemptState,
  evidence: PaymentOutcome,
): Extract<PaymentOutcome, { kind: 'paid' | 'refunded' }> {
  if (evidence.kind === 'unknown')
    throw new UnavailableError(
      'provider_unreachable',
      `the provider could not confirm it holds this payment (${evidence.reason}): try again when it answers`,
    );
  if ((evidence.kind === 'paid' || evidence.kind === 'refunded') && evidence.totalFee === state.totalFee)
    return evidence;
  throw notConfirmed('refund_payment', evidence);
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
