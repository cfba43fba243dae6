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
 * - Starting attempts (pay, startQr) is ./attempt-launcher.ts; reads are ./order-reads.ts; vk-uni-pay's queryPayment is the API layer's (core/service/api/query-payment.ts).
 */
import type { AttemptView, OrderDetailView, OrderView, ProviderName } from '../common/contract/views.ts';
import { ConflictError, NotFoundError, UnavailableError } from '../common/errors.ts';
import { isPaidStatus } from '../common/order-status.ts';
import type { AttemptEvent } from '../domain/attempt-events.ts';
import { apply } from '../domain/attempt-machine.ts';
import { type AttemptState, isUnresolved, MERCHANT_NOT_CONFIGURED } from '../domain/attempt-state.ts';
import type { CallbackRecord, OrderRecord } from '../domain/order.ts';
import { DEFAULT_POLL_POLICIES } from '../domain/poll-policy.ts';
import { CALLBACK_RETRY } from '../domain/timing.ts';
import type { Clock } from '../ports/clock.ts';
import type { Journal, OrderFilter } from '../ports/journal.ts';
import type { PaymentOutcome } from '../ports/payment-gateway.ts';
import { AttemptDriver } from './attempt-driver.ts';
import { AttemptLauncher, type PayInput, type QrInput, type Route } from './attempt-launcher.ts';
import {
  type AttentionCheck,
  AttentionSettler,
  PAID_AFTER_FINAL,
  type SettleDecision,
  type SettleResult,
} from './attention-settler.ts';
import { CallbackRunner } from './callback-runner.ts';
import type { EngineDeps, EngineLogger, MerchantDirectory } from './engine-deps.ts';
import { callGateway, summarise } from './gateway-call.ts';
import { HeldPaidActions } from './held-paid-actions.ts';
import type { NewOrderInput } from './order-input.ts';
import { OrderReads } from './order-reads.ts';
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
  /** Queries of attempts needing attention after a paid notification, by out_trade_no. */
  private readonly rechecks = new Map<string, Promise<void>>();
  /** Ended attempts whose paid notification the provider's query contradicted: a repeat is acknowledged. Bounded. */
  private readonly deniedAfterFinal = new Set<string>();
  private readonly settler: AttentionSettler;
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

  /** The gateway and policy an attempt is driven with, or why the configuration no longer has one. */
  private routeOf(
    state: AttemptState,
  ): ({ readonly ok: true } & Route) | { readonly ok: false; readonly message: string } {
    const merchant = this.merchants.get(state.pid);
    if (!merchant) return { ok: false, message: `merchant "${state.pid}" is no longer in the configuration` };
    const gateway = merchant.gateways.find((g) => g.provider === state.provider);
    if (!gateway)
      return { ok: false, message: `merchant "${state.pid}" no longer has a ${state.provider} gateway` };
    return { ok: true, gateway, policy: merchant.policies[state.provider] };
  }

  private gatewayOf(state: AttemptState): Route {
    const merchant = this.launcher.requireMerchant(state.pid);
    const gateway = merchant.gateways.find((g) => g.provider === state.provider);
    if (!gateway)
      throw new UnavailableError(
        'provider_not_configured',
        `merchant ${state.pid} no longer has a ${state.provider} gateway`,
      );
    return { gateway, policy: merchant.policies[state.provider] };
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
    await Promise.all(this.rechecks.values());
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
   * A verified provider notification (QR mode): books the payment unless a reversal is under way.
   * For an attempt needing attention it only makes the engine look again (`recheck`): a delayed
   * notification can predate a close or reversal that succeeded, so the provider's query decides.
   * For an attempt that had ended closed or failed, a confirming query puts it on the 待处理 list
   * (`paid_after_final`, ./attention-settler.ts); it is never booked from here.
   */
  notifyPaid(outTradeNo: string, outcome: Extract<PaymentOutcome, { kind: 'paid' }>): AttemptState {
    const live = this.driver.get(outTradeNo);
    if (live) {
      const { policy } = this.gatewayOf(live.state);
      this.driver.commit(live, { kind: 'notified_paid', outcome }, policy, 'notified_paid');
      live.wake.abort();
      return live.state;
    }
    const state = this.journal.getAttempt(outTradeNo);
    if (!state) throw new NotFoundError('attempt_not_found', `no attempt ${outTradeNo}`);
    if (state.phase === 'needs_attention' || state.phase === 'closed' || state.phase === 'failed')
      this.recheck(state);
    return state;
  }

  /**
   * Whether the provider's query contradicted a paid notification for this ended attempt (it stays
   * closed or failed). Until then the notify handler does not acknowledge the notification, so the
   * provider repeats it and a crash before the answer was journaled loses nothing.
   */
  paidAfterFinalDenied(outTradeNo: string): boolean {
    return this.deniedAfterFinal.has(outTradeNo);
  }

  /** One query of an attempt needing attention (single flight per attempt); books it if the provider confirms the payment. */
  private recheck(stuck: AttemptState): void {
    // Shutting down: no new provider call; the attempt still shows as needing attention.
    if (!this.accepting || this.rechecks.has(stuck.outTradeNo)) return;
    // Already waiting for the supervisor's book-or-refund: a query would only book it unasked.
    if (stuck.attention?.code === PAID_AFTER_FINAL) return;
    const route = this.routeOf(stuck);
    if (!route.ok) return; // parked for a missing merchant: nothing to ask
    const run = (async () => {
      if (stuck.phase !== 'needs_attention') {
        const { flagged, providerSays } = await this.settler.flagPaidAfterFinal(stuck);
        if (!flagged) {
          if (this.deniedAfterFinal.size >= 1000) this.deniedAfterFinal.clear();
          this.deniedAfterFinal.add(stuck.outTradeNo);
        }
        this.logger.warn(
          flagged
            ? 'paid after the attempt ended: listed for a supervisor'
            : 'paid notification for an ended attempt not confirmed by the provider',
          { out_trade_no: stuck.outTradeNo, phase: stuck.phase, provider_says: providerSays },
        );
        return;
      }
      this.journal.recordIntent(stuck.outTradeNo, 'query', this.clock.now());
      const event = await callGateway(route.gateway, { kind: 'query' }, stuck, undefined);
      // A retry may have started a driver meanwhile, or the order been paid another way: then leave it.
      const current = this.journal.getAttempt(stuck.outTradeNo);
      if (current?.phase !== 'needs_attention' || this.driver.get(stuck.outTradeNo)) return;
      if (isPaidStatus(this.journal.getOrder(current.orderNo)?.status ?? 0)) return;
      const transient = {
        state: current,
        wake: new AbortController(),
        chargeInput: undefined,
        done: Promise.resolve(current),
      };
      this.driver.commit(transient, event, route.policy, 'query');
    })()
      .catch((error: unknown) => {
        this.logger.warn('re-query after notification interrupted', {
          out_trade_no: stuck.outTradeNo,
          error: String(error),
        });
      })
      .finally(() => this.rechecks.delete(stuck.outTradeNo));
    this.rechecks.set(stuck.outTradeNo, run);
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
   * Start-up: resume every unresolved attempt from the journal. An attempt still `submitted` may
   * or may not have reached the provider (the crash came between the intent and the reply), so its
   * charge counts as unknown: query, then paid or reverse. Owed refunds and callbacks resume too.
   * An attempt whose merchant is no longer configured is parked for a person (the till never stops
   * for one attempt) and resumes at the first start that finds the merchant again.
   */
  recover(): RecoveryReport {
    void this.tuner.seedSoon();
    let attempts = 0;
    for (const stored of this.journal.unresolvedAttempts()) {
      if (this.driver.get(stored.outTradeNo)) continue;
      const route = this.routeOf(stored);
      const parked = stored.phase === 'needs_attention' && stored.attention?.code === MERCHANT_NOT_CONFIGURED;
      if (!route.ok) {
        if (!parked) this.recordOffline(stored, { kind: 'merchant_missing', message: route.message });
        continue;
      }
      const state = parked ? this.recordOffline(stored, { kind: 'merchant_restored' }) : stored;
      if (state.phase === 'needs_attention') continue; // waits for a human or the network (retryUnreachable)
      // Without the payment code (never stored) a `submitted` attempt's charge replays as "unknown": query, then decide.
      this.driver.start(state, route.gateway, route.policy, undefined);
      attempts++;
    }
    const refunds = this.refunds.resumePending();
    const owed = this.journal.owedCallbacks();
    for (const callback of owed) this.runCallback(callback.orderNo);
    this.logger.info('recovery started', { attempts, refunds, callbacks: owed.length });
    return { attempts, refunds, callbacks: owed.length };
  }

  /** Applies a configuration event to an attempt nobody drives, journals it and tells listeners. */
  private recordOffline(
    state: AttemptState,
    event: Extract<AttemptEvent, { kind: 'merchant_missing' | 'merchant_restored' }>,
  ): AttemptState {
    const after = apply(state, event, DEFAULT_POLL_POLICIES[state.provider], this.clock.now());
    if (after === state) return state;
    this.journal.recordOutcome(after, event.kind, summarise(event));
    this.emitAttempt(after);
    return after;
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
    await Promise.all(this.rechecks.values());
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
