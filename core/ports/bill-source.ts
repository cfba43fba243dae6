/**
 * The BillSource port: a provider's daily bill (对账单) as a stream of provider-neutral rows, for
 * reconciliation (core/reconcile). Each adapter reads its provider's real format (docs/protocols.md,
 * "Bills") and streams rows, so a day of 50,000 trades never sits in memory as one file.
 *
 * A bill that cannot be read (corrupt archive, expired link, unreadable row, unverifiable reply) is
 * never an empty day: `fetchBill` answers `unavailable`, or the row stream throws a BillError, and
 * the day is tried again later. Only the provider's own "no bill for that day" is `empty`.
 */
import type { Fen } from '../common/money.ts';
import type { Provider } from './payment-gateway.ts';

/** One line of a provider's bill: a payment, or a refund of one. */
export interface BillRow {
  readonly kind: 'payment' | 'refund';
  /** The provider out_trade_no = the terminal's attempt number. */
  readonly outTradeNo: string;
  /** WeChat transaction_id / Alipay trade_no. */
  readonly transactionId: string;
  /** Payment: the order amount. Refund: the amount refunded. Integer fen. */
  readonly amountFen: Fen;
  /** Refund rows: the merchant refund number (WeChat out_refund_no, Alipay out_request_no). */
  readonly outRefundNo?: string;
  /**
   * `success`: money moved (a payment taken or a refund made). `reversed`: the payment was revoked
   * (WeChat REVOKED) and holds no money. `other`: a state this code does not book (kept as evidence).
   */
  readonly status: 'success' | 'reversed' | 'other';
  /** The provider's own status text, kept as evidence. */
  readonly statusText: string;
  /** The provider's time of the row, Beijing time, as printed in the bill. */
  readonly at: string;
}

/** The bill's own totals, when the format prints them (checked against the rows read). */
export interface BillSummary {
  readonly payments: number;
  readonly paymentFen: Fen;
  readonly refundFen: Fen;
}

export type BillFetch =
  | {
      readonly kind: 'bill';
      readonly rows: AsyncIterable<BillRow>;
      /** Read after `rows` is exhausted; undefined when the format has no summary. */
      summary(): BillSummary | undefined;
    }
  /** The provider says there is no bill because nothing was traded that day. */
  | { readonly kind: 'empty' }
  /** Not generated yet (WeChat: after about 10:00 Beijing the next day): try again later. */
  | { readonly kind: 'not_ready'; readonly detail: string }
  /** Could not be fetched or trusted this time (network, 5xx, unverifiable, expired link): try again. */
  | { readonly kind: 'unavailable'; readonly detail: string }
  /** Older than the provider keeps bills: will never come. */
  | { readonly kind: 'too_old'; readonly detail: string };

export interface BillSource {
  readonly provider: Provider;
  /**
   * `date` is a Beijing calendar day, YYYY-MM-DD. `signal` (the service stopping) ends a download or
   * a run of checks early: the day then counts as `unavailable`, never as read.
   */
  fetchBill(date: string, signal?: AbortSignal): Promise<BillFetch>;
}
