/**
 * What a provider answers, as the domain understands it: each adapter (core/gateways/<provider>/) maps
 * its provider's raw codes into these outcomes in exactly one function, so the engine and the attempt
 * machine never see a provider code. The rule that protects money: a timeout, connection reset,
 * non-2xx, unparseable body or failed signature is `unknown`, never `failed`.
 *
 * These types belong to the domain (the attempt machine is written in them); the PaymentGateway port
 * (core/ports/payment-gateway.ts) returns them and re-exports them for the adapters.
 */
import type { DeclineReason } from '../common/decline-reasons.ts';
import type { Fen } from '../common/money.ts';

export type { DeclineReason };

/** Result of micropay and of query: what the provider says about one out_trade_no. */
export type PaymentOutcome =
  | {
      readonly kind: 'paid';
      readonly transactionId: string;
      /** Amount the provider says it charged, in fen; the engine checks it against the order. */
      readonly totalFee: Fen;
      /** Provider's payment time as ISO 8601, when it says. */
      readonly paidAt?: string;
      readonly buyerId?: string;
      /** The provider's own order number, when it is not the transaction id (PAYJS payjs_order_id). */
      readonly providerOrderId?: string;
    }
  /**
   * Definitely not paid and never will be for this out_trade_no (insufficient funds, expired code…).
   * `decline` is the adapter's reading of its provider's code, for the UI's text and advice (named
   * apart from the unknown variant's `reason`, which says why nothing is known).
   */
  | {
      readonly kind: 'failed';
      readonly providerCode: string;
      readonly message: string;
      readonly decline: DeclineReason;
    }
  /** The customer is confirming (password, USERPAYING, 10003, WAIT_BUYER_PAY, NOTPAY after a QR pre-create). */
  | { readonly kind: 'pending'; readonly providerCode: string; readonly providerOrderId?: string }
  /** Query only: the order is closed/reversed at the provider and holds no money. */
  | { readonly kind: 'closed'; readonly providerCode: string }
  /** Query only: the order was paid and has since been (partly) refunded. Counts as paid for the attempt. */
  | {
      readonly kind: 'refunded';
      readonly transactionId: string;
      readonly totalFee: Fen;
      readonly providerCode: string;
    }
  /** Query only: the provider has no such order (yet). */
  | { readonly kind: 'not_found'; readonly providerCode: string }
  /** We cannot tell: network, 5xx, unreadable or unverifiable reply, or a code whose meaning is "ask again". */
  | {
      readonly kind: 'unknown';
      readonly reason: UnknownReason;
      readonly detail: string;
      readonly providerOrderId?: string;
    };

export type UnknownReason =
  | 'timeout'
  | 'network'
  | 'http_status'
  | 'unparseable'
  | 'bad_signature'
  | 'mismatch'
  /** A correctly signed reply whose timestamp is too far from our clock: fix the terminal's clock. */
  | 'clock_skew'
  | 'provider_says_unknown';

/** Result of reverse (WeChat) / cancel (Alipay) / reverse (PAYJS). */
export type ReverseOutcome =
  | { readonly kind: 'reversed'; readonly action?: 'close' | 'refund' }
  /** The provider asks us to call again (recall=Y, retry_flag=Y). */
  | { readonly kind: 'retry'; readonly providerCode: string }
  /** The provider has no such order: nothing to reverse. */
  | { readonly kind: 'not_found'; readonly providerCode: string }
  /** Definitely refused (too old, not allowed): a human must handle it. */
  | { readonly kind: 'failed'; readonly providerCode: string; readonly message: string }
  /**
   * The provider cannot find the order by the key we had (PAYJS without its payjs_order_id, after a
   * lost micropay reply): nothing is known about the money, so a human must look it up.
   */
  | { readonly kind: 'unaddressable'; readonly detail: string }
  | { readonly kind: 'unknown'; readonly reason: UnknownReason; readonly detail: string };

export type CloseOutcome =
  | { readonly kind: 'closed' }
  /** Cannot close because it was paid meanwhile: query it. */
  | { readonly kind: 'paid' }
  | { readonly kind: 'failed'; readonly providerCode: string; readonly message: string }
  | { readonly kind: 'unknown'; readonly reason: UnknownReason; readonly detail: string };

export type RefundOutcome =
  | { readonly kind: 'succeeded'; readonly refundId: string }
  | { readonly kind: 'processing'; readonly refundId?: string }
  | { readonly kind: 'failed'; readonly providerCode: string; readonly message: string }
  /** Refund query only: no refund with that out_refund_no. */
  | { readonly kind: 'not_found'; readonly providerCode: string }
  | { readonly kind: 'unknown'; readonly reason: UnknownReason; readonly detail: string };

export type PrecreateOutcome =
  | { readonly kind: 'created'; readonly qrCode: string; readonly providerOrderId?: string }
  | {
      readonly kind: 'failed';
      readonly providerCode: string;
      readonly message: string;
      readonly decline: DeclineReason;
    }
  | { readonly kind: 'unknown'; readonly reason: UnknownReason; readonly detail: string };
