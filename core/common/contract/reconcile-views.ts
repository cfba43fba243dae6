/**
 * The vocabulary of daily reconciliation (对账): what a day's comparison of a provider's bill with
 * the journal finds. Amounts are integer fen. Plain data, shared by the CLI, the API, the store
 * (core/reconcile) and the 对账 screen, hence here in core/common.
 */
import type { ProviderName } from './views.ts';

export type DiscrepancyKind = 'provider_only' | 'terminal_only' | 'amount_mismatch' | 'refund_mismatch';
export const DISCREPANCY_KINDS: readonly DiscrepancyKind[] = [
  'provider_only',
  'terminal_only',
  'amount_mismatch',
  'refund_mismatch',
];

/**
 * Why a row is listed. provider_only (长款): `attempt_not_booked` (one of our attempts, the journal
 * has it unpaid), `unknown_to_terminal` (no such attempt here), `duplicate_row`. terminal_only
 * (短款): `absent_from_bill`, `reversed_at_provider`, `status_at_provider` (the bill shows it in a
 * state that holds no money). amount_mismatch: `amount_differs`. refund_mismatch:
 * `refund_amount_differs`, `refund_not_booked`, `refund_pending_here`, `refund_absent_from_bill`.
 */
export type DiscrepancyReason =
  | 'attempt_not_booked'
  | 'unknown_to_terminal'
  | 'duplicate_row'
  | 'absent_from_bill'
  | 'reversed_at_provider'
  | 'status_at_provider'
  | 'amount_differs'
  | 'refund_amount_differs'
  | 'refund_not_booked'
  | 'refund_pending_here'
  | 'refund_absent_from_bill';

export interface Discrepancy {
  readonly kind: DiscrepancyKind;
  readonly pid: string;
  readonly provider: ProviderName;
  readonly out_trade_no: string;
  /** Refund rows only, else ''. */
  readonly out_refund_no: string;
  /** What the journal holds (null: nothing). */
  readonly terminal_fen: number | null;
  /** What the bill shows (null: nothing). */
  readonly provider_fen: number | null;
  readonly reason: DiscrepancyReason;
  /** The bill row and the journal's record as found, for the supervisor. */
  readonly evidence: Readonly<Record<string, unknown>>;
}

/** Counts and sums one side saw, per wallet; `payments` and `payment_fen` tie to the shift report's. */
export interface SideTotals {
  payments: number;
  payment_fen: number;
  refunds: number;
  refund_fen: number;
}

export interface ProviderTotals {
  readonly bill: SideTotals;
  readonly terminal: SideTotals;
}

export type RunStatus = 'done' | 'not_ready' | 'unavailable' | 'too_old';

/** One provider's day for one merchant. */
export interface ProviderDay {
  readonly pid: string;
  readonly provider: ProviderName;
  readonly status: RunStatus;
  readonly detail?: string;
  readonly matched: number;
  readonly totals: ProviderTotals;
  readonly discrepancies: readonly Discrepancy[];
}

/** The CLI's last stdout line and the API's answer. */
export interface DaySummary {
  readonly date: string;
  /** Rows that agree to the fen (payments and refunds). */
  readonly matched: number;
  readonly provider_only: readonly ReconcileItem[];
  readonly terminal_only: readonly ReconcileItem[];
  readonly amount_mismatch: readonly ReconcileItem[];
  readonly refund_mismatch: readonly ReconcileItem[];
  /** `${pid}/${provider}` → totals. */
  readonly totals: Readonly<Record<string, ProviderTotals>>;
  /** `${pid}/${provider}` → how the bill was had; a day not `done` has no lists for that provider. */
  readonly status: Readonly<Record<string, { status: RunStatus; detail?: string }>>;
}

export type DecisionAction = 'book' | 'refund' | 'explain';

/** A discrepancy as recorded: an attention item with its state, who decided and why, and the choices left. */
export interface ReconcileItem extends Discrepancy {
  readonly id: number;
  readonly bill_date: string;
  readonly state: 'open' | 'booked' | 'refunded' | 'explained';
  readonly resolved_by: string | null;
  readonly resolution_note: string | null;
  readonly resolved_at: number | null;
  readonly choices: readonly DecisionAction[];
}

export function emptyTotals(): SideTotals {
  return { payments: 0, payment_fen: 0, refunds: 0, refund_fen: 0 };
}
