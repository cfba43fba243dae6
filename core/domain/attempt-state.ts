/**
 * One attempt to take money for an order: one provider out_trade_no, one payment code (or one QR).
 * Plain data, persisted as a snapshot after every journaled outcome.
 */
import type {
  AttemptMode,
  AttemptPhase,
  ProblemView,
  ProviderName,
  Wallet,
} from '../common/contract/views.ts';

export interface AttemptState {
  readonly outTradeNo: string;
  readonly orderNo: string;
  readonly attemptIndex: number;
  readonly pid: string;
  readonly provider: ProviderName;
  readonly wallet: Wallet;
  readonly mode: AttemptMode;
  readonly phase: AttemptPhase;
  readonly totalFee: number;
  readonly createdAt: number;
  readonly updatedAt: number;
  /** When the charge (micropay / precreate) was sent: reversal timing counts from here. */
  readonly chargedAt: number;
  /** Earliest time of the next provider call; 0 = now. */
  readonly nextActionAt: number;
  /** micropay: when polling gives way to reversal; qr: when the QR stops being payable. */
  readonly deadlineAt: number | null;
  readonly queryCount: number;
  readonly reverseCount: number;
  /** Consecutive unknown replies in the current phase (bounded back-off). */
  readonly unknownCount: number;
  readonly closeCount: number;
  /** The provider said reversed/closed; a query must confirm it. */
  readonly awaitingConfirm: boolean;
  readonly confirmCount: number;
  readonly stopRequested: boolean;
  readonly transactionId: string | null;
  readonly paidFee: number | null;
  readonly paidAt: number | null;
  readonly qrCode: string | null;
  readonly reverseAction: 'close' | 'refund' | null;
  readonly failure: ProblemView | null;
  readonly attention: ProblemView | null;
  /** The last payment code's last 4 digits, for the timeline and support (never the whole code). */
  readonly authCodeTail: string | null;
}

const TERMINAL_PHASES: ReadonlySet<AttemptPhase> = new Set(['paid', 'failed', 'reversed', 'closed']);

export function isFinal(state: Pick<AttemptState, 'phase'>): boolean {
  return TERMINAL_PHASES.has(state.phase);
}

/** Unresolved = still running or needing a human; a new charge for the order is refused meanwhile. */
export function isUnresolved(state: Pick<AttemptState, 'phase'>): boolean {
  return !isFinal(state);
}
