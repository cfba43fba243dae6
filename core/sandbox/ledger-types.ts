/**
 * The sandbox ledger's vocabulary: trades, refunds, and the results of each operation, all
 * provider-neutral. The protocol modules translate these into each provider's words.
 */
import type { Fen } from '../common/money.ts';
import type { Provider } from '../ports/payment-gateway.ts';
import type { FaultConfig, FaultPlan } from './faults.ts';
import type { OffsetClock } from './offset-clock.ts';
import type { Wallet, WalletBehaviour } from './wallet-behaviours.ts';

export type TradeState =
  /** QR order created, nobody has scanned and paid it yet. */
  | 'awaiting_payer'
  /** The customer is entering the password (USERPAYING / WAIT_BUYER_PAY). */
  | 'awaiting_password'
  | 'paid'
  /** The customer could not or would not pay (insufficient funds, gave up at the password box). */
  | 'payment_failed'
  | 'closed'
  /** Reversed / cancelled: closed if nothing was captured, refunded in full if something was. */
  | 'reversed';

export interface RefundRecord {
  readonly out_refund_no: string;
  readonly refund_id: string;
  readonly refund_fee: Fen;
  readonly state: 'SUCCESS';
  readonly created_at_ms: number;
}

export interface Trade {
  readonly provider: Provider;
  readonly out_trade_no: string;
  readonly mode: 'code' | 'qr';
  /** The provider's number for the payment (WeChat transaction_id, Alipay trade_no). */
  readonly transaction_id: string;
  /** PAYJS's own order number (payjs_order_id). */
  readonly provider_order_id: string;
  readonly total_fee: Fen;
  readonly subject: string;
  readonly created_at_ms: number;
  readonly state: TradeState;
  readonly captured_fen: Fen;
  readonly refunded_fen: Fen;
  readonly paid_at_ms: number | undefined;
  readonly auth_code: string | undefined;
  readonly buyer_id: string;
  readonly qr_token: string | undefined;
  /** A QR order's time_expire: the customer's scan is refused from then on. */
  readonly expires_at_ms: number | undefined;
  readonly notify_url: string | undefined;
  readonly failure: 'insufficient_funds' | 'customer_cancelled' | undefined;
  /** Request fields the protocol echoes back (sub_mch_id, sub_appid, device_info…). */
  readonly echo: Readonly<Record<string, string>>;
  readonly refunds: readonly RefundRecord[];
}

export interface IssueCodeRequest {
  readonly wallet: Wallet;
  readonly behavior: WalletBehaviour;
  readonly confirmAfterMs?: number;
}

export interface CodePayRequest {
  readonly provider: Provider;
  readonly outTradeNo: string;
  readonly totalFee: Fen;
  readonly authCode: string;
  readonly subject: string;
  readonly echo?: Readonly<Record<string, string>>;
}

export type CodePayResult =
  | { readonly kind: 'paid'; readonly trade: Trade }
  | { readonly kind: 'awaiting_password'; readonly trade: Trade }
  /** The money WAS taken, but the provider answers "system error": a trap for clients that treat it as failure. */
  | { readonly kind: 'system_error'; readonly trade: Trade }
  | { readonly kind: 'insufficient_funds'; readonly trade: Trade }
  | { readonly kind: 'code_invalid'; readonly reason: 'unknown' | 'wrong_wallet' | 'already_used' }
  | { readonly kind: 'code_expired' }
  /** out_trade_no already exists; `sameCode` tells a retry of the same charge from a reuse. */
  | { readonly kind: 'duplicate'; readonly trade: Trade; readonly sameCode: boolean };

export interface QrOrderRequest {
  readonly provider: Provider;
  readonly outTradeNo: string;
  readonly totalFee: Fen;
  readonly subject: string;
  readonly notifyUrl?: string;
  readonly echo?: Readonly<Record<string, string>>;
  /** The order's time_expire (WeChat) / time_expire or timeout_express (Alipay): no payment from then on. */
  readonly expiresAtMs?: number;
}

export type QrOrderResult =
  | { readonly kind: 'created'; readonly trade: Trade; readonly token: string }
  | { readonly kind: 'duplicate'; readonly trade: Trade };

export interface ScanRequest {
  readonly qr: string;
  readonly behavior: WalletBehaviour;
  readonly confirmAfterMs?: number;
}

export type ScanResult =
  | { readonly kind: 'paid' | 'awaiting_password'; readonly trade: Trade; readonly authCode: string }
  | {
      readonly kind: 'payment_failed';
      readonly trade: Trade;
      readonly authCode: string;
      readonly reason: string;
    }
  | { readonly kind: 'error'; readonly error: string };

export type ReverseResult =
  | { readonly kind: 'reversed'; readonly action: 'close' | 'refund'; readonly trade: Trade }
  | { readonly kind: 'not_found' };

export type CloseResult =
  | { readonly kind: 'closed'; readonly trade: Trade }
  | { readonly kind: 'already_closed'; readonly trade: Trade }
  | { readonly kind: 'paid'; readonly trade: Trade }
  | { readonly kind: 'not_found' };

export interface RefundRequest {
  readonly provider: Provider;
  readonly outTradeNo: string;
  readonly outRefundNo: string;
  readonly refundFee: Fen;
}

export type RefundResult =
  | {
      readonly kind: 'refunded';
      readonly trade: Trade;
      readonly refund: RefundRecord;
      readonly duplicate: boolean;
    }
  | { readonly kind: 'not_found' }
  | { readonly kind: 'not_paid'; readonly trade: Trade }
  | { readonly kind: 'exceeds'; readonly trade: Trade; readonly availableFen: Fen }
  /** The refund number was already used for a different amount or a different trade. */
  | { readonly kind: 'refund_no_conflict' };

export type WalletActionResult =
  | { readonly kind: 'ok'; readonly state: TradeState | 'not_charged_yet' }
  | { readonly kind: 'error'; readonly error: string };

/** The shape GET /_sandbox/trades returns. */
export interface TradeView {
  readonly provider: Provider;
  readonly out_trade_no: string;
  readonly transaction_id: string | null;
  readonly state: TradeState;
  readonly total_fee: Fen;
  readonly captured_fen: Fen;
  readonly refunded_fen: Fen;
  readonly created_at: string;
  readonly paid_at: string | null;
  readonly refunds: readonly {
    readonly out_refund_no: string;
    readonly refund_fee: Fen;
    readonly state: string;
  }[];
}

export interface SandboxLedger {
  readonly clock: OffsetClock;
  readonly codeTtlMs: number;
  issueCode(request: IssueCodeRequest): { readonly authCode: string };
  confirm(authCode: string): WalletActionResult;
  cancel(authCode: string): WalletActionResult;
  scanQr(request: ScanRequest): ScanResult;
  payWithCode(request: CodePayRequest): CodePayResult;
  createQrOrder(request: QrOrderRequest): QrOrderResult;
  find(provider: Provider, outTradeNo: string): Trade | undefined;
  findByProviderOrderId(provider: Provider, providerOrderId: string): Trade | undefined;
  findByTransactionId(provider: Provider, transactionId: string): Trade | undefined;
  findByRefundNo(provider: Provider, outRefundNo: string): Trade | undefined;
  reverse(provider: Provider, outTradeNo: string): ReverseResult;
  close(provider: Provider, outTradeNo: string): CloseResult;
  /**
   * The provider takes the money after all for a trade whose payment failed (a wallet's late success):
   * how one order gets paid twice, for the paid_after_final and refund_payment tests. Only from
   * payment_failed; answers the trade, or why not.
   */
  payLate(
    provider: Provider,
    outTradeNo: string,
  ): { readonly kind: 'ok'; readonly trade: Trade } | { readonly kind: 'error'; readonly error: string };
  /** Counts a close request for the order, refused or not (the protocols call it first). */
  noteCloseCall(provider: Provider, outTradeNo: string): void;
  /** Close requests received for the order: tests check a client does not close too early or too often. */
  closeCalls(provider: Provider, outTradeNo: string): number;
  refund(request: RefundRequest): RefundResult;
  trades(): readonly TradeView[];
  /** Every trade as the ledger holds it (the bills are built from these). */
  allTrades(): readonly Trade[];
  /** Replaces the fault plan; `{}` clears it. Throws ValidationError on a bad setting. */
  setFaults(config: FaultConfig): void;
  readonly faults: FaultPlan;
  advanceTime(ms: number): void;
  /** Called whenever a trade becomes paid (the QR notifier listens). Returns a disposer. */
  onPaid(listener: (trade: Trade) => void): () => void;
}
