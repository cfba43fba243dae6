/**
 * One attempt to take money for an order: one provider out_trade_no, one payment code (or one QR).
 * Plain data, persisted as a snapshot after every journaled outcome.
 */
import {
  type AttemptMode,
  type AttemptPhase,
  type FailureView,
  FINAL_PHASES,
  type ProblemView,
  type ProviderName,
  type Wallet,
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
  /**
   * The provider's own order number from a charge or pre-create reply, when the provider finds orders
   * by it rather than by out_trade_no (PAYJS payjs_order_id). Optional: snapshots journaled before it
   * existed load without it.
   */
  readonly providerOrderId?: string;
  readonly paidFee: number | null;
  readonly paidAt: number | null;
  readonly qrCode: string | null;
  readonly reverseAction: 'close' | 'refund' | null;
  readonly failure: FailureView | null;
  readonly attention: ProblemView | null;
  /**
   * The phase an attempt stood in when it was parked as needs_attention because its merchant was no
   * longer configured (MERCHANT_NOT_CONFIGURED); it resumes there when the merchant is back.
   * Optional: only parked attempts carry it.
   */
  readonly parkedPhase?: AttemptPhase;
  /** The last payment code's last 4 digits, for the timeline and support (never the whole code). */
  readonly authCodeTail: string | null;
}

const FINAL: ReadonlySet<AttemptPhase> = new Set(FINAL_PHASES);

/** Attention reason: the attempt's merchant or gateway is no longer in the configuration. */
export const MERCHANT_NOT_CONFIGURED = 'merchant_not_configured';

export function isFinal(state: Pick<AttemptState, 'phase'>): boolean {
  return FINAL.has(state.phase);
}

/** Unresolved = still running or needing a human; a new charge for the order is refused meanwhile. */
export function isUnresolved(state: Pick<AttemptState, 'phase'>): boolean {
  return !isFinal(state);
}

/** Who an attempt is and what it charges: everything a new attempt does not start with as a zero. */
export type AttemptIdentity = Pick<
  AttemptState,
  | 'outTradeNo'
  | 'orderNo'
  | 'attemptIndex'
  | 'pid'
  | 'provider'
  | 'wallet'
  | 'mode'
  | 'totalFee'
  | 'deadlineAt'
>;

/** A new attempt, about to be charged: phase `submitted`, no counts, no outcome yet. */
export function submittedAttempt(identity: AttemptIdentity, now: number): AttemptState {
  return {
    ...identity,
    phase: 'submitted',
    createdAt: now,
    updatedAt: now,
    chargedAt: now,
    nextActionAt: 0,
    queryCount: 0,
    reverseCount: 0,
    unknownCount: 0,
    closeCount: 0,
    awaitingConfirm: false,
    confirmCount: 0,
    stopRequested: false,
    transactionId: null,
    paidFee: null,
    paidAt: null,
    qrCode: null,
    reverseAction: null,
    failure: null,
    attention: null,
    authCodeTail: null,
  };
}
