/** What the checkout engine is built from: ports only, so tests inject fakes and the service injects adapters. */
import type { ProviderName, Wallet } from '../common/contract/views.ts';
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
}

/** vk-uni-pay style: one handler per order `type`; the boolean becomes user_order_success. Must be idempotent by out_trade_no. */
export type PaidCallback = (context: PaidCallbackContext) => boolean | Promise<boolean>;

export interface EngineLogger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
}

export interface EngineDeps {
  readonly journal: Journal;
  readonly clock: Clock;
  readonly merchants: MerchantDirectory;
  readonly callbacks?: Readonly<Record<string, PaidCallback>>;
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
