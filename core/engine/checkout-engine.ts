/**
 * The checkout engine: takes an order and a payment code (or a QR request), and drives each
 * attempt to PAID, FAILED, REVERSED or CLOSED at the provider, through lost replies and crashes.
 *
 * - The pure machine (domain/attempt-machine.ts) decides; this driver only journals, calls the
 *   gateway and sleeps on the injected clock.
 * - Intent before every provider call, outcome after it (the charge's intent is the attempt row
 *   itself), so `recover()` can resume every unresolved attempt after a crash or power cut.
 * - Single flight: one live attempt per order; one driver loop per attempt; the same payment code
 *   is never charged twice within the configured window.
 */
import { createHash } from 'node:crypto';
import type {
  AttemptView,
  OrderDetailView,
  OrderView,
  ProviderName,
  Wallet,
} from '../common/contract/views.ts';
import {
  ConflictError,
  NotFoundError,
  RecognitionError,
  UnavailableError,
  ValidationError,
} from '../common/errors.ts';
import { classifyPaymentCode } from '../common/recognition/classify-payment-code.ts';
import type { AttemptEvent, ProviderCall } from '../domain/attempt-events.ts';
import { apply, decide } from '../domain/attempt-machine.ts';
import { type AttemptState, isFinal, isUnresolved, submittedAttempt } from '../domain/attempt-state.ts';
import { attemptOutTradeNo, type CallbackRecord, type OrderRecord } from '../domain/order.ts';
import { type PollPolicy, scheduleSpanMs } from '../domain/poll-policy.ts';
import type { Clock } from '../ports/clock.ts';
import type { Journal, OrderFilter, OrderPatch } from '../ports/journal.ts';
import type { PaymentGateway, PaymentOutcome } from '../ports/payment-gateway.ts';
import { CallbackRunner } from './callback-runner.ts';
import type {
  EngineDeps,
  EngineLogger,
  MerchantDirectory,
  MerchantGateways,
  PaidCallbackContext,
} from './engine-deps.ts';
import { type ChargeInput, callGateway, summarise } from './gateway-call.ts';
import { assertOrderNoFree, generateOrderNo, type NewOrderInput, validateNewOrder } from './order-input.ts';
import { RefundService } from './refund-service.ts';
import { attemptView, orderView } from './views.ts';

/** Hard cap on driver iterations per run: every loop in the engine is bounded. */
const MAX_STEPS_PER_RUN = 500;

interface LiveAttempt {
  state: AttemptState;
  wake: AbortController;
  readonly done: Promise<AttemptState>;
  chargeInput: ChargeInput | undefined;
}

export interface PayInput extends NewOrderInput {
  readonly auth_code: string;
  /** Force a provider (else the merchant's gateway for the code's wallet). */
  readonly provider?: ProviderName;
}

export interface QrInput extends NewOrderInput {
  readonly provider?: ProviderName;
}

export interface RecoveryReport {
  readonly attempts: number;
  readonly refunds: number;
  readonly callbacks: number;
}

export interface QueryPaymentInput {
  readonly out_trade_no: string;
  readonly await_notify?: boolean;
  /** seconds, 5–40 (vk-uni-pay). */
  readonly await_max_time?: number;
  readonly pay_order_info?: boolean;
}

export class CheckoutEngine {
  readonly journal: Journal;
  readonly clock: Clock;
  readonly merchants: MerchantDirectory;
  readonly refunds: RefundService;
  private readonly logger: EngineLogger;
  private readonly live = new Map<string, LiveAttempt>();
  private readonly liveByOrder = new Map<string, string>();
  private readonly attemptListeners = new Set<(attempt: AttemptView) => void>();
  private readonly orderListeners = new Set<(order: OrderView) => void>();
  private readonly callbacks: CallbackRunner;
  private readonly orderPrefix: string;
  private readonly sameCodeWindowMs: number;
  private accepting = true;

  constructor(deps: EngineDeps) {
    this.journal = deps.journal;
    this.clock = deps.clock;
    this.merchants = deps.merchants;
    this.logger = deps.logger ?? { info: () => {}, warn: () => {} };
    this.orderPrefix = deps.orderPrefix ?? 'SP';
    this.sameCodeWindowMs = deps.sameCodeWindowMs ?? 60_000;
    this.callbacks = new CallbackRunner(
      this.journal,
      this.clock,
      deps.callbacks ?? {},
      this.logger,
      deps.callbackMaxRuns ?? 8,
      (orderNo, source) => this.callbackContext(orderNo, source),
    );
    this.callbacks.onSettled((orderNo) => this.emitOrder(orderNo));
    this.refunds = new RefundService(this.journal, this.clock, this.merchants, (orderNo) =>
      this.emitOrder(orderNo),
    );
  }

  // ── events ────────────────────────────────────────────────────────────────────────────────

  onAttempt(listener: (attempt: AttemptView) => void): () => void {
    this.attemptListeners.add(listener);
    return () => this.attemptListeners.delete(listener);
  }

  onOrder(listener: (order: OrderView) => void): () => void {
    this.orderListeners.add(listener);
    return () => this.orderListeners.delete(listener);
  }

  private emitAttempt(state: AttemptState): void {
    const view = attemptView(state);
    for (const listener of this.attemptListeners) listener(view);
  }

  private emitOrder(orderNo: string): void {
    if (this.orderListeners.size === 0) return;
    const view = this.orderView(orderNo);
    if (!view) return;
    for (const listener of this.orderListeners) listener(view);
  }

  // ── starting attempts ─────────────────────────────────────────────────────────────────────

  /** Creates an order without charging it (cashier sale awaiting a scan, cash sale). Validates first, writes once. */
  createOrder(
    input: NewOrderInput,
    tender: OrderRecord['tender'] = null,
    status: OrderRecord['status'] = 0,
  ): OrderRecord {
    const merchant = validateNewOrder(input, this.merchants);
    const now = this.clock.now();
    const orderNo = input.out_trade_no ?? this.freeOrderNo(now);
    assertOrderNoFree(this.journal, orderNo);
    const order = newOrderRecord(input, orderNo, merchant.pid, now, tender, status);
    this.journal.insertOrder(order);
    this.emitOrder(orderNo);
    return order;
  }

  /**
   * Charge a payment code. Everything is validated before the first write. Resolves with the
   * attempt after the provider's first reply (paid, failed, or polling); `waitForAttempt` gives the end.
   */
  async pay(input: PayInput): Promise<AttemptState> {
    this.assertAccepting();
    const classification = classifyPaymentCode(input.auth_code);
    if (!classification.ok) {
      throw new RecognitionError(classification.error.code, classification.error.message);
    }
    const { wallet, authCode } = classification;
    const existing = input.out_trade_no ? this.journal.getOrder(input.out_trade_no) : undefined;
    const merchant = existing ? this.requireMerchant(existing.pid) : validateNewOrder(input, this.merchants);
    const { gateway, policy } = this.gatewayFor(merchant, wallet, input.provider);
    const now = this.clock.now();
    const authCodeHash = hashCode(authCode);
    const reused = this.journal.attemptWithCodeSince(authCodeHash, now - this.sameCodeWindowMs);
    if (reused) {
      throw new ConflictError(
        'auth_code_reused',
        'this payment code was just used: ask the customer to refresh it',
        { out_trade_no: reused.orderNo },
      );
    }

    let order: OrderRecord;
    if (existing) {
      this.assertChargeable(existing);
      if (existing.totalFee !== input.total_fee && input.total_fee !== undefined) {
        throw new ValidationError(
          'amount_mismatch',
          `order ${existing.orderNo} is for ${existing.totalFee} fen`,
          { field: 'total_fee' },
        );
      }
      order = existing;
    } else {
      const orderNo = input.out_trade_no ?? this.freeOrderNo(now);
      order = newOrderRecord(input, orderNo, merchant.pid, now, null, 0);
    }
    const attempt = this.newAttempt(
      order,
      gateway.provider,
      wallet,
      'micropay',
      now,
      now + scheduleSpanMs(policy),
    );
    this.journal.createAttempt(order, { ...attempt, authCodeTail: authCode.slice(-4) }, authCodeHash, now);
    const chargeInput: ChargeInput = {
      authCode,
      subject: order.subject,
      ...(order.other ? { other: order.other } : {}),
      ...(order.timeExpire ? { timeExpire: order.timeExpire } : {}),
      ...(merchant.storeId ? { storeId: merchant.storeId } : {}),
      ...(merchant.terminalId ? { terminalId: merchant.terminalId } : {}),
      ...(order.cashier ? { operatorId: order.cashier } : {}),
    };
    const live = this.startDriving(
      { ...attempt, authCodeTail: authCode.slice(-4) },
      gateway,
      policy,
      chargeInput,
    );
    this.emitOrder(order.orderNo);
    // The caller sees the first reply (or the attempt still charging if the provider is slow).
    await Promise.race([live.done, this.firstChange(attempt.outTradeNo)]);
    return this.live.get(attempt.outTradeNo)?.state ?? this.journal.getAttempt(attempt.outTradeNo)!;
  }

  /** QR mode (IoT): pre-create an order the customer scans; polled until paid or expired, then closed. */
  async startQr(input: QrInput): Promise<AttemptState> {
    this.assertAccepting();
    const existing = input.out_trade_no ? this.journal.getOrder(input.out_trade_no) : undefined;
    const merchant = existing ? this.requireMerchant(existing.pid) : validateNewOrder(input, this.merchants);
    const provider = input.provider ?? merchant.gateways[0]?.provider;
    const gateway = merchant.gateways.find((g) => g.provider === provider);
    if (!gateway || !provider)
      throw new UnavailableError(
        'provider_not_configured',
        `no ${provider ?? ''} gateway for merchant ${merchant.pid}`,
      );
    const policy = merchant.policies[provider];
    const now = this.clock.now();
    let order: OrderRecord;
    if (existing) {
      this.assertChargeable(existing);
      order = existing;
    } else {
      order = newOrderRecord(input, input.out_trade_no ?? this.freeOrderNo(now), merchant.pid, now, null, 0);
    }
    const wallet: Wallet = gateway.qrWallet;
    const deadline = input.time_expire ?? order.timeExpire ?? now + policy.qrTtlMs;
    const attempt = this.newAttempt(order, provider, wallet, 'qr', now, deadline);
    this.journal.createAttempt(order, attempt, null, now);
    const live = this.startDriving(attempt, gateway, policy, {
      subject: order.subject,
      ...(order.other ? { other: order.other } : {}),
    });
    this.emitOrder(order.orderNo);
    await Promise.race([live.done, this.firstChange(attempt.outTradeNo)]);
    return this.live.get(attempt.outTradeNo)?.state ?? this.journal.getAttempt(attempt.outTradeNo)!;
  }

  /** A generated order number nobody holds yet (a collision must never attach a payment to another order). */
  private freeOrderNo(now: number): string {
    for (let tries = 0; tries < 20; tries++) {
      const candidate = generateOrderNo(this.orderPrefix, now);
      if (!this.journal.getOrder(candidate)) return candidate;
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
    const attemptIndex = this.journal.attemptsOf(order.orderNo).length + 1;
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
    if (!this.accepting)
      throw new UnavailableError('shutting_down', 'the terminal is shutting down: no new payments');
  }

  private assertChargeable(order: OrderRecord): void {
    if (order.status === 1 || order.status === 2 || order.status === 3) {
      throw new ConflictError('order_already_paid', `order ${order.orderNo} is already paid`, {
        out_trade_no: order.orderNo,
      });
    }
    if (order.status === -1)
      throw new ConflictError('order_closed', `order ${order.orderNo} is closed`, {
        out_trade_no: order.orderNo,
      });
    const unresolved = this.journal.attemptsOf(order.orderNo).find(isUnresolved);
    if (unresolved || this.liveByOrder.has(order.orderNo)) {
      throw new ConflictError(
        'attempt_unresolved',
        `order ${order.orderNo} has a payment attempt that is not resolved yet: wait for it to end`,
        { out_trade_no: order.orderNo },
      );
    }
  }

  private requireMerchant(pid: string): MerchantGateways {
    const merchant = this.merchants.get(pid);
    if (!merchant) throw new NotFoundError('merchant_unknown', `no merchant is configured with pid "${pid}"`);
    return merchant;
  }

  private gatewayFor(
    merchant: MerchantGateways,
    wallet: Wallet,
    provider?: ProviderName,
  ): { gateway: PaymentGateway; policy: PollPolicy } {
    const gateway = merchant.gateways.find(
      (g) => g.wallets.includes(wallet) && (provider === undefined || g.provider === provider),
    );
    if (!gateway) {
      throw new RecognitionError(
        'wallet_not_supported',
        `${wallet === 'wxpay' ? 'WeChat Pay' : 'Alipay'} is not set up for merchant ${merchant.pid}`,
      );
    }
    return { gateway, policy: merchant.policies[gateway.provider] };
  }

  private gatewayOf(state: AttemptState): { gateway: PaymentGateway; policy: PollPolicy } {
    const merchant = this.requireMerchant(state.pid);
    const gateway = merchant.gateways.find((g) => g.provider === state.provider);
    if (!gateway)
      throw new UnavailableError(
        'provider_not_configured',
        `merchant ${state.pid} no longer has a ${state.provider} gateway`,
      );
    return { gateway, policy: merchant.policies[state.provider] };
  }

  // ── the driver ────────────────────────────────────────────────────────────────────────────

  private startDriving(
    state: AttemptState,
    gateway: PaymentGateway,
    policy: PollPolicy,
    chargeInput: ChargeInput | undefined,
  ): LiveAttempt {
    const existing = this.live.get(state.outTradeNo);
    if (existing) return existing;
    const holder = { state, wake: new AbortController(), chargeInput } as LiveAttempt;
    (holder as { done: Promise<AttemptState> }).done = this.drive(holder, gateway, policy)
      .catch((error: unknown) => {
        // A journal failure (disk full, simulated crash): stop driving; recovery resumes from the journal.
        this.logger.warn('attempt driver stopped', {
          out_trade_no: holder.state.outTradeNo,
          error: String(error),
        });
        return holder.state;
      })
      .finally(() => {
        this.live.delete(state.outTradeNo);
        if (this.liveByOrder.get(state.orderNo) === state.outTradeNo) this.liveByOrder.delete(state.orderNo);
        this.notifyChange(state.outTradeNo);
      });
    this.live.set(state.outTradeNo, holder);
    this.liveByOrder.set(state.orderNo, state.outTradeNo);
    return holder;
  }

  private async drive(live: LiveAttempt, gateway: PaymentGateway, policy: PollPolicy): Promise<AttemptState> {
    for (let step = 0; step < MAX_STEPS_PER_RUN; step++) {
      const now = this.clock.now();
      const command = decide(live.state, policy, now);
      if (command.kind === 'done') return live.state;
      if (command.kind === 'wait') {
        if (!this.accepting) return live.state; // shutting down: the journal has everything recovery needs
        await this.clock.sleep(command.until - now, live.wake.signal);
        if (live.wake.signal.aborted) live.wake = new AbortController();
        continue;
      }
      if (!this.accepting && command.kind !== 'charge' && command.kind !== 'precreate') return live.state;
      if (command.kind !== 'charge' && command.kind !== 'precreate') {
        this.journal.recordIntent(live.state.outTradeNo, command.kind, now);
      }
      const event = await callGateway(gateway, command, live.state, live.chargeInput);
      live.chargeInput = undefined;
      this.commit(live, event, policy, command.kind);
    }
    this.logger.warn('attempt driver hit its step cap', { out_trade_no: live.state.outTradeNo });
    return live.state;
  }

  /** Applies an event to the live state, journals the outcome (with the order's new state) and tells listeners. */
  private commit(
    live: LiveAttempt,
    event: AttemptEvent,
    policy: PollPolicy,
    op: ProviderCall | AttemptEvent['kind'],
  ): void {
    const before = live.state;
    const after = apply(before, event, policy, this.clock.now());
    if (after === before) return;
    const becamePaid = after.phase === 'paid' && before.phase !== 'paid';
    const orderPatch: OrderPatch | undefined = becamePaid
      ? {
          status: 1,
          provider: after.provider,
          tender: after.wallet,
          transactionId: after.transactionId,
          paidOutTradeNo: after.outTradeNo,
          paidAt: after.paidAt,
        }
      : undefined;
    const callback: CallbackRecord | undefined = becamePaid
      ? {
          orderNo: after.orderNo,
          state: 'pending',
          source: event.kind === 'notified_paid' ? 'notify' : 'query',
          runs: 0,
          userOrderSuccess: null,
          lastError: null,
          nextRunAt: 0,
          updatedAt: after.updatedAt,
        }
      : undefined;
    this.journal.recordOutcome(after, op, summarise(event), orderPatch, callback);
    live.state = after;
    this.emitAttempt(after);
    this.notifyChange(after.outTradeNo);
    if (becamePaid) this.runCallback(after.orderNo);
    if (becamePaid || isFinal(after) || after.phase === 'needs_attention') this.emitOrder(after.orderNo);
  }

  private runCallback(orderNo: string): void {
    this.callbacks.run(orderNo).catch((error: unknown) => {
      // The journal failed under the callback (disk, crash): the row stays owed and start-up runs it.
      this.logger.warn('paid callback interrupted', { out_trade_no: orderNo, error: String(error) });
    });
  }

  // ── change notification (for awaiting a first reply or a final state) ─────────────────────

  private readonly changeWaiters = new Map<string, Set<() => void>>();

  private firstChange(outTradeNo: string): Promise<void> {
    return new Promise((resolve) => {
      const set = this.changeWaiters.get(outTradeNo) ?? new Set<() => void>();
      this.changeWaiters.set(outTradeNo, set);
      set.add(resolve);
    });
  }

  private notifyChange(outTradeNo: string): void {
    const set = this.changeWaiters.get(outTradeNo);
    if (!set) return;
    this.changeWaiters.delete(outTradeNo);
    for (const resolve of set) resolve();
  }

  /** Resolves when the attempt is final or needs attention (or its driver stopped). */
  async waitForAttempt(outTradeNo: string): Promise<AttemptState> {
    const live = this.live.get(outTradeNo);
    if (live) return live.done;
    const state = this.journal.getAttempt(outTradeNo);
    if (!state) throw new NotFoundError('attempt_not_found', `no attempt ${outTradeNo}`);
    return state;
  }

  /** Resolves when no attempt is being driven and no callback is running. */
  async idle(): Promise<void> {
    while (this.live.size > 0) {
      await Promise.all([...this.live.values()].map((live) => live.done));
    }
    await this.callbacks.idle();
  }

  // ── cashier and provider actions ──────────────────────────────────────────────────────────

  private liveAttemptFor(ref: string): LiveAttempt | undefined {
    const byAttempt = this.live.get(ref);
    if (byAttempt) return byAttempt;
    const order = this.journal.findOrder(ref);
    const outTradeNo = order ? this.liveByOrder.get(order.orderNo) : undefined;
    return outTradeNo ? this.live.get(outTradeNo) : undefined;
  }

  /** The cashier's Stop: the live attempt takes the reversal path at once. */
  stop(ref: string): AttemptState {
    const live = this.liveAttemptFor(ref);
    if (!live) {
      const order = this.requireOrder(ref);
      const unresolved = this.journal.attemptsOf(order.orderNo).find(isUnresolved);
      if (unresolved) return unresolved;
      throw new ConflictError('no_live_attempt', `order ${order.orderNo} has no payment in progress`);
    }
    const { policy } = this.gatewayOf(live.state);
    this.commit(live, { kind: 'stop_requested' }, policy, 'stop_requested');
    live.wake.abort();
    return live.state;
  }

  /** Retry an attempt that needs attention (network back, supervisor asked). */
  retry(ref: string): AttemptState {
    const order = this.requireOrder(ref);
    const stuck = this.journal.attemptsOf(order.orderNo).find((a) => a.phase === 'needs_attention');
    if (!stuck)
      throw new ConflictError('nothing_to_retry', `order ${order.orderNo} has no attempt needing attention`);
    if (this.live.has(stuck.outTradeNo)) return this.live.get(stuck.outTradeNo)!.state;
    const { gateway, policy } = this.gatewayOf(stuck);
    const resumed = apply(stuck, { kind: 'retry_requested' }, policy, this.clock.now());
    this.journal.recordOutcome(resumed, 'retry_requested', 'retry requested');
    this.emitAttempt(resumed);
    return this.startDriving(resumed, gateway, policy, undefined).state;
  }

  /** Attempts needing attention because the provider was unreachable: retried when it is reachable again. */
  retryUnreachable(provider: ProviderName): number {
    let count = 0;
    for (const attempt of this.journal.unresolvedAttempts()) {
      if (
        attempt.phase === 'needs_attention' &&
        attempt.provider === provider &&
        attempt.attention?.code === 'provider_unreachable'
      ) {
        this.retry(attempt.outTradeNo);
        count++;
      }
    }
    return count;
  }

  /** A verified provider notification (QR mode): books the payment unless a reversal is under way. */
  notifyPaid(outTradeNo: string, outcome: Extract<PaymentOutcome, { kind: 'paid' }>): AttemptState {
    const live = this.live.get(outTradeNo);
    if (live) {
      const { policy } = this.gatewayOf(live.state);
      this.commit(live, { kind: 'notified_paid', outcome }, policy, 'notified_paid');
      live.wake.abort();
      return live.state;
    }
    const state = this.journal.getAttempt(outTradeNo);
    if (!state) throw new NotFoundError('attempt_not_found', `no attempt ${outTradeNo}`);
    return state;
  }

  /** vk-uni-pay closeOrder: stop a live attempt (reverse/close at the provider) or close an unpaid order with none. */
  closeOrder(ref: string): OrderView {
    const order = this.requireOrder(ref);
    if (order.status === 1 || order.status === 2 || order.status === 3) {
      throw new ConflictError('order_already_paid', `order ${order.orderNo} is paid: refund it instead`);
    }
    if (this.liveByOrder.has(order.orderNo)) {
      this.stop(order.orderNo);
    } else if (!this.journal.attemptsOf(order.orderNo).some((a) => a.phase === 'needs_attention')) {
      this.journal.patchOrder(order.orderNo, { status: -1 }, this.clock.now());
    }
    this.emitOrder(order.orderNo);
    return this.orderView(order.orderNo)!;
  }

  // ── recovery ──────────────────────────────────────────────────────────────────────────────

  /**
   * Start-up: resume every unresolved attempt from the journal. An attempt still `submitted` may
   * or may not have reached the provider (the crash came between the intent and the reply), so its
   * charge counts as unknown: query, then paid or reverse. Owed refunds and callbacks resume too.
   */
  recover(): RecoveryReport {
    let attempts = 0;
    for (const state of this.journal.unresolvedAttempts()) {
      if (this.live.has(state.outTradeNo)) continue;
      if (state.phase === 'needs_attention') continue; // waits for a human or the network (retryUnreachable)
      const { gateway, policy } = this.gatewayOf(state);
      // Without the payment code (never stored) a `submitted` attempt's charge replays as "unknown": query, then decide.
      this.startDriving(state, gateway, policy, undefined);
      attempts++;
    }
    const refunds = this.refunds.resumePending();
    const owed = this.journal.owedCallbacks();
    for (const callback of owed) this.runCallback(callback.orderNo);
    this.logger.info('recovery started', { attempts, refunds, callbacks: owed.length });
    return { attempts, refunds, callbacks: owed.length };
  }

  /** Graceful shutdown: no new attempts; waiting loops return (their state is journaled); in-flight calls finish. */
  async shutdown(): Promise<void> {
    this.accepting = false;
    this.callbacks.stop();
    for (const live of this.live.values()) live.wake.abort();
    this.refunds.stop();
    await Promise.all([...this.live.values()].map((live) => live.done));
    await this.refunds.idle();
  }

  get isAccepting(): boolean {
    return this.accepting;
  }

  /** True while a charge or its resolution is under way (auto-update must wait). */
  hasLiveAttempts(): boolean {
    return this.live.size > 0;
  }

  // ── queries ───────────────────────────────────────────────────────────────────────────────

  requireOrder(ref: string): OrderRecord {
    const order = this.journal.findOrder(ref);
    if (!order) throw new NotFoundError('order_not_found', `no order ${ref}`, { out_trade_no: ref });
    return order;
  }

  orderView(ref: string): OrderView | undefined {
    const order = this.journal.findOrder(ref);
    if (!order) return undefined;
    return orderView(
      order,
      this.attemptsWithLiveState(order.orderNo),
      this.journal.refundsOf(order.orderNo),
      this.journal.getCallback(order.orderNo),
    );
  }

  orderDetail(ref: string): OrderDetailView {
    const order = this.requireOrder(ref);
    const attempts = this.attemptsWithLiveState(order.orderNo);
    return {
      ...orderView(
        order,
        attempts,
        this.journal.refundsOf(order.orderNo),
        this.journal.getCallback(order.orderNo),
      ),
      attempts: attempts.map(attemptView),
      timeline: this.journal.timeline(order.orderNo),
    };
  }

  private attemptsWithLiveState(orderNo: string): AttemptState[] {
    return this.journal.attemptsOf(orderNo).map((a) => this.live.get(a.outTradeNo)?.state ?? a);
  }

  listOrders(filter: OrderFilter): { orders: OrderView[]; total: number } {
    const { orders, total } = this.journal.listOrders(filter);
    return {
      orders: orders.map((o) =>
        orderView(
          o,
          this.attemptsWithLiveState(o.orderNo),
          this.journal.refundsOf(o.orderNo),
          this.journal.getCallback(o.orderNo),
        ),
      ),
      total,
    };
  }

  unresolved(): AttemptView[] {
    return this.journal.unresolvedAttempts().map((a) => attemptView(this.live.get(a.outTradeNo)?.state ?? a));
  }

  /** vk-uni-pay queryPayment: optionally waits (bounded) until the paid callback has run. */
  async queryPayment(input: QueryPaymentInput): Promise<{
    orderPaid: boolean;
    user_order_success: boolean | null;
    out_trade_no: string;
    transaction_id: string | null;
    status: OrderRecord['status'];
    payOrder?: OrderView;
    message: string;
  }> {
    const order = this.requireOrder(input.out_trade_no);
    if (input.await_notify) {
      const maxSeconds = Math.min(40, Math.max(5, input.await_max_time ?? 20));
      const deadline = this.clock.now() + maxSeconds * 1000;
      const abort = new AbortController();
      const unsubscribe = this.onOrder((view) => {
        if (view.out_trade_no === order.orderNo && view.callback?.state === 'done') abort.abort();
      });
      const attemptUnsubscribe = this.onAttempt((view) => {
        if (
          view.order_no === order.orderNo &&
          (view.phase === 'failed' || view.phase === 'reversed' || view.phase === 'closed')
        )
          abort.abort();
      });
      try {
        while (this.clock.now() < deadline && !abort.signal.aborted) {
          const callback = this.journal.getCallback(order.orderNo);
          if (callback?.state === 'done') break;
          const current = this.journal.getOrder(order.orderNo)!;
          const unresolved = this.liveByOrder.has(order.orderNo);
          if (current.status !== 0 && !callback) break;
          if (current.status === 0 && !unresolved) break;
          await this.clock.sleep(Math.min(500, deadline - this.clock.now()), abort.signal);
        }
      } finally {
        unsubscribe();
        attemptUnsubscribe();
      }
    }
    const current = this.journal.getOrder(order.orderNo)!;
    const callback = this.journal.getCallback(order.orderNo);
    const paid = current.status === 1 || current.status === 2 || current.status === 3;
    const view = input.pay_order_info ? this.orderView(order.orderNo) : undefined;
    return {
      orderPaid: paid,
      user_order_success: callback?.userOrderSuccess ?? null,
      out_trade_no: current.orderNo,
      transaction_id: current.transactionId,
      status: current.status,
      ...(view ? { payOrder: view } : {}),
      message: paid ? 'paid' : current.status === -1 ? 'closed' : 'not paid',
    };
  }

  private callbackContext(
    orderNo: string,
    source: CallbackRecord['source'],
  ): PaidCallbackContext | undefined {
    const order = this.journal.getOrder(orderNo);
    if (!order || order.paidOutTradeNo === null) return undefined;
    return {
      out_trade_no: order.orderNo,
      paid_out_trade_no: order.paidOutTradeNo,
      transaction_id: order.transactionId,
      total_fee: order.totalFee,
      type: order.type,
      custom: order.custom,
      pid: order.pid,
      wallet: order.tender === 'cash' ? null : order.tender,
      source,
    };
  }
}

function hashCode(authCode: string): string {
  return createHash('sha256').update(`scanpay:${authCode}`).digest('hex').slice(0, 32);
}

function newOrderRecord(
  input: NewOrderInput,
  orderNo: string,
  pid: string,
  now: number,
  tender: OrderRecord['tender'],
  status: OrderRecord['status'],
): OrderRecord {
  return {
    orderNo,
    pid,
    totalFee: input.total_fee,
    subject: input.subject,
    type: input.type ?? 'goods',
    custom: input.custom,
    other: input.other ?? null,
    status,
    tender,
    provider: null,
    transactionId: null,
    paidOutTradeNo: null,
    paidAt: status === 1 ? now : null,
    refundedFee: 0,
    cashier: input.cashier ?? null,
    shiftId: input.shift_id ?? null,
    note: input.note ?? null,
    timeExpire: input.time_expire ?? null,
    createdAt: now,
    updatedAt: now,
  };
}
