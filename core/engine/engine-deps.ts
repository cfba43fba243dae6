/** What the checkout engine is built from: ports only, so tests inject fakes and the service injects adapters. */
import type { ProviderName, Wallet } from '../common/contract/views.ts';
import type { CallbackProgress } from '../domain/order.ts';
import type { PollPolicy } from '../domain/poll-policy.ts';
import type { Clock } from '../ports/clock.ts';
import type { Journal } from '../ports/journal.ts';
import type { PaymentGateway } from '../ports/payment-gateway.ts';

/** One merchant (vk-uni-pay `pid`): its gateways and their timing policies. */
export interface MerchantGateways {
  readonly pid: string;
  readonly gateways: readonly PaymentGateway[];
  readonly policies: Readonly<Record<ProviderName, PollPolicy>>;
  readonly storeId?: string;
  readonly terminalId?: string;
}

export interface MerchantDirectory {
  readonly defaultPid: string;
  get(pid: string): MerchantGateways | undefined;
  all(): readonly MerchantGateways[];
}

export interface PaidCallbackContext {
  readonly out_trade_no: string;
  readonly paid_out_trade_no: string;
  readonly transaction_id: string | null;
  readonly total_fee: number;
  readonly type: string;
  readonly custom: unknown;
  readonly pid: string;
  readonly wallet: Wallet | null;
  /** How we learned of the payment: a provider notify, or our own charge reply / query ("active callback"). */
  readonly source: 'notify' | 'query';
  /**
   * True when an earlier run of this callback was cut off by a crash or power cut after it started:
   * it may or may not have done its work. A handler whose work must not happen twice (a motor)
   * answers `{ held }` instead of repeating it (core/service/paid-actions).
   */
  readonly interrupted?: boolean;
}

/**
 * A handler's answer: true/false becomes user_order_success; `{ held }` says "not run, and not to be
 * run again by itself: a person decides" (the reason is kept as the callback's last_error).
 */
export type PaidCallbackResult = boolean | { readonly held: string };

/**
 * What the runner tells a handler about this run beyond the order (never sent to a receiver), and
 * where the handler records the steps it finished.
 */
export interface PaidCallbackRun {
  /** Steps an earlier run of this callback recorded as done (journaled; survives a restart). */
  readonly progress: CallbackProgress;
  /**
   * Records a finished step. Kept with the callback's next row (the retry's or the end's), in the
   * same write: a handler that throws after a step has it skipped at the retry, also after a restart.
   */
  readonly recordStep: (step: string, result: boolean) => void;
  /** A supervisor ordered this run after it was held (core/engine/held-paid-actions.ts run_again). */
  readonly runByPerson: boolean;
}

/** vk-uni-pay style: one handler per order `type`. Must be idempotent by out_trade_no, or hold an interrupted run. */
export type PaidCallback = (
  context: PaidCallbackContext,
  run?: PaidCallbackRun,
) => PaidCallbackResult | Promise<PaidCallbackResult>;

/** A type's price floor: the fen, and the setting it comes from (for the refusal's message). */
export interface PaidActionFloorRule {
  readonly fen: number;
  readonly source: string;
}

export interface EngineLogger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
}

export interface EngineDeps {
  readonly journal: Journal;
  readonly clock: Clock;
  readonly merchants: MerchantDirectory;
  readonly callbacks?: Readonly<Record<string, PaidCallback>>;
  /**
   * The lowest total_fee (fen) of a new order of this type, because paying it runs a paid action
   * priced at that (core/service/paid-actions/price-floors.ts); null: none. Checked before anything
   * is journaled; the handler checks it again when it would run.
   */
  readonly paidActionFloor?: (type: string) => PaidActionFloorRule | null;
  readonly logger?: EngineLogger;
  /** Prefix of generated order numbers (terminal id), ≤ 8 characters. */
  readonly orderPrefix?: string;
  /** Window in which the same payment code is refused for a second charge (default 60 s). */
  readonly sameCodeWindowMs?: number;
  /** How often a throwing paid callback is run in all (default CALLBACK_RETRY.maxRuns, core/domain/timing.ts). */
  readonly callbackMaxRuns?: number;
  /** [0, 1) like Math.random (the default): the jitter of retry back-offs. Tests pass their own. */
  readonly random?: () => number;
  /**
   * Fit the poll schedule of new charges to this terminal's customers from its journal
   * (./poll-tuner.ts; default true). Merchants with a configured schedule keep theirs.
   */
  readonly learnPolling?: boolean;
}
