/**
 * The driving loop: one bounded loop per live attempt that asks the pure machine what to do next
 * (domain/attempt-machine.ts), journals the intent, calls the gateway, folds the reply in and
 * journals the outcome, sleeping on the injected clock in between. It also keeps the change waiters
 * that let a caller await an attempt's first reply or its end.
 *
 * Single flight: one loop per attempt, one live attempt per order.
 */
import type { AttemptEvent, ProviderCall } from '../domain/attempt-events.ts';
import { apply, decide } from '../domain/attempt-machine.ts';
import { type AttemptState, isFinal } from '../domain/attempt-state.ts';
import type { CallbackRecord } from '../domain/order.ts';
import type { PollPolicy } from '../domain/poll-policy.ts';
import type { Clock } from '../ports/clock.ts';
import type { Journal, OrderPatch } from '../ports/journal.ts';
import type { PaymentGateway } from '../ports/payment-gateway.ts';
import type { EngineLogger } from './engine-deps.ts';
import { type ChargeInput, callGateway, summarise } from './gateway-call.ts';

/** Hard cap on driver iterations per run: every loop in the engine is bounded. */
const MAX_STEPS_PER_RUN = 500;

export interface LiveAttempt {
  state: AttemptState;
  wake: AbortController;
  /** The charge's request (holds the payment code): used once, then dropped. */
  chargeInput: ChargeInput | undefined;
  /** Resolves when the loop ends: final, needs attention, shutting down, or stopped by a journal failure. */
  readonly done: Promise<AttemptState>;
}

export interface DriverDeps {
  readonly journal: Journal;
  readonly clock: Clock;
  readonly logger: EngineLogger;
  readonly isAccepting: () => boolean;
  /** After every journaled change of an attempt. */
  readonly attemptChanged: (state: AttemptState) => void;
  /** After a change the order's view shows (paid, final, needs attention). */
  readonly orderChanged: (orderNo: string) => void;
  /** After a payment was journaled together with its owed paid callback, its first run claimed. */
  readonly becamePaid: (orderNo: string) => void;
}

export class AttemptDriver {
  private readonly live = new Map<string, LiveAttempt>();
  private readonly liveByOrder = new Map<string, string>();
  private readonly changeWaiters = new Map<string, Set<() => void>>();
  private readonly deps: DriverDeps;

  constructor(deps: DriverDeps) {
    this.deps = deps;
  }

  /** Starts the loop of an attempt (or joins the one already running). */
  start(
    state: AttemptState,
    gateway: PaymentGateway,
    policy: PollPolicy,
    chargeInput: ChargeInput | undefined,
  ): LiveAttempt {
    const existing = this.live.get(state.outTradeNo);
    if (existing) return existing;
    const ended = Promise.withResolvers<AttemptState>();
    const live: LiveAttempt = { state, wake: new AbortController(), chargeInput, done: ended.promise };
    this.live.set(state.outTradeNo, live);
    this.liveByOrder.set(state.orderNo, state.outTradeNo);
    this.drive(live, gateway, policy)
      .catch((error: unknown) => {
        // A journal failure (disk full, simulated crash): stop driving; recovery resumes from the journal.
        this.deps.logger.warn('attempt driver stopped', {
          out_trade_no: live.state.outTradeNo,
          error: String(error),
        });
        return live.state;
      })
      .then((final) => {
        this.live.delete(state.outTradeNo);
        if (this.liveByOrder.get(state.orderNo) === state.outTradeNo) this.liveByOrder.delete(state.orderNo);
        this.notifyChange(state.outTradeNo);
        ended.resolve(final);
      });
    return live;
  }

  private async drive(live: LiveAttempt, gateway: PaymentGateway, policy: PollPolicy): Promise<AttemptState> {
    const { clock, journal, isAccepting } = this.deps;
    for (let step = 0; step < MAX_STEPS_PER_RUN; step++) {
      const now = clock.now();
      const command = decide(live.state, policy, now);
      if (command.kind === 'done') return live.state;
      if (command.kind === 'wait') {
        if (!isAccepting()) return live.state; // shutting down: the journal has everything recovery needs
        await clock.sleep(command.until - now, live.wake.signal);
        if (live.wake.signal.aborted) live.wake = new AbortController();
        continue;
      }
      const startsCharge = command.kind === 'charge' || command.kind === 'precreate';
      if (!isAccepting() && !startsCharge) return live.state;
      // The charge's intent is the attempt row itself; every later call journals its intent first.
      if (!startsCharge) journal.recordIntent(live.state.outTradeNo, command.kind, now);
      const event = await callGateway(gateway, command, live.state, live.chargeInput);
      live.chargeInput = undefined;
      this.commit(live, event, policy, command.kind);
    }
    this.deps.logger.warn('attempt driver hit its step cap', { out_trade_no: live.state.outTradeNo });
    return live.state;
  }

  /** Applies an event to the live state, journals the outcome (with the order's new state) and tells listeners. */
  commit(
    live: LiveAttempt,
    event: AttemptEvent,
    policy: PollPolicy,
    op: ProviderCall | AttemptEvent['kind'],
  ): void {
    const before = live.state;
    const after = apply(before, event, policy, this.deps.clock.now());
    if (after === before) return;
    const becamePaid = after.phase === 'paid' && before.phase !== 'paid';
    this.deps.journal.recordOutcome(
      after,
      op,
      summarise(event),
      becamePaid ? paidOrderPatch(after) : undefined,
      becamePaid ? owedCallback(after, event.kind === 'notified_paid' ? 'notify' : 'query') : undefined,
    );
    live.state = after;
    this.deps.attemptChanged(after);
    this.notifyChange(after.outTradeNo);
    if (becamePaid) this.deps.becamePaid(after.orderNo);
    if (becamePaid || isFinal(after) || after.phase === 'needs_attention')
      this.deps.orderChanged(after.orderNo);
  }

  /** The attempt's state after its first change (the provider's first reply) or the end of its loop. */
  async firstReply(live: LiveAttempt): Promise<AttemptState> {
    const outTradeNo = live.state.outTradeNo;
    await Promise.race([live.done, this.firstChange(outTradeNo)]);
    return this.live.get(outTradeNo)?.state ?? this.deps.journal.getAttempt(outTradeNo) ?? live.state;
  }

  get(outTradeNo: string): LiveAttempt | undefined {
    return this.live.get(outTradeNo);
  }

  /** The live attempt of an order, if one is being driven. */
  ofOrder(orderNo: string): LiveAttempt | undefined {
    const outTradeNo = this.liveByOrder.get(orderNo);
    return outTradeNo ? this.live.get(outTradeNo) : undefined;
  }

  hasOrder(orderNo: string): boolean {
    return this.liveByOrder.has(orderNo);
  }

  get size(): number {
    return this.live.size;
  }

  /** Resolves when no attempt is being driven. */
  async idle(): Promise<void> {
    while (this.live.size > 0) {
      await Promise.all([...this.live.values()].map((live) => live.done));
    }
  }

  /** Shutdown: every waiting loop wakes (and returns, since the engine no longer accepts); resolves when all ended. */
  async wakeAllAndWait(): Promise<void> {
    for (const live of this.live.values()) live.wake.abort();
    await Promise.all([...this.live.values()].map((live) => live.done));
  }

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
}

/** The order's new state, written in the same transaction as the payment. */
export function paidOrderPatch(paid: AttemptState): OrderPatch {
  return {
    status: 1,
    provider: paid.provider,
    tender: paid.wallet,
    transactionId: paid.transactionId,
    paidOutTradeNo: paid.outTradeNo,
    paidAt: paid.paidAt,
  };
}

/**
 * The paid callback owed for a payment, journaled with it so it can never be lost. Its first run is
 * claimed in the same transaction (`running`, runs 1): the runner starts it in the same tick
 * (becamePaid → CallbackRunner.run(orderNo, true)), and a crash before it ended runs it again at
 * start-up exactly as after a crash during any run. One write fewer per payment.
 */
export function owedCallback(paid: AttemptState, source: CallbackRecord['source']): CallbackRecord {
  return {
    orderNo: paid.orderNo,
    state: 'running',
    source,
    runs: 1,
    userOrderSuccess: null,
    lastError: null,
    nextRunAt: 0,
    updatedAt: paid.updatedAt,
  };
}
