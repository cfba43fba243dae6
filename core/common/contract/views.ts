/**
 * What the service shows the outside world (UI, local API, events): plain JSON, money in fen,
 * times as ms since epoch. Field names follow vk-uni-pay's vk-pay-orders where one exists.
 * Never contains a secret.
 */
import type { DeclineReason } from '../decline-reasons.ts';
import type { ProviderName } from '../providers.ts';

export type { DeclineReason };

export type Wallet = 'wxpay' | 'alipay';
export type { ProviderName };
export type Tender = Wallet | 'cash';

/** vk-uni-pay order status: −1 closed, 0 unpaid, 1 paid, 2 partly refunded, 3 fully refunded. */
export type OrderStatus = -1 | 0 | 1 | 2 | 3;

export type AttemptMode = 'micropay' | 'qr';

/**
 * One attempt's phase. micropay: submitted → paid | failed | polling → paid | reversing → reversed | needs_attention.
 * qr: submitted → awaiting_scan → paid | closing → closed | needs_attention.
 */
export type AttemptPhase =
  | 'submitted'
  | 'polling'
  | 'awaiting_scan'
  | 'reversing'
  | 'closing'
  | 'paid'
  | 'failed'
  | 'reversed'
  | 'closed'
  | 'needs_attention';

export const FINAL_PHASES: readonly AttemptPhase[] = ['paid', 'failed', 'reversed', 'closed'];

export interface ProblemView {
  readonly code: string;
  readonly message: string;
}

/**
 * Why an attempt failed. A provider's decline: `code` and `message` are the provider's, for logs and
 * support, and `reason` is what the UI reads for its text and advice (a provider's code never
 * reaches the catalogs). Our own finding (amount_mismatch): `reason` is null and `code` is ours.
 */
export interface FailureView extends ProblemView {
  readonly reason: DeclineReason | null;
}

export interface AttemptView {
  readonly out_trade_no: string;
  readonly order_no: string;
  readonly attempt_index: number;
  readonly pid: string;
  readonly provider: ProviderName;
  readonly wallet: Wallet;
  readonly mode: AttemptMode;
  readonly phase: AttemptPhase;
  readonly total_fee: number;
  readonly created_at: number;
  readonly updated_at: number;
  /** When polling gives up and reversal starts (micropay) or the QR stops being payable. */
  readonly deadline_at: number | null;
  readonly transaction_id: string | null;
  readonly qr_code: string | null;
  readonly stop_requested: boolean;
  /** Why it failed (definite, e.g. insufficient funds) — phase failed. */
  readonly failure: FailureView | null;
  /** What a human must do — phase needs_attention. */
  readonly attention: ProblemView | null;
  readonly query_count: number;
  readonly reverse_count: number;
  /**
   * Phase reversed with the money refunded after it was taken (an Alipay cancel that refunded, a
   * second payment refunded from 待处理); absent otherwise and from older services.
   */
  readonly reverse_action?: 'close' | 'refund';
  /** When the engine takes its next step (query, reversal), for the countdown; 0 = now. */
  readonly next_action_at?: number;
}

export interface RefundView {
  readonly out_refund_no: string;
  /**
   * The provider trade refunded: the order's paying attempt, or a second payment of the same order
   * (refund_payment), which is not part of the order's refunded_fee. Absent from older services.
   */
  readonly out_trade_no?: string;
  readonly refund_fee: number;
  readonly status: 'pending' | 'succeeded' | 'failed';
  readonly reason: string | null;
  readonly created_at: number;
  readonly updated_at: number;
  readonly failure: ProblemView | null;
}

export interface CallbackView {
  readonly state: 'pending' | 'done' | 'retrying';
  readonly user_order_success: boolean | null;
  /** Whether the callback learned of the payment from a provider notify or from our own query/charge reply. */
  readonly source: 'notify' | 'query' | null;
  readonly runs: number;
  readonly last_error: string | null;
}

export interface OrderView {
  /** The merchant's order number (vk-uni-pay `out_trade_no`); attempts carry their own provider out_trade_no. */
  readonly out_trade_no: string;
  readonly pid: string;
  readonly total_fee: number;
  readonly subject: string;
  readonly type: string;
  readonly custom: unknown;
  readonly status: OrderStatus;
  readonly tender: Tender | null;
  readonly provider: ProviderName | null;
  readonly transaction_id: string | null;
  /** The attempt that took the money, when paid. */
  readonly paid_out_trade_no: string | null;
  readonly paid_at: number | null;
  readonly refunded_fee: number;
  readonly refunds: readonly RefundView[];
  readonly callback: CallbackView | null;
  readonly cashier: string | null;
  readonly shift_id: string | null;
  readonly note: string | null;
  readonly created_at: number;
  readonly updated_at: number;
  /** The unresolved attempt, if any: a new scan for this order is refused until it resolves. */
  readonly live_attempt: AttemptView | null;
}

export interface TimelineEntry {
  readonly at: number;
  readonly out_trade_no: string;
  readonly step: 'intent' | 'outcome';
  readonly op: string;
  readonly summary: string;
}

export interface OrderDetailView extends OrderView {
  readonly attempts: readonly AttemptView[];
  readonly timeline: readonly TimelineEntry[];
}

export type Reachability = 'up' | 'down' | 'unknown';

export interface ProviderHealthView {
  readonly pid: string;
  readonly provider: ProviderName;
  readonly wallets: readonly Wallet[];
  readonly reachability: Reachability;
  readonly checked_at: number | null;
  readonly detail: string | null;
}

export interface ScannerStatusView {
  readonly source: string;
  readonly transport: 'serial' | 'hid' | 'wedge';
  readonly state: 'connecting' | 'connected' | 'disconnected' | 'error' | 'unavailable';
  readonly reason: string | null;
  readonly at: number;
}

/**
 * Why the last forward to the store hub failed (core/service/hub-forwarder.ts): unreachable (no
 * connection), timeout, hub_unavailable (5xx), token_refused (401/403: revoked or wrong token),
 * batch_refused (4xx), bad_answer (not an acknowledgement), outbox_unreadable (the journal failed).
 */
export type HubProblem =
  | 'unreachable'
  | 'timeout'
  | 'hub_unavailable'
  | 'token_refused'
  | 'batch_refused'
  | 'bad_answer'
  | 'outbox_unreadable';

/** The terminal's forwarding to the store hub: "hub: n changes waiting". */
export interface HubStatusView {
  /** Changes in the outbox not yet acknowledged by the hub. */
  readonly waiting: number;
  readonly problem: HubProblem | null;
  readonly last_delivered_at: number | null;
}

export interface HealthView {
  readonly ready: boolean;
  readonly version: string;
  readonly terminal_id: string;
  readonly sandbox_url: string | null;
  readonly providers: readonly ProviderHealthView[];
  readonly scanners: readonly ScannerStatusView[];
  /** Attempts still being resolved (polling, reversing) plus those needing attention. */
  readonly unresolved: number;
  readonly needs_attention: number;
  /** Set when the journal failed at run time (disk full, I/O error): not ready, no new charges. */
  readonly journal_error?: ProblemView | null;
  /**
   * Set while a provider's correctly signed replies or notifications are more than 5 minutes from
   * this terminal's clock (code `clock_skew`): they are not trusted, so every payment stays
   * uncertain until the clock is fixed.
   */
  readonly clock_warning?: ProblemView | null;
  readonly now: number;
  /** SHA-256 of the HTTPS certificate when `scanpay serve` has server.tls, for clients to pin. */
  readonly tls_sha256?: string;
  /** Set when the terminal forwards to a store hub (config `hub`). */
  readonly hub?: HubStatusView | null;
}

export interface ScanView {
  readonly code_masked: string;
  readonly source: string;
  readonly at: number;
  readonly ok: boolean;
  readonly wallet: Wallet | null;
  readonly error: ProblemView | null;
  /**
   * A scanner's scan that found no sale waiting: the service holds it briefly under this id, and a
   * window showing an amount claims it with that amount (submitScan with held_id).
   */
  readonly held_id?: string;
}

/** What a provider says about a payment on the 待处理 list, asked just now: the evidence for settling it. */
export interface AttentionEvidenceView {
  readonly out_trade_no: string;
  readonly provider: ProviderName;
  readonly provider_says: 'paid' | 'refunded' | 'pending' | 'closed' | 'failed' | 'not_found' | 'unknown';
  /** What the provider says it charged (fen), when it says paid. */
  readonly paid_fee: number | null;
  readonly transaction_id: string | null;
  readonly checked_at: number;
  /**
   * The attempt is a second payment of an order another attempt paid (the customer paid twice): only
   * refund_payment settles it. Absent from services before it existed.
   */
  readonly paid_twice?: boolean;
  /** The last refund of this attempt's own trade (refund_payment), when one was asked: pending or refused. */
  readonly refund?: RefundView;
}

/**
 * A paid action (massage chair, vending slot) held after a crash: it may have run and is not repeated
 * unasked (core/engine/held-paid-actions.ts). What is known, for the 待处理 list.
 */
export interface HeldPaidActionView {
  /** The merchant's order number. */
  readonly order_no: string;
  readonly subject: string;
  readonly type: string;
  readonly total_fee: number;
  readonly provider: ProviderName | null;
  /** Why it is held, in the engine's words (English, for logs and support), naming the device. */
  readonly reason: string;
  /** The device or module to check ("serial /dev/ttyUSB0"), when the reason names it. */
  readonly device: string | null;
  /**
   * Why a person must decide: a restart cut the run off (it may have run); the payment was below
   * the action's price floor (it did not run); the action list changed since it partly ran.
   */
  readonly cause: 'interrupted' | 'below_floor' | 'changed';
  /** The floor the payment was below (fen), for `below_floor`; else null. */
  readonly min_total_fee: number | null;
  /** When it was held (ms). */
  readonly held_at: number;
}

/**
 * A supervisor's mark_refund refund the provider refused as final: back on 待处理 until it is asked
 * again (mark_refund, a new refund number) or closed (close_refund: refunded another way).
 */
export interface RefusedRefundView {
  readonly order_no: string;
  /** The refused refund, with the provider's reason in `failure`. */
  readonly refund: RefundView;
}

export interface SettledAttentionView {
  readonly attempt: AttemptView;
  readonly evidence: AttentionEvidenceView;
  /**
   * refund_payment, mark_refund: the refund as far as it got (pending: owed, the till repeats it);
   * close_refund: the refusal it closed.
   */
  readonly refund?: RefundView;
}

/** The till: what the cashier is doing right now, kept in the service so a reloaded page resumes it. */
export interface SaleView {
  readonly state: 'idle' | 'awaiting_scan' | 'charging' | 'done';
  readonly order: OrderView | null;
  readonly attempt: AttemptView | null;
  readonly last_scan: ScanView | null;
}

export interface ShiftTotals {
  readonly tender: Tender;
  readonly sales_count: number;
  readonly sales_fee: number;
  readonly refunds_fee: number;
  readonly net_fee: number;
}

export interface ShiftView {
  readonly shift_id: string;
  readonly cashier: string;
  readonly opened_at: number;
  readonly closed_at: number | null;
  readonly float_fee: number;
  readonly totals: readonly ShiftTotals[];
  /** Cash expected in the drawer: float + cash sales − cash refunds. */
  readonly expected_cash_fee: number;
  readonly counted: Readonly<Partial<Record<Tender, number>>> | null;
}

/** The 交班报表: cash counted blind by the cashier; e-wallet lines are the journal's totals. */
export interface ZReportView extends ShiftView {
  readonly lines: readonly {
    readonly tender: Tender;
    /** `cashier`: counted in the drawer (cash); `journal`: the e-wallet total, nothing to count. */
    readonly counted_by: 'cashier' | 'journal';
    readonly expected_fee: number;
    readonly counted_fee: number;
    readonly difference_fee: number;
  }[];
}

export type QrDisplayState = 'idle' | 'showing' | 'paid' | 'expired';

/** One live code of the QR display: a WeChat Native QR cannot be paid from Alipay, and back. */
export interface QrCodeView {
  readonly wallet: Wallet;
  readonly provider: ProviderName;
  readonly out_trade_no: string;
  readonly qr_code: string;
  /** An SVG of the QR code, ready for an <img src>. */
  readonly qr_svg_data_url: string;
}

export interface QrDisplayView {
  readonly state: QrDisplayState;
  readonly product: { readonly name: string; readonly total_fee: number } | null;
  /** While showing: the first code's order; once paid: the order that was paid. */
  readonly out_trade_no: string | null;
  /** While showing: the first code's wallet; once paid: the wallet that paid. */
  readonly wallet: Wallet | null;
  /** The first code (kept for single-code clients); `codes` lists every live one. */
  readonly qr_code: string | null;
  readonly qr_svg_data_url: string | null;
  /** Every live code, one per configured wallet, side by side; empty unless showing. */
  readonly codes: readonly QrCodeView[];
  readonly expires_at: number | null;
  /** The customer paid both codes: the second payment, refunded automatically. */
  readonly duplicate: {
    readonly out_trade_no: string;
    readonly wallet: Wallet | null;
    readonly total_fee: number;
    readonly state: 'refunding' | 'refunded' | 'failed';
  } | null;
  readonly action: {
    readonly state: 'pending' | 'running' | 'done' | 'failed';
    readonly message: string | null;
  } | null;
}

export interface MerchantSettingsView {
  readonly pid: string;
  readonly name: string;
  readonly provider: ProviderName;
  readonly wallets: readonly Wallet[];
  readonly base_url: string;
  /** Credentials shown masked: "••••3f2a" or "set"/"missing"; never the value. */
  readonly credentials: Readonly<Record<string, string>>;
}

/** The configured keyboard-wedge scanner's timing (config.json `scanners`), for the browser's own detector. */
export interface WedgeSettingsView {
  readonly max_key_gap_ms: number;
  readonly end_timeout_ms: number;
  readonly min_length: number;
  /** The scanner ends each code with Enter/Tab: a burst without one is rejected whole (docs/scanner-facts.md). */
  readonly require_suffix: boolean;
}

export interface SettingsView {
  readonly terminal_id: string;
  readonly store_id: string | null;
  readonly language: 'zh-CN' | 'en';
  readonly kiosk: boolean;
  readonly ui_mode: 'cashier' | 'qr';
  readonly merchants: readonly MerchantSettingsView[];
  readonly scanners: readonly { readonly id: string; readonly kind: string; readonly summary: string }[];
  /** The first configured wedge scanner's settings; null when none is configured (the browser uses its defaults). */
  readonly wedge: WedgeSettingsView | null;
  readonly poll_schedules: Readonly<
    Record<string, { readonly query_delays_ms: readonly number[]; readonly reverse_after_ms: number }>
  >;
  readonly pin_set: boolean;
}
