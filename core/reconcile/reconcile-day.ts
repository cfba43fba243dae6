/**
 * Reconciles one Beijing day for a list of (merchant, provider, bill source) targets: fetch the
 * bill, match it with the journal as it streams, record the outcome. A bill that could not be had
 * or read is tried once more at once, then recorded as `unavailable` (or `not_ready`, `too_old`)
 * with no list changed; the daily run comes back for it. An empty day is matched like any other
 * (every booked sale becomes terminal_only). Progress lines go to `log`.
 */

import type { DaySummary, ProviderTotals, RunStatus } from '../common/contract/reconcile-views.ts';
import type { BillFetch, BillSource } from '../ports/bill-source.ts';
import type { Clock } from '../ports/clock.ts';
import type { Provider } from '../ports/payment-gateway.ts';
import { assertBillDate } from './beijing-day.ts';
import { type MatchResult, matchDay } from './match-day.ts';
import type { ReconcileItem, ReconcileStore } from './reconcile-store.ts';

export interface ReconcileTarget {
  readonly pid: string;
  readonly provider: Provider;
  readonly source: BillSource;
  /** False when the source cannot see refunds (per-order checks): refunds are then not compared. */
  readonly comparesRefunds: boolean;
}

export interface ReconcileDeps {
  readonly store: ReconcileStore;
  readonly clock: Clock;
  readonly log?: (line: string) => void;
  /** Ends the run early (service stopping): unfinished provider-days are left for the next run. */
  readonly signal?: AbortSignal;
}

const TRIES = 2;

async function* noRows(): AsyncGenerator<never> {}

type Outcome = { readonly status: RunStatus; readonly detail?: string };

async function reconcileTarget(date: string, target: ReconcileTarget, deps: ReconcileDeps): Promise<Outcome> {
  const { store, clock, log = () => {} } = deps;
  const name = `${target.pid}/${target.provider} ${date}`;
  let problem: { status: RunStatus; detail: string } = { status: 'unavailable', detail: 'not tried' };
  for (let attempt = 1; attempt <= TRIES && !deps.signal?.aborted; attempt++) {
    log(`${name}: fetching the bill (try ${attempt} of ${TRIES})`);
    let bill: BillFetch;
    try {
      bill = await target.source.fetchBill(date, deps.signal);
    } catch (error) {
      bill = { kind: 'unavailable', detail: (error as Error).message };
    }
    if (bill.kind === 'not_ready' || bill.kind === 'too_old') {
      problem = { status: bill.kind, detail: bill.detail };
      break;
    }
    if (bill.kind === 'unavailable') {
      problem = { status: 'unavailable', detail: bill.detail };
      log(`${name}: ${bill.detail}`);
      continue;
    }
    const day = store.terminalDay(target.pid, target.provider, date);
    let result: MatchResult;
    try {
      result = await matchDay({
        pid: target.pid,
        provider: target.provider,
        payments: day.payments,
        refunds: target.comparesRefunds ? day.refunds : [],
        rows: bill.kind === 'bill' ? bill.rows : noRows(),
        lookups: store.lookups(),
        matchedElsewhere: store.matchedElsewhere(target.pid, target.provider, date),
      });
    } catch (error) {
      problem = { status: 'unavailable', detail: (error as Error).message };
      log(`${name}: the bill could not be read: ${problem.detail}`);
      continue;
    }
    store.saveDone(target.pid, target.provider, date, result, clock.now());
    log(
      `${name}: ${bill.kind === 'empty' ? 'no bill (no trades at the provider); ' : ''}` +
        `${result.matched} matched, ${result.discrepancies.length} discrepancies`,
    );
    return { status: 'done' };
  }
  store.saveUnfinished(target.pid, target.provider, date, problem.status, problem.detail, clock.now());
  log(`${name}: ${problem.status}: ${problem.detail}`);
  return problem;
}

export async function reconcileDate(
  date: string,
  targets: readonly ReconcileTarget[],
  deps: ReconcileDeps,
): Promise<DaySummary> {
  assertBillDate(date);
  const outcomes: Record<string, Outcome> = {};
  for (const target of targets) {
    if (deps.signal?.aborted) break;
    outcomes[`${target.pid}/${target.provider}`] = await reconcileTarget(date, target, deps);
  }
  return daySummary(date, deps.store, targets, outcomes);
}

/** The day as recorded: every discrepancy found (with its state and choices), totals and run status. */
export function daySummary(
  date: string,
  store: ReconcileStore,
  only?: readonly Pick<ReconcileTarget, 'pid' | 'provider'>[],
  /** This run's outcome per `${pid}/${provider}`: a bill not had this time is reported, while an earlier reconciliation's lists stand. */
  outcomes: Readonly<Record<string, Outcome>> = {},
): DaySummary {
  const wanted = (pid: string, provider: string) =>
    !only || only.some((t) => t.pid === pid && t.provider === provider);
  const runs = store.runs(date).filter((r) => wanted(r.pid, r.provider));
  const items = store.items(date).filter((i) => wanted(i.pid, i.provider));
  const totals: Record<string, ProviderTotals> = {};
  const status: Record<string, { status: RunStatus; detail?: string }> = {};
  let matched = 0;
  for (const run of runs) {
    const key = `${run.pid}/${run.provider}`;
    status[key] =
      outcomes[key] ?? (run.detail ? { status: run.status, detail: run.detail } : { status: run.status });
    if (run.totals) totals[key] = run.totals;
    if (run.status === 'done') matched += run.matched;
  }
  const of = (kind: ReconcileItem['kind']) => items.filter((i) => i.kind === kind);
  return {
    date,
    matched,
    provider_only: of('provider_only'),
    terminal_only: of('terminal_only'),
    amount_mismatch: of('amount_mismatch'),
    refund_mismatch: of('refund_mismatch'),
    totals,
    status,
  };
}
