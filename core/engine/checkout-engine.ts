/**
 * The checkout engine: takes an order and a payment code (or a QR request), and drives each
 * attempt to PAID, FAILED, REVERSED or CLOSED at the provider, through lost replies and crashes.
 *
 * - The pure machine (domain/attempt-machine.ts) decides; the driving loop (./attempt-driver.ts)
 *   journals, calls the gateway and sleeps on the injected clock; this class starts attempts,
 *   takes the cashier's and the provider's actions and resumes everything at start-up.
 * - Intent before every provider call, outcome after it (the charge's intent is the attempt row
 *   itself), so `recover()` can resume every unresolved attempt after a crash or power cut.
 * - Single flight: one live attempt per order; one driver loop per attempt; the same payment code
 *   is never charged twice within the configured window.
 * - Starting attempts is ./attempt-launcher.ts, resuming them ./attempt-recovery.ts, paid notifications
 *   ./paid-notifications.ts, reads ./order-reads.ts; queryPayment is core/service/api/query-payment.ts.
 */
import type { AttemptView, OrderDetailView, OrderView, ProviderName } from '../common/contract/views.ts';
import { ConflictError, NotFoundError } from '../common/errors.ts';
import { isPaidStatus } from '../common/order-status.ts';
import { apply } from '../domain/attempt-machine.ts';
import { type AttemptState, isUnresolved } from '../domain/attempt-state.ts';
import type { CallbackRecord, OrderRecord } from '../domain/order.ts';
import { CALLBACK_RETRY } from '../domain/timing.ts';
import type { Clock } from '../ports/clock.ts';
import type { Journal, OrderFilter } from '../ports/journal.ts';
import type { PaymentOutcome } from '../ports/payment-gateway.ts';
import { AttemptDriver } from './attempt-driver.ts';
import { AttemptLauncher, type PayInput, type QrInput, type Route } from './attempt-launcher.ts';
import { requireRoute, resumeAttempts, routeOf } from './attempt-recovery.ts';
import {
  type AttentionCheck,
  AttentionSettler,
  PAID_AFTER_FINAL,
  type SettleDecision,
  type SettleResult,
} from './attention-settler.ts';
import { CallbackRunner } from './callback-runner.ts';
import type { EngineDeps, EngineLogger, MerchantDirectory } from './engine-deps.ts';
import { HeldPaidActions } from './held-paid-actions.ts';
import type { NewOrderInput } from './order-input.ts';
import { OrderReads } from './order-reads.ts';
import { PaidNotifications } from './paid-notifications.ts';
import { PollTuner } from './poll-tuner.ts';
import { RefundService } from './refund-service.ts';
import { attemptView } from './views.ts';

export type { PayInput, QrInput } from './attempt-launcher.ts';

export interface RecoveryReport {
  readonly attempts: number;
  readonly refunds: number;
  readonly callbacks: number;
}

export class CheckoutEngine {
  readonly journal: Journal;
  readonly clock: Clock;
  readonly merchants: MerchantDirectory;
  readonly refunds: RefundService;
  private readonly logger: EngineLogger;
  private readonly driver: AttemptDriver;
  private readonly reads: OrderReads;
  private readonly attemptListeners = new Set<(attempt: AttemptView) => void>();
  private readonly orderListeners = new Set<(order: OrderView) => void>();
  private readonly callbacks: CallbackRunner;
  private readonly launcher: AttemptLauncher;
  private readonly settler: AttentionSettler;
  /** Paid notifications for attempts (./paid-notifications.ts). */
  private readonly notifications: PaidNotifications;
  /** Paid actions held after a crash, for a supervisor to run again or mark done (./held-paid-actions.ts). */
  readonly heldPaidActions: HeldPaidActions;
  private readonly tuner: PollTuner;
  private accepting = true;

  constructor(deps: EngineDeps) {
    this.journal = deps.journal;
    this.clock = deps.clock;
    this.merchants = deps.merchants;
    this.logger = deps.logger ?? { info: () => {}, warn: () => {} };
    this.tuner = new PollTuner(this.journal, this.logger, deps.learnPolling ?? true);
    this.driver = new AttemptDriver({
      journal: this.journal,
      clock: this.clock,
      logger: this.logger,
      isAccepting: () => this.accepting,
      attemptChanged: (state) => this.emitAttempt(state),
      orderChanged: (orderNo) => this.emitOrder(orderNo),
      becamePaid: (orderNo) => this.runCallback(orderNo, true),
    });
    this.launcher = new AttemptLauncher({
      journal: this.journal,
      clock: this.clock,
      merchants: this.merchants,
      driver: this.driver,
      orderPrefix: deps.orderPrefix ?? 'SP',
      sameCodeWindowMs: deps.sameCodeWindowMs ?? 60_000,
      isAccepting: () => this.accepting,
      emitOrder: (orderNo) => this.emitOrder(orderNo),
      policyFor: (merchant, provider) => this.tuner.policyFor(provider, merchant.policies[provider]),
      ...(deps.paidActionFloor ? { paidActionFloor: deps.paidActionFloor } : {}),
    });
    this.reads = new OrderReads(this.journal, (outTradeNo) => this.driver.get(outTradeNo)?.state);
    this.callbacks = new CallbackRunner(
      this.journal,
      this.clock,
      deps.callbacks ?? {},
      this.logger,
      { ...CALLBACK_RETRY, maxRuns: deps.callbackMaxRuns ?? CALLBACK_RETRY.maxRuns },
      deps.random ?? Math.random,
      (orderNo, source) => this.reads.callbackContext(orderNo, source),
    );
    this.callbacks.onSettled((orderNo) => this.emitOrder(orderNo));
    this.refunds = new RefundService(this.journal, this.clock, this.merchants, (orderNo) =>
      this.emitOrder(orderNo),
    );
    this.settler = new AttentionSettler({
      journal: this.journal,
      clock: this.clock,
      requireOrder: (ref) => this.requireOrder(ref),
      isDriven: (outTradeNo) => this.driver.get(outTradeNo) !== undefined,
      gatewayOf: (state) => this.gatewayOf(state).gateway,
      attemptChanged: (state) => this.emitAttempt(state),
      orderChanged: (orderNo) => this.emitOrder(orderNo),
      becamePaid: (orderNo) => this.runCallback(orderNo, true),
      refunds: this.refunds,
    });
    this.notifications = new PaidNotifications({
      journal: this.journal,
      clock: this.clock,
      logger: this.logger,
      driver: this.driver,
      settler: this.settler,
      isAccepting: () => this.accepting,
      policyOf: (state) => this.gatewayOf(state).policy,
      routeOf: (state) => {
        const route = routeOf(this.merchants, state);
        return route.ok ? route : undefined;
      },
    });
    this.heldPaidActions = new HeldPaidActions({
      journal: this.journal,
      clock: this.clock,
      requireOrder: (ref) => this.requireOrder(ref),
      runCallback: (orderNo) => this.runCallback(orderNo),
      orderChanged: (orderNo) => this.emitOrder(orderNo),
    });
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
    this.tuner.observe(state);
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
    return this.launcher.createOrder(input, tender, status);
  }

  /**
   * Charge a payment code. Everything is validated before the first write. Resolves with the
   * attempt after the provider's first reply (paid, failed, or polling); `waitForAttempt` gives the end.
   */
  pay(input: PayInput): Promise<AttemptState> {
    return this.launcher.pay(input);
  }

  /** QR mode (IoT): pre-create an order the customer scans; polled until paid or expired, then closed. */
  startQr(input: QrInput): Promise<AttemptState> {
    return this.launcher.startQr(input);
  }

  private gatewayOf(state: AttemptState): Route {
    return requireRoute(this.launcher.requireMerchant(state.pid), state);
  }

  /** `claimed`: the payment's transaction wrote the first run as started (CallbackRunner.run). */
  private runCallback(orderNo: string, claimed = false): void {
    this.callbacks.run(orderNo, claimed).catch((error: unknown) => {
      // The journal failed under the callback (disk, crash): the row stays owed and start-up runs it.
      this.logger.warn('paid callback interrupted', { out_trade_no: orderNo, error: String(error) });
    });
  }

  /** Resolves when the attempt is final or needs attention (or its driver stopped). */
  async waitForAttempt(outTradeNo: string): Promise<AttemptState> {
    const live = this.driver.get(outTradeNo);
    if (live) return live.done;
    const state = this.journal.getAttempt(outTradeNo);
    if (!state) throw new NotFoundError('attempt_not_found', `no attempt ${outTradeNo}`);
    return state;
  }

  /** Resolves when no attempt is being driven and no callback is running. */
  async idle(): Promise<void> {
    await this.driver.idle();
    await this.notifications.idle();
    await this.callbacks.idle();
  }

  // ── cashier and provider actions ──────────────────────────────────────────────────────────

  /** The cashier's Stop: the live attempt takes the reversal path at once. */
  stop(ref: string): AttemptState {
    const order = this.driver.get(ref) ? undefined : this.journal.findOrder(ref);
    const live = this.driver.get(ref) ?? (order ? this.driver.ofOrder(order.orderNo) : undefined);
    if (!live) {
      const known = order ?? this.requireOrder(ref);
      const unresolved = this.journal.attemptsOf(known.orderNo).find(isUnresolved);
      if (unresolved) return unresolved;
      throw new ConflictError('no_live_attempt', `order ${known.orderNo} has no payment in progress`);
    }
    const { policy } = this.gatewayOf(live.state);
    this.driver.commit(live, { kind: 'stop_requested' }, policy, 'stop_requested');
    live.wake.abort();
    return live.state;
  }

  /** Retry an attempt that needs attention (network back, supervisor asked). */
  retry(ref: string): AttemptState {
    const order = this.requireOrder(ref);
    const stuck = this.journal.attemptsOf(order.orderNo).find((a) => a.phase === 'needs_attention');
    if (!stuck)
      throw new ConflictError('nothing_to_retry', `order ${order.orderNo} has no attempt needing attention`);
    if (stuck.attention?.code === PAID_AFTER_FINAL)
      // A retry reverses: it would refund, unasked, money the supervisor may book (the goods went out).
      throw new ConflictError(PAID_AFTER_FINAL, `order ${order.orderNo}: a supervisor books or refunds it`);
    const running = this.driver.get(stuck.outTradeNo);
    if (running) return running.state;
    const { gateway, policy } = this.gatewayOf(stuck);
    const resumed = apply(stuck, { kind: 'retry_requested' }, policy, this.clock.now());
    this.journal.recordOutcome(resumed, 'retry_requested', 'retry requested');
    this.emitAttempt(resumed);
    return this.driver.start(resumed, gateway, policy, undefined).state;
  }

  /** The evidence for settling an attempt waiting for a person: what its provider says now. */
  checkAttention(ref: string): Promise<AttentionCheck> {
    return this.settler.check(ref);
  }

  /** A supervisor settles an attempt needing attention, as its provider confirms (./attention-settler.ts). */
  settleAttention(ref: string, decision: SettleDecision): Promise<SettleResult> {
    return this.settler.settle(ref, decision);
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

  /**
   * A verified provider notification that a payment succeeded (./paid-notifications.ts): books a live
   * attempt unless a reversal is under way; otherwise only the provider's query decides, and an attempt
   * that had ended closed or failed goes to 待处理 (`paid_after_final`), never booked from here.
   */
  notifyPaid(outTradeNo: string, outcome: Extract<PaymentOutcome, { kind: 'paid' }>): AttemptState {
    return this.notifications.notifyPaid(outTradeNo, outcome);
  }

  /** Whether the provider's query contradicted a paid notification for this ended attempt (./paid-notifications.ts). */
  paidAfterFinalDenied(outTradeNo: string): boolean {
    return this.notifications.paidAfterFinalDenied(outTradeNo);
  }

  /** vk-uni-pay closeOrder: stop a live attempt (reverse/close at the provider) or close an unpaid order with none. */
  closeOrder(ref: string): OrderView {
    const order = this.requireOrder(ref);
    if (isPaidStatus(order.status)) {
      throw new ConflictError('order_already_paid', `order ${order.orderNo} is paid: refund it instead`);
    }
    if (this.driver.hasOrder(order.orderNo)) {
      this.stop(order.orderNo);
    } else if (!this.journal.attemptsOf(order.orderNo).some((a) => a.phase === 'needs_attention')) {
      this.journal.patchOrder(order.orderNo, { status: -1 }, this.clock.now());
    }
    this.emitOrder(order.orderNo);
    return this.orderView(order.orderNo)!;
  }

  // ── recovery ──────────────────────────────────────────────────────────────────────────────

  /**
   * Start-up: resume every unresolved attempt from the journal (./attempt-recovery.ts); owed refunds
   * and callbacks resume too.
   */
  recover(): RecoveryReport {
    void this.tuner.seedSoon();
    const attempts = resumeAttempts({
      journal: this.journal,
      clock: this.clock,
      merchants: this.merchants,
      driver: this.driver,
      emitAttempt: (state) => this.emitAttempt(state),
    });
    const refunds = this.refunds.resumePending();
    this.settler.finishAnsweredRefunds(); // a second payment refunded just before a crash
    const owed = this.journal.owedCallbacks();
    for (const callback of owed) this.runCallback(callback.orderNo);
    this.logger.info('recovery started', { attempts, refunds, callbacks: owed.length });
    return { attempts, refunds, callbacks: owed.length };
  }

  /** Resolves when the poll schedules learned from the journal at start-up are in place (./poll-tuner.ts). */
  pollLearningReady(): Promise<void> {
    return this.tuner.seedSoon();
  }

  /** Graceful shutdown: no new attempts; waiting loops return (their state is journaled); in-flight calls finish. */
  async shutdown(): Promise<void> {
    this.accepting = false;
    this.callbacks.stop();
    this.refunds.stop();
    await this.driver.wakeAllAndWait();
    await this.notifications.idle();
    await this.refunds.idle();
  }

  get isAccepting(): boolean {
    return this.accepting;
  }

  /** True while a charge or its resolution is under way (auto-update must wait). */
  hasLiveAttempts(): boolean {
    return this.driver.size > 0;
  }

  /** True while the order has an attempt being driven. */
  hasLiveAttemptFor(orderNo: string): boolean {
    return this.driver.hasOrder(orderNo);
  }

  // ── reads (./order-reads.ts) ──────────────────────────────────────────────────────────────

  requireOrder(ref: string): OrderRecord {
    return this.reads.require(ref);
  }

  /** The journal's record of an order by its number (no attempt lookup, no error). */
  orderRecord(orderNo: string): OrderRecord | undefined {
    return this.journal.getOrder(orderNo);
  }

  callbackRecord(orderNo: string): CallbackRecord | undefined {
    return this.journal.getCallback(orderNo);
  }

  orderView(ref: string): OrderView | undefined {
    return this.reads.view(ref);
  }

  orderDetail(ref: string): OrderDetailView {
    return this.reads.detail(ref);
  }

  listOrders(filter: OrderFilter): { orders: OrderView[]; total: number } {
    return this.reads.list(filter);
  }

  unresolved(): AttemptView[] {
    return this.reads.unresolved();
  }
}
