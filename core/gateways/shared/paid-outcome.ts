/**
 * The rule every adapter applies before it reports a payment as `paid`: the reply names our
 * out_trade_no, carries the provider's transaction id and an amount we can read, and that amount is
 * the order's. Anything short of that is `unknown` (the engine queries, then reverses), never paid.
 * Each adapter reads its own field names; the rule lives here once.
 */
import type { PaymentOutcome } from '../../ports/payment-gateway.ts';
import { unknown } from './transport-unknown.ts';

export interface PaidReplyFields {
  /** The out_trade_no the reply names (undefined when it names none). */
  readonly outTradeNo: string | undefined;
  readonly transactionId: string | undefined;
  /** Fen, or undefined when the reply's amount could not be read. */
  readonly totalFee: number | undefined;
  readonly paidAt: string | undefined;
  readonly buyerId: string | undefined;
  /** The provider's field names, for the message when one is missing: "total_fee/transaction_id". */
  readonly fieldNames: string;
}

export function paidOutcome(
  reply: PaidReplyFields,
  outTradeNo: string,
  expectedFee: number | undefined,
): PaymentOutcome {
  if (reply.outTradeNo !== outTradeNo) return unknown('mismatch', 'paid reply names another out_trade_no');
  const { totalFee, transactionId } = reply;
  if (totalFee === undefined || !transactionId)
    return unknown('unparseable', `paid reply lacks ${reply.fieldNames}`);
  if (expectedFee !== undefined && totalFee !== expectedFee) {
    return unknown('mismatch', `paid reply says ${totalFee} fen, order is ${expectedFee}`);
  }
  return {
    kind: 'paid',
    transactionId,
    totalFee,
    ...(reply.paidAt ? { paidAt: reply.paidAt } : {}),
    ...(reply.buyerId ? { buyerId: reply.buyerId } : {}),
  };
}
