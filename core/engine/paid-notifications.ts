/**
 * A verified provider notification that a payment succeeded, for an attempt the engine is not driving
 * right now, or driving. Moved out of checkout-engine.ts unchanged (one idea: what a paid notification
 * may do, and what only the provider's query decides).
 * - A live attempt: the notification is committed to its driver (books it unless a reversal is under way).
 * - An attempt needing attention: the engine looks again (one query, single flight per attempt): a
 *   delayed notification can predate a close or reversal that succeeded, so the provider's query decides.
 * - An attempt that had ended closed or failed: a confirming query puts it on the 待处理 list
 *   (`paid_after_final`, ./attention-settler.ts); it is never booked from here. Until the query's
 *   answer is journaled the notify handler does not acknowledge, so the provider repeats it.
 */
import { NotFoundError } from '../common/errors.ts';
import { isPaidStatus } from '../common/order-status.ts';
import type { AttemptState } from '../domain/attempt-state.ts';
import type { PollPolicy } from '../domain/poll-policy.ts';
import type { Clock } from '../ports/clock.ts';
import type { Journal } from '../ports/journal.ts';
import type { PaymentGateway, PaymentOutcome } from '../ports/payment-gateway.ts';
import type { AttemptDriver } from './attempt-driver.ts';
import { type AttentionSettler, PAID_AFTER_FINAL } from './attention-settler.ts';
import type { EngineLogger } from './engine-deps.ts';
import { callGateway } from './gateway-call.ts';

export interface PaidNotificationDeps {
  readonly journal: Journal;
  readonly clock: Clock;
  readonly logger: EngineLogger;
  readonly driver: AttemptDriver;
  readonly settler: AttentionSettler;
  readonly isAccepting: () => boolean;
  /** The policy a live attempt is driven with (throws when its gateway is gone). */
  readonly policyOf: (state: AttemptState) => PollPolicy;
  /** The gateway and policy of an attempt, or undefined when its merchant is no longer configured. */
  readonly routeOf: (
    state: AttemptState,
  ) => { readonly gateway: PaymentGateway; readonly policy: PollPolicy } | undefined;
}

export class PaidNotifications {
  private readonly deps: PaidNotificationDeps;
  /** Queries of attempts needing attention after a paid notification, by out_trade_no. */
  private readonly rechecks = new Map<string, Promise<void>>();
  /** Ended attempts whose paid notification the provider's query contradicted: a repeat is acknowledged. Bounded. */
  private readonly deniedAfterFinal = new Set<string>();

  constructor(deps: PaidNotificationDeps) {
    this.deps = deps;
  }

  notifyPaid(outTradeNo: string, outcome: Extract<PaymentOutcome, { kind: 'paid' }>): AttemptState {
    const { driver, journal } = this.deps;
    const live = driver.get(outTradeNo);
    if (live) {
      driver.commit(
        live,
        { kind: 'notified_paid', outcome },
        this.deps.policyOf(live.state),
        'notified_paid',
      );
      live.wake.abort();
      return live.state;
    }
    const state = journal.getAttempt(outTradeNo);
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

  /** Resolves when no re-query is under way. */
  async idle(): Promise<void> {
    await Promise.all(this.rechecks.values());
  }

  /** One query of an attempt needing attention (single flight per attempt); books it if the provider confirms the payment. */
  private recheck(stuck: AttemptState): void {
    const { journal, clock, logger, driver, settler } = this.deps;
    // Shutting down: no new provider call; the attempt still shows as needing attention.
    if (!this.deps.isAccepting() || this.rechecks.has(stuck.outTradeNo)) return;
    // Already waiting for the supervisor's book-or-refund: a query would only book it unasked.
    if (stuck.attention?.code === PAID_AFTER_FINAL) return;
    const route = this.deps.routeOf(stuck);
    if (!route) return; // parked for a missing merchant: nothing to ask
    const run = (async () => {
      if (stuck.phase !== 'needs_attention') {
        const { flagged, providerSays } = await settler.flagPaidAfterFinal(stuck);
        if (!flagged) {
          if (this.deniedAfterFinal.size >= 1000) this.deniedAfterFinal.clear();
          this.deniedAfterFinal.add(stuck.outTradeNo);
        }
        logger.warn(
          flagged
            ? 'paid after the attempt ended: listed for a supervisor'
            : 'paid notification for an ended attempt not confirmed by the provider',
          { out_trade_no: stuck.outTradeNo, phase: stuck.phase, provider_says: providerSays },
        );
        return;
      }
      journal.recordIntent(stuck.outTradeNo, 'query', clock.now());
      const event = await callGateway(route.gateway, { kind: 'query' }, stuck, undefined);
      // A retry may have started a driver meanwhile, or the order been paid another way: then leave it.
      const current = journal.getAttempt(stuck.outTradeNo);
      if (current?.phase !== 'needs_attention' || driver.get(stuck.outTradeNo)) return;
      if (isPaidStatus(journal.getOrder(current.orderNo)?.status ?? 0)) return;
      const transient = {
        state: current,
        wake: new AbortController(),
        chargeInput: undefined,
        done: Promise.resolve(current),
      };
      driver.commit(transient, event, route.policy, 'query');
    })()
      .catch((error: unknown) => {
        logger.warn('re-query after notification interrupted', {
          out_trade_no: stuck.outTradeNo,
          error: String(error),
        });
      })
      .finally(() => this.rechecks.delete(stuck.outTradeNo));
    this.rechecks.set(stuck.outTradeNo, run);
  }
}
