/**
 * Wires reconciliation to the configured merchants: each gateway whose provider publishes a bill
 * (its registry descriptor's createBillSource) reads it, the others (PAYJS) get the per-order check
 * source at the provider's check interval, with the merchant's own validated config. Composition only, like ./merchants.ts: the matching itself
 * (core/reconcile) never sees an adapter.
 */

import type { DaySummary } from '../common/contract/reconcile-views.ts';
import { ValidationError } from '../common/errors.ts';
import type { Clock } from '../ports/clock.ts';
import { beijingDate, beijingDayRange } from '../reconcile/beijing-day.ts';
import { startDailyReconcile } from '../reconcile/daily-reconcile.ts';
import { createOrderCheckSource } from '../reconcile/order-check-source.ts';
import { type ReconcileTarget, reconcileDate } from '../reconcile/reconcile-day.ts';
import { type ReconcileDatabase, ReconcileStore } from '../reconcile/reconcile-store.ts';
import type { ServiceConfig } from './config/service-config.ts';
import type { ServiceMerchants } from './merchants.ts';

export function reconcileTargets(
  merchants: ServiceMerchants,
  store: ReconcileStore,
  clock: Clock,
  pid?: string,
): ReconcileTarget[] {
  const chosen = merchants.all().filter((m) => pid === undefined || m.pid === pid);
  if (pid !== undefined && chosen.length === 0)
    throw new ValidationError('reconcile_pid_unknown', `no merchant "${pid}" in the configuration`);
  const targets: ReconcileTarget[] = [];
  for (const merchant of chosen) {
    for (const gateway of merchant.gateways) {
      const parsed = merchants.gatewayConfig(merchant.pid, gateway.provider);
      if (!parsed) continue;
      const billSource = parsed.createBillSource?.({ clock });
      targets.push({
        pid: merchant.pid,
        provider: gateway.provider,
        source:
          billSource ??
          createOrderCheckSource(gateway, {
            clock,
            minIntervalMs: parsed.checkMinIntervalMs ?? 0,
            attemptsOfDay: (date) => store.attemptsOfDay(merchant.pid, gateway.provider, date),
          }),
        // Without a bill, each order is checked by itself: its refunds are not compared.
        comparesRefunds: billSource !== undefined,
      });
    }
  }
  return targets;
}

export interface ServiceReconciliation {
  readonly store: ReconcileStore;
  readonly targets: readonly ReconcileTarget[];
  /** Reconciles a day now (the API operation); one run at a time, later callers wait. */
  runDate(date: string): Promise<DaySummary>;
  stop(): Promise<void>;
}

/** The service's reconciliation: its store on the journal (watched statements), and the daily run when enabled. */
export function startServiceReconciliation(deps: {
  /** The journal: its watched statements and transaction, so a storage fault here is a journal fault. */
  readonly journal: ReconcileDatabase;
  readonly merchants: ServiceMerchants;
  readonly clock: Clock;
  readonly config: ServiceConfig['reconcile'];
  readonly logger: { info(message: string, fields?: Record<string, unknown>): void };
}): ServiceReconciliation {
  const { clock, logger } = deps;
  const store = new ReconcileStore(deps.journal);
  const targets = reconcileTargets(deps.merchants, store, clock);
  // Runs are not queued: a supervisor's "reconcile now" must not wait behind a long PAYJS check
  // run. A provider-day is written whole in one transaction, so two runs of one day cannot mix.
  const stopping = new AbortController();
  const inFlight = new Set<Promise<unknown>>();
  const runDate = (date: string): Promise<DaySummary> => {
    const run = reconcileDate(date, targets, {
      store,
      clock,
      signal: stopping.signal,
      log: (line) => logger.info('reconcile', { line }),
    });
    const settled = run.catch(() => undefined);
    inFlight.add(settled);
    void settled.then(() => inFlight.delete(settled));
    return run;
  };
  const finished = new Set(['done', 'too_old']);
  const daily = deps.config.enabled
    ? startDailyReconcile({
        clock,
        at: deps.config.daily_at,
        catchUpDays: deps.config.catch_up_days,
        firstDay: () => {
          const at = store.firstSaleAt();
          return at === undefined ? undefined : beijingDate(at);
        },
        isDone: (date) => {
          const runs = store.runs(date);
          // A run made before the day ended ("reconcile now" on today) saw only part of it.
          const dayEnd = beijingDayRange(date).end;
          return targets.every((t) =>
            runs.some(
              (r) =>
                r.pid === t.pid &&
                r.provider === t.provider &&
                finished.has(r.status) &&
                r.updated_at >= dayEnd,
            ),
          );
        },
        runDay: async (date) => {
          const summary = await runDate(date);
          return Object.values(summary.status).every((s) => finished.has(s.status));
        },
        log: (message, fields) => logger.info(message, fields),
      })
    : null;
  return {
    store,
    targets,
    runDate,
    async stop() {
      stopping.abort();
      await daily?.stop();
      await Promise.all(inFlight);
    },
  };
}
