/**
 * The 待处理 list's second source: a supervisor's mark_refund whose refund the provider refused as
 * final (the trade too old, the merchant's balance short, …). The order stays booked as paid with a
 * failed refund row and its attempt has left needs_attention, so without this list nobody would be
 * prompted while the customer's money stays with the merchant. The supervisor asks mark_refund again
 * (a new out_refund_no, ./attention-settler.ts) or closes it (close_refund: refunded in cash or in the
 * merchant portal), journaled as a `settle_close_refund` step with who and why; a closed refusal is
 * never refunded again by a repeated mark_refund (that would pay the customer twice).
 */
import { ConflictError } from '../common/errors.ts';
import type { AttemptState } from '../domain/attempt-state.ts';
import type { OrderRecord, RefundRecord } from '../domain/order.ts';
import type { Journal } from '../ports/journal.ts';

/** How many the list shows at most (oldest first): a till with more has a bigger problem to see. */
export const REFUSED_REFUNDS_LIMIT = 50;

export const CLOSE_REFUND_STEP = 'settle_close_refund';
export const MARK_REFUND_STEP = 'settle_mark_refund';

export function refusedRefunds(journal: Journal): RefundRecord[] {
  return journal.refusedSettledRefunds(REFUSED_REFUNDS_LIMIT);
}

/** The order's paying attempt when mark_refund booked it (its refund is the supervisor's), else undefined. */
export function markedPayment(journal: Journal, order: OrderRecord): AttemptState | undefined {
  const paying = order.paidOutTradeNo ? journal.getAttempt(order.paidOutTradeNo) : undefined;
  if (!paying) return undefined;
  const marked = journal
    .timeline(order.orderNo)
    .some((s) => s.out_trade_no === paying.outTradeNo && s.op === MARK_REFUND_STEP);
  return marked ? paying : undefined;
}

/** The latest refund of the marked payment when the provider refused it and nobody has closed it. */
export function openRefusal(
  journal: Journal,
  order: OrderRecord,
  paying: AttemptState,
): RefundRecord | undefined {
  const last = journal
    .refundsOf(order.orderNo)
    .filter((r) => r.outTradeNo === paying.outTradeNo)
    .at(-1);
  if (last?.status !== 'failed') return undefined;
  const closed = journal
    .timeline(order.orderNo)
    .some(
      (s) => s.out_trade_no === paying.outTradeNo && s.op === CLOSE_REFUND_STEP && s.at >= last.updatedAt,
    );
  return closed ? undefined : last;
}

/**
 * True when the order's money was recorded as refunded another way (close_refund) after the
 * provider refused the supervisor's refund: any refund of it through the provider would pay twice.
 */
export function refundedElsewhere(journal: Journal, order: OrderRecord): boolean {
  const paying = markedPayment(journal, order);
  if (!paying) return false;
  const last = journal
    .refundsOf(order.orderNo)
    .filter((r) => r.outTradeNo === paying.outTradeNo)
    .at(-1);
  return last?.status === 'failed' && !openRefusal(journal, order, paying);
}

/** The typed refusal of close_refund (or a repeated mark_refund) when there is no open refusal. */
export function noOpenRefusal(order: OrderRecord): ConflictError {
  return new ConflictError(
    'nothing_to_settle',
    `order ${order.orderNo} has no refund refused by the provider waiting for a supervisor`,
  );
}

/**
 * close_refund: the supervisor says the money went back another way. Only the journal changes (a
 * timeline step on the paying attempt, with the refusal it closes); the order stays as booked.
 */
export function closeRefusal(
  journal: Journal,
  order: OrderRecord,
  decision: { readonly by: string; readonly reason: string },
  now: number,
): { readonly attempt: AttemptState; readonly refund: RefundRecord } {
  const paying = markedPayment(journal, order);
  const refused = paying && openRefusal(journal, order, paying);
  if (!paying || !refused) throw noOpenRefusal(order);
  const closed: AttemptState = { ...paying, updatedAt: Math.max(now, refused.updatedAt) };
  const failure = refused.failure ? `${refused.failure.code}: ${refused.failure.message}` : 'refused';
  journal.recordOutcome(
    closed,
    CLOSE_REFUND_STEP,
    `${decision.by}: ${decision.reason} (refund ${refused.outRefundNo} refused by the provider, ${failure})`,
  );
  return { attempt: closed, refund: refused };
}
