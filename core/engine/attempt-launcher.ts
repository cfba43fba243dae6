/**
 * Starting attempts: a charge with a payment code (micropay) or a QR the customer scans. Both
 * share their steps: find or validate the order, check it may be charged, journal the attempt (the
 * charge's intent) with the order, start driving it and answer with the provider's first reply.
 * Everything is validated before the first write.
 */
import { createHash } from 'node:crypto';
import type { ProviderName, Wallet } from '../common/contract/views.ts';
import {
  ConflictError,
  NotFoundError,
  RecognitionError,
  UnavailableError,
  ValidationError,
} from '../common/errors.ts';
import { isClosedStatus, isPaidStatus } from '../common/order-status.ts';
import { classifyPaymentCode, type RecognisedCode } from '../common/recognition/classify-payment-code.ts';
import { type AttemptState, isUnresolved, submittedAttempt } from '../domain/attempt-state.ts';
import { attemptOutTradeNo, type OrderRecord } from '../domain/order.ts';
import { type PollPolicy, scheduleSpanMs } from '../domain/poll-policy.ts';
import type { Clock } from '../ports/clock.ts';
import type { Journal } from '../ports/journal.ts';
import type { PaymentGateway } from '../ports/payment-gateway.ts';
import type { AttemptDriver } from './attempt-driver.ts';
import type { MerchantDirectory, MerchantGateways, PaidActionFloorRule } from './engine-deps.ts';
import type { ChargeInput } from './gateway-call.ts';
import {
  assertOrderNoFree,
  generateOrderNo,
  type NewOrderInput,
  newOrderRecord,
  validateNewOrder,
} from './order-input.ts';

export interface PayInput extends NewOrderInput {
  /** The customer's payment code: as typed or sent (classified here), or already recognised by the till. */
  readonly auth_code: string | RecognisedCode;
  /** Force a provider (else the merchant's gateway for the code's wallet). */
  readonly provider?: ProviderName;
}

export interface QrInput extends NewOrderInput {
  readonly provider?: ProviderName;
}

/** The gateway an attempt is charged through and its timing. */
export interface Route {
  readonly gateway: PaymentGateway;
  readonly policy: PollPolicy;
}

export interface LauncherDeps {
  readonly journal: Journal;
  readonly clock: Clock;
  readonly merchants: MerchantDirectory;
  readonly driver: AttemptDriver;
  readonly orderPrefix: string;
  /** Window in which the same payment code is refused for a second charge. */
  readonly sameCodeWindowMs: number;
  readonly isAccepting: () => boolean;
  /** The poll policy of a new charge (the configured one, or the schedule learned for it: ./poll-tuner.ts). */
  readonly policyFor: (merchant: MerchantGateways, provider: ProviderName) => PollPolicy;
  readonly emitOrder: (orderNo: string) => void;
  /** EngineDeps.paidActionFloor: refuses a new order priced below its paid action's floor. */
  readonly paidActionFloor?: (type: string) => PaidActionFloorRule | null;
}

export class AttemptLauncher {
  private readonly deps: LauncherDeps;

  constructor(deps: LauncherDeps) {
    this.deps = deps;
  }

  /** Creates an order without charging it (cashier sale awaiting a scan, cash sale). Validates first, writes once. */
  createOrder(
    input: NewOrderInput,
    tender: OrderRecord['tender'] = null,
    status: OrderRecord['status'] = 0,
  ): OrderRecord {
    // An order created paid (a cash sale) owes no paid callback: its price runs no action.
    const floor = status === 1 ? undefined : this.deps.paidActionFloor;
    const merchant = validateNewOrder(input, this.deps.merchants, floor);
    const now = this.deps.clock.now();
    const orderNo = input.out_trade_no ?? this.freeOrderNo(now);
    assertOrderNoFree(this.deps.journal, orderNo);
    const order = newOrderRecord(input, orderNo, merchant.pid, now, tender, status);
    this.deps.journal.insertOrder(order);
    this.deps.emitOrder(orderNo);
    return order;
  }

  /**
   * Charge a payment code. Everything is validated before the first write. Resolves with the
   * attempt after the provider's first reply (paid, failed, or polling); `waitForAttempt` gives the end.
   */
  async pay(input: PayInput): Promise<AttemptState> {
    this.assertAccepting();
    const { wallet, authCode } = recognised(input.auth_code);
    const { existing, merchant } = this.orderTarget(input);
    const { gateway, policy } = this.gatewayFor(merchant, wallet, input.provider);
    const now = this.deps.clock.now();
    const authCodeHash = hashCode(authCode);
    const reused = this.deps.journal.attemptWithCodeSince(authCodeHash, now - this.deps.sameCodeWindowMs);
    if (reused) {
      throw new ConflictError(
        'auth_code_reused',
        'this payment code was just used: ask the customer to refresh it',
        { out_trade_no: reused.orderNo },
      );
    }
    const order = this.orderToCharge(existing, input, merchant, now);
    if (order.totalFee !== input.total_fee && input.total_fee !== undefined) {
      const field = { field: 'total_fee' };
      throw new ValidationError(
        'amount_mismatch',
        `order ${order.orderNo} is for ${order.totalFee} fen`,
        field,
      );
    }
    const attempt = {
      ...this.newAttempt(order, gateway.provider, wallet, 'micropay', now, now + scheduleSpanMs(policy)),
      authCodeTail: authCode.slice(-4),
    };
    return this.launch(
      order,
      attempt,
      authCodeHash,
      { gateway, policy },
      {
        authCode,
        subject: order.subject,
        ...(order.other ? { other: order.other } : {}),
        ...(order.timeExpire ? { timeExpire: order.timeExpire } : {}),
        ...(merchant.storeId ? { storeId: merchant.storeId } : {}),
        ...(merchant.terminalId ? { terminalId: merchant.terminalId } : {}),
        ...(order.cashier ? { operatorId: order.cashier } : {}),
      },
    );
  }

  /** QR mode (IoT): pre-create an order the customer scans; polled until paid or expired, then closed. */
  async startQr(input: QrInput): Promise<AttemptState> {
    this.assertAccepting();
    const { existing, merchant } = this.orderTarget(input);
    const provider = input.provider ?? merchant.gateways[0]?.provider;
    const gateway = merchant.gateways.find((g) => g.provider === provider);
    if (!gateway || !provider)
      throw new UnavailableError(
        'provider_not_configured',
        `no ${provider ?? ''} gateway for merchant ${merchant.pid}`,
      );
    const policy = merchant.policies[provider];
    const now = this.deps.clock.now();
    const order = this.orderToCharge(existing, input, merchant, now);
    const wallet: Wallet = gateway.qrWallet;
    const deadline = input.time_expire ?? order.timeExpire ?? now + policy.qrTtlMs;
    const attempt = this.newAttempt(order, provider, wallet, 'qr', now, deadline);
    return this.launch(
      order,
      attempt,
      null,
      { gateway, policy },
      {
        subject: order.subject,
        ...(order.other ? { other: order.other } : {}),
      },
    );
  }

  /** The order a charge is for (when it exists already) and its merchant; validates a new order. */
  private orderTarget(input: NewOrderInput): {
    existing: OrderRecord | undefined;
    merchant: MerchantGateways;
  } {
    const existing = input.out_trade_no ? this.deps.journal.getOrder(input.out_trade_no) : undefined;
    const merchant = existing
      ? this.requireMerchant(existing.pid)
      : validateNewOrder(input, this.deps.merchants, this.deps.paidActionFloor);
    return { existing, merchant };
  }

  /** The existing order if it may be charged now, or the record of the new one (written with the attempt). */
  private orderToCharge(
    existing: OrderRecord | undefined,
    input: NewOrderInput,
    merchant: MerchantGateways,
    now: number,
  ): OrderRecord {
    if (existing) {
      this.assertChargeable(existing);
      return existing;
    }
    return newOrderRecord(input, input.out_trade_no ?? this.freeOrderNo(now), merchant.pid, now, null, 0);
  }

  /** Journals the attempt (the charge's intent), starts driving it and resolves at its first reply. */
  private async launch(
    order: OrderRecord,
    attempt: AttemptState,
    authCodeHash: string | null,
    route: Route,
    chargeInput: ChargeInput,
  ): Promise<AttemptState> {
    this.deps.journal.createAttempt(order, attempt, authCodeHash, attempt.createdAt);
    const live = this.deps.driver.start(attempt, route.gateway, route.policy, chargeInput);
    this.deps.emitOrder(order.orderNo);
    // The caller sees the first reply (or the attempt still charging if the provider is slow).
    return this.deps.driver.firstReply(live);
  }

  /** A generated order number nobody holds yet (a collision must never attach a payment to another order). */
  private freeOrderNo(now: number): string {
    for (let tries = 0; tries < 20; tries++) {
      const candidate = generateOrderNo(this.deps.orderPrefix, now);
      if (!this.deps.journal.getOrder(candidate)) return candidate;
    }
    throw new ConflictError('order_no_exhausted', 'could not generate a free order number');
  }

  private newAttempt(
    order: OrderRecord,
    provider: ProviderName,
    wallet: Wallet,
    mode: AttemptState['mode'],
    now: number,
    deadlineAt: number | null,
  ): AttemptState {
    const attemptIndex = this.deps.journal.attemptsOf(order.orderNo).length + 1;
    return submittedAttempt(
      {
        outTradeNo: attemptOutTradeNo(order.orderNo, attemptIndex),
        orderNo: order.orderNo,
        attemptIndex,
        pid: order.pid,
        provider,
        wallet,
        mode,
        totalFee: order.totalFee,
        deadlineAt,
      },
      now,
    );
  }

  private assertAccepting(): void {
    if (!this.deps.isAccepting())
      throw new UnavailableError('shutting_down', 'the terminal is shutting down: no new payments');
  }

  private assertChargeable(order: OrderRecord): void {
    if (isPaidStatus(order.status)) {
      throw new ConflictError('order_already_paid', `order ${order.orderNo} is already paid`, {
        out_trade_no: order.orderNo,
      });
    }
    if (isClosedStatus(order.status))
      throw new ConflictError('order_closed', `order ${order.orderNo} is closed`, {
        out_trade_no: order.orderNo,
      });
    const unresolved = this.deps.journal.attemptsOf(order.orderNo).find(isUnresolved);
    if (unresolved || this.deps.driver.hasOrder(order.orderNo)) {
      throw new ConflictError(
        'attempt_unresolved',
        `order ${order.orderNo} has a payment attempt that is not resolved yet: wait for it to end`,
        { out_trade_no: order.orderNo },
      );
    }
  }

  requireMerchant(pid: string): MerchantGateways {
    const merchant = this.deps.merchants.get(pid);
    if (!merchant) throw new NotFoundError('merchant_unknown', `no merchant is configured with pid "${pid}"`);
    return merchant;
  }

  private gatewayFor(merchant: MerchantGateways, wallet: Wallet, provider?: ProviderName): Route {
    const gateway = merchant.gateways.find(
      (g) => g.wallets.includes(wallet) && (provider === undefined || g.provider === provider),
    );
    if (!gateway) {
      throw new RecognitionError(
        'wallet_not_supported',
        `${wallet === 'wxpay' ? 'WeChat Pay' : 'Alipay'} is not set up for merchant ${merchant.pid}`,
      );
    }
    return { gateway, policy: this.deps.policyFor(merchant, gateway.provider) };
  }
}

/** The till passes the code it recognised; anything else (the local API) is classified here, once. */
function recognised(code: string | RecognisedCode): RecognisedCode {
  if (typeof code !== 'string') return code;
  const classification = classifyPaymentCode(code);
  if (!classification.ok) throw new RecognitionError(classification.error.code, classification.error.message);
  return classification;
}

function hashCode(authCode: string): string {
  return createHash('sha256').update(`scanpay:${authCode}`).digest('hex').slice(0, 32);
}
