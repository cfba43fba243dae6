/**
 * Runs the paid callback of each paid order exactly once (vk-uni-pay's user_order_success).
 * The journal row is created in the same transaction that records the payment, so a callback is
 * never lost; it is marked `running` before the handler starts and `done` after, so a query and a
 * notify reporting the same payment cannot both run it. A crash while `running` runs it again on
 * start-up: that is why handlers receive out_trade_no as an idempotency key.
 *
 * The first run of a fresh payment is claimed in the payment's own transaction (the row is born
 * `running`, runs 1: ./attempt-driver.ts owedCallback) and starts in the same tick, so it costs no
 * write of its own: a payment is 3 durable writes (intent, outcome, callback done), not 4. The
 * `done` rows of handlers that end in the same turn of the event loop are committed together
 * (DoneBatch): under load several payments share that write. Until it is committed the row says
 * `running`, so a crash in that window runs the handler again, as a crash during any run does. A throwing handler is
 * retried with back-off, bounded (CALLBACK_RETRY in core/domain/timing.ts), and stays visible in
 * the order.
 *
 * A run found `running` at start-up was cut off: it may have done its work. It runs again with
 * `interrupted: true`, so a handler whose work must not happen twice (a paid action that starts a
 * motor, core/service/paid-actions) answers `{ held }`: the row ends `done` with user_order_success
 * null and the reason in last_error, for a person (at most once, never twice).
 *
 * A handler records the steps it finished (PaidCallbackRun.recordStep); they are journaled with the
 * run's next row (the retry's or the end's) and handed to every later run, also after a restart, so
 * a retry skips what already ran. A crash before that row is written is the interrupted run above.
 */
import type { CallbackRecord } from '../domain/order.ts';
import { backoffMs, type CallbackRetry } from '../domain/timing.ts';
import type { Clock } from '../ports/clock.ts';
import type { Journal } from '../ports/journal.ts';
import type {
  EngineLogger,
  PaidCallback,
  PaidCallbackContext,
  PaidCallbackResult,
  PaidCallbackRun,
} from './engine-deps.ts';

/** Callback rows written in one transaction at the end of the current turn of the event loop. */
class DoneBatch {
  private rows: CallbackRecord[] = [];
  private commit: PromiseWithResolvers<void> | null = null;
  private readonly journal: Journal;

  constructor(journal: Journal) {
    this.journal = journal;
  }

  /** Resolves once the row is durable; rejects if the batch's transaction failed (none of it was written). */
  write(row: CallbackRecord): Promise<void> {
    this.rows.push(row);
    if (!this.commit) {
      this.commit = Promise.withResolvers<void>();
      setImmediate(() => this.flush());
    }
    return this.commit.promise;
  }

  private flush(): void {
    const rows = this.rows;
    const commit = this.commit!;
    this.rows = [];
    this.commit = null;
    try {
      this.journal.putCallbacks(rows);
      commit.resolve();
    } catch (error) {
      commit.reject(error);
    }
  }
}

export class CallbackRunner {
  private readonly running = new Map<string, Promise<void>>();
  private readonly done: DoneBatch;
  private readonly listeners = new Set<(orderNo: string) => void>();
  private stopped = false;

  private readonly journal: Journal;
  private readonly clock: Clock;
  private readonly callbacks: Readonly<Record<string, PaidCallback>>;
  private readonly logger: EngineLogger;
  private readonly retry: CallbackRetry;
  private readonly random: () => number;
  private readonly buildContext: (
    orderNo: string,
    source: CallbackRecord['source'],
  ) => PaidCallbackContext | undefined;

  constructor(
    journal: Journal,
    clock: Clock,
    callbacks: Readonly<Record<string, PaidCallback>>,
    logger: EngineLogger,
    retry: CallbackRetry,
    random: () => number,
    buildContext: (orderNo: string, source: CallbackRecord['source']) => PaidCallbackContext | undefined,
  ) {
    this.journal = journal;
    this.done = new DoneBatch(journal);
    this.clock = clock;
    this.callbacks = callbacks;
    this.logger = logger;
    this.retry = retry;
    this.random = random;
    this.buildContext = buildContext;
  }

  onSettled(listener: (orderNo: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Start (or join) the callback of an order whose payment was journaled. `claimed`: the payment's
   * transaction already wrote this run as started (`running`, runs counted), so it is not written again.
   */
  run(orderNo: string, claimed = false): Promise<void> {
    const existing = this.running.get(orderNo);
    if (existing) return existing;
    const promise = this.runLoop(orderNo, claimed).finally(() => this.running.delete(orderNo));
    this.running.set(orderNo, promise);
    return promise;
  }

  idle(): Promise<void> {
    return Promise.all([...this.running.values()]).then(() => undefined);
  }

  stop(): void {
    this.stopped = true;
  }

  private async runLoop(orderNo: string, claimed: boolean): Promise<void> {
    let claimedRun = claimed;
    let firstPass = true;
    for (;;) {
      const record = this.journal.getCallback(orderNo);
      if (!record || record.state === 'done') return;
      if (this.stopped) {
        // Shutting down before the handler started: a run the payment's transaction claimed never
        // began, so it is released, not left `running` (the next start would hold it as interrupted).
        if (claimedRun && record.state === 'running') this.release(record);
        return;
      }
      // A run claimed by the payment's transaction is already counted in `runs`.
      const ownRun = claimedRun && record.state === 'running';
      // `running` that nobody here claimed: a previous process died during that run (start-up).
      const interrupted = firstPass && !ownRun && record.state === 'running';
      claimedRun = false;
      firstPass = false;
      if (!ownRun && record.runs >= this.retry.maxRuns) return;
      const wait = record.nextRunAt - this.clock.now();
      if (wait > 0) {
        await this.clock.sleep(wait);
        continue;
      }
      const built = this.buildContext(orderNo, record.source);
      if (!built) return;
      const context = interrupted ? { ...built, interrupted: true } : built;
      const handler = this.callbacks[context.type] ?? this.callbacks['*'];
      const runs = ownRun ? record.runs : record.runs + 1;
      if (!ownRun)
        this.journal.putCallback({ ...record, state: 'running', runs, updatedAt: this.clock.now() });
      // The steps the handler finishes are written with this run's next row, not one write each.
      const progress: Record<string, boolean> = { ...record.progress };
      const run: PaidCallbackRun = {
        progress: { ...progress },
        recordStep: (step, ok) => {
          progress[step] = ok;
        },
        runByPerson: record.runByPerson === true,
      };
      let result: PaidCallbackResult;
      try {
        result = handler ? await handler(context, run) : true;
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        const delay = backoffMs(this.retry.backoff, runs, this.random);
        this.journal.putCallback({
          ...record,
          progress,
          state: 'retrying',
          runs,
          userOrderSuccess: null,
          lastError: message.slice(0, 300),
          nextRunAt: this.clock.now() + delay,
          updatedAt: this.clock.now(),
        });
        this.logger.warn('paid callback failed', {
          out_trade_no: orderNo,
          runs,
          error: message.slice(0, 300),
        });
        this.emit(orderNo);
        continue;
      }
      const held = typeof result === 'object' ? result.held.slice(0, 300) : null;
      // A journal failure here propagates: the row still says `running`, so start-up runs it again.
      await this.done.write({
        ...record,
        progress,
        state: 'done',
        runs,
        userOrderSuccess: held === null ? result === true : null,
        lastError: held,
        updatedAt: this.clock.now(),
      });
      if (held !== null) {
        this.logger.warn('paid callback held for a person', { out_trade_no: orderNo, reason: held });
        this.emit(orderNo);
        return;
      }
      this.logger.info('paid callback ran', {
        out_trade_no: orderNo,
        type: context.type,
        ok: result === true,
      });
      this.emit(orderNo);
      return;
    }
  }

  /** A claimed run that never started goes back to owed, uncounted: the next start runs it as usual. */
  private release(record: CallbackRecord): void {
    const now = this.clock.now();
    try {
      this.journal.putCallback({
        ...record,
        state: 'retrying',
        runs: record.runs - 1,
        nextRunAt: now,
        updatedAt: now,
      });
    } catch (error) {
      // Left `running`: the next start holds it for a person, as after a crash (never run twice).
      this.logger.warn('paid callback claim not released', {
        out_trade_no: record.orderNo,
        error: String(error),
      });
    }
  }

  private emit(orderNo: string): void {
    for (const listener of this.listeners) listener(orderNo);
  }
}
