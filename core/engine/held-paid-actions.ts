/**
 * Paid actions held for a person (core/engine/callback-runner.ts): a run cut off by a crash whose
 * work (start a massage chair, open a vending slot) may or may not have happened, and that cannot be
 * asked; or a payment below the action's price floor (core/service/paid-actions/price-floors.ts),
 * which a supervisor runs or refunds. Only a person knows, so a supervisor decides:
 * - run_again: they did not: the action runs once more (a fresh, not interrupted, run), unless the
 *   order was refunded in full meanwhile (the customer has the money back; only mark_done is left).
 *   The run is marked as a person's (runByPerson): an action held because the payment was below its
 *   price floor runs this time (core/service/paid-actions); steps recorded as run are not repeated;
 * - mark_done: they did: nothing runs; the callback is recorded as done.
 * Each decision is journaled as a timeline step (who and why, with the held reason) in the same
 * transaction as the callback's new row. Idempotent: repeating a decision already taken changes
 * nothing; the other decision after one was taken is refused (`paid_action_not_held`).
 */
import { ConflictError } from '../common/errors.ts';
import { isFullyRefundedStatus } from '../common/order-status.ts';
import type { CallbackRecord, OrderRecord } from '../domain/order.ts';
import type { Clock } from '../ports/clock.ts';
import type { Journal } from '../ports/journal.ts';

export type HeldPaidActionChoice = 'run_again' | 'mark_done';

export interface HeldPaidActionDecision {
  readonly action: HeldPaidActionChoice;
  /** Who decided (the supervisor's name as typed). */
  readonly by: string;
  /** Why, in the supervisor's words. */
  readonly reason: string;
}

/** A held paid action and its order. */
export interface HeldPaidAction {
  readonly order: OrderRecord;
  readonly callback: CallbackRecord;
}

export interface HeldPaidActionsDeps {
  readonly journal: Journal;
  readonly clock: Clock;
  readonly requireOrder: (ref: string) => OrderRecord;
  /** Starts the order's owed callback (the engine's callback runner). */
  readonly runCallback: (orderNo: string) => void;
  readonly orderChanged: (orderNo: string) => void;
}

/** Held: the runner ended it without running it, the reason in last_error (never a plain success or failure). */
export function isHeldCallback(callback: CallbackRecord | undefined): callback is CallbackRecord {
  return (
    callback !== undefined &&
    callback.state === 'done' &&
    callback.userOrderSuccess === null &&
    callback.lastError !== null
  );
}

const STEP_OP: Readonly<Record<HeldPaidActionChoice, string>> = {
  run_again: 'paid_action_run_again',
  mark_done: 'paid_action_mark_done',
};

export class HeldPaidActions {
  private readonly deps: HeldPaidActionsDeps;

  constructor(deps: HeldPaidActionsDeps) {
    this.deps = deps;
  }

  list(): HeldPaidAction[] {
    const { journal } = this.deps;
    const held: HeldPaidAction[] = [];
    for (const callback of journal.heldCallbacks()) {
      const order = journal.getOrder(callback.orderNo);
      if (order) held.push({ order, callback });
    }
    return held;
  }

  resolve(ref: string, decision: HeldPaidActionDecision): HeldPaidAction {
    const { journal, clock } = this.deps;
    const order = this.deps.requireOrder(ref);
    const callback = journal.getCallback(order.orderNo);
    const op = STEP_OP[decision.action];
    const outTradeNo = order.paidOutTradeNo ?? journal.attemptsOf(order.orderNo).at(-1)?.outTradeNo;
    if (!isHeldCallback(callback) || !outTradeNo) {
      // The same decision again (a double click, a retried request): already done, nothing more.
      const decided = journal.timeline(order.orderNo).some((step) => step.op === op);
      if (decided && callback) return { order, callback };
      throw new ConflictError(
        'paid_action_not_held',
        `order ${order.orderNo} has no paid action waiting for a person`,
      );
    }
    // Refunded in full (often because the service did not come): running it now would give it for free.
    if (decision.action === 'run_again' && isFullyRefundedStatus(order.status))
      throw new ConflictError(
        'order_fully_refunded',
        `order ${order.orderNo} was refunded in full: its paid action is not run again (mark it done)`,
      );
    const now = clock.now();
    const next: CallbackRecord =
      decision.action === 'mark_done'
        ? { ...callback, userOrderSuccess: true, lastError: null, updatedAt: now }
        : // Owed again with a fresh run budget; not `running`, so the run is not taken for interrupted.
          // Ordered by a person: a hold for its price does not stop it again. Its recorded progress
          // stays: a motor the journal knows ran is not started a second time.
          {
            ...callback,
            state: 'pending',
            runs: 0,
            lastError: null,
            nextRunAt: 0,
            runByPerson: true,
            updatedAt: now,
          };
    journal.recordCallbackDecision(next, {
      outTradeNo,
      op,
      summary: `${decision.by}: ${decision.reason} (held: ${callback.lastError})`,
      at: now,
    });
    this.deps.orderChanged(order.orderNo);
    if (decision.action === 'run_again') this.deps.runCallback(order.orderNo);
    return { order, callback: next };
  }
}
