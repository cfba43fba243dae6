/**
 * The hub's daily reconciliation (hub started with --merchants): every day at `at`, Beijing time
 * (default 10:30: WeChat's bills are ready from 10:00 the next day, Alipay's the next day too, see
 * docs/protocols.md "Bills"), it reconciles with ./hub-reconcile.ts every day of the last
 * `catchUpDays` that is not yet finished for every merchant and provider, oldest first. Today is
 * never due, nor yesterday before `at`, nor a day before the hub's first paid order. A day left
 * unfinished (bill not ready, unreadable, provider away) is tried again an hour later, at most
 * `retriesPerDay` times before the next daily time, so the loop is bounded.
 *
 * Which days are due is the tills' rule (core/reconcile/daily-reconcile.ts's datesDue and
 * nextDailyTime, reused as they are); the loop is the hub's own because what is done lives in
 * PostgreSQL (asynchronous reads) rather than in a journal. Several hub processes may share one
 * database: a wake runs under a PostgreSQL advisory lock, and a process that does not get it skips
 * that wake (the holder is doing the same work), so a bill is not fetched twice. Runs on the
 * injected clock; status() is what the owner's page shows.
 */
import type { Pool } from 'pg';
import type { Clock } from '../ports/clock.ts';
import { addDays, beijingDate, beijingDayRange } from '../reconcile/beijing-day.ts';
import { datesDue, nextDailyTime, parseDailyTime } from '../reconcile/daily-reconcile.ts';
import type { ServiceMerchants } from '../service/merchants.ts';
import { reconcileAtHub } from './hub-reconcile.ts';

const HOUR_MS = 3_600_000;
/** A stable key for pg_try_advisory_lock: only the daily reconciliation takes it. */
const LOCK_KEY = 0x5c4e_7201;
/** A provider's answer that leaves nothing to do for that day. */
const FINISHED = new Set(['done', 'too_old', 'no_bill', 'empty']);

export interface DailyHubReconcileOptions {
  /** "HH:MM", Beijing time (default 10:30). */
  readonly at?: string;
  /** How many past days a wake looks at (default 7). */
  readonly catchUpDays?: number;
  /** Hourly retries of an unfinished day before the next daily time (default 6). */
  readonly retriesPerDay?: number;
  /** Wait after start before the first catch-up (default 5 min). */
  readonly initialDelayMs?: number;
}

/** What the owner's page shows about the automatic runs. */
export interface HubReconcileScheduleStatus {
  readonly daily_at: string;
  /** When the loop wakes next; null while a wake is running. */
  readonly next_at: number | null;
  readonly last_wake: {
    readonly at: number;
    readonly dates: readonly string[];
    /** Days left unfinished at that wake (tried again later, bounded). */
    readonly unfinished: readonly string[];
    /** Another hub process held the lock: it did this wake's work. */
    readonly skipped: boolean;
    readonly error: string | null;
  } | null;
  readonly retries_left: number;
}

export interface DailyHubReconcile {
  status(): HubReconcileScheduleStatus;
  stop(): Promise<void>;
}

/** The (pid, provider) pairs a finished day must have a finished run for. */
function targets(merchants: ServiceMerchants): { pid: string; provider: string }[] {
  return merchants.all().flatMap((m) => m.gateways.map((g) => ({ pid: m.pid, provider: g.provider })));
}

async function firstPaidDay(pool: Pool): Promise<string | undefined> {
  const { rows } = await pool.query<{ first: string | null }>(
    'SELECT min(paid_at)::text AS first FROM hub_orders WHERE paid_at IS NOT NULL',
  );
  const first = rows[0]?.first;
  return first == null ? undefined : beijingDate(Number(first));
}

/** The days from `from` on whose every target has a finished run made after the day ended. */
async function finishedDays(pool: Pool, merchants: ServiceMerchants, from: string): Promise<Set<string>> {
  const { rows } = await pool.query<{ pid: string; provider: string; bill_date: string; updated_at: string }>(
    `SELECT pid, provider, bill_date, updated_at::text AS updated_at FROM hub_reconcile_runs
     WHERE bill_date >= $1 AND status = ANY($2::text[])`,
    [from, [...FINISHED]],
  );
  const byDay = new Map<string, Set<string>>();
  for (const r of rows) {
    // A run made before the day ended (an owner's "reconcile now" on today) saw only part of it.
    if (Number(r.updated_at) < beijingDayRange(r.bill_date).end) continue;
    const set = byDay.get(r.bill_date) ?? new Set<string>();
    set.add(`${r.pid}|${r.provider}`);
    byDay.set(r.bill_date, set);
  }
  const wanted = targets(merchants);
  const done = new Set<string>();
  for (const [day, set] of byDay) if (wanted.every((t) => set.has(`${t.pid}|${t.provider}`))) done.add(day);
  return done;
}

export function startDailyHubReconcile(
  pool: Pool,
  merchants: ServiceMerchants,
  clock: Clock,
  log: (message: string, fields?: Record<string, unknown>) => void,
  options: DailyHubReconcileOptions = {},
): DailyHubReconcile {
  const at = options.at ?? '10:30';
  parseDailyTime(at); // a bad time fails at start, naming the rule
  const catchUpDays = options.catchUpDays ?? 7;
  const retriesPerDay = options.retriesPerDay ?? 6;
  const abort = new AbortController();
  let retriesLeft = retriesPerDay;
  let nextDaily = nextDailyTime(clock.now(), at);
  let nextAt: number | null = clock.now() + (options.initialDelayMs ?? 5 * 60_000);
  let lastWake: HubReconcileScheduleStatus['last_wake'] = null;

  /** One wake: the due days, each reconciled once. True when a day was left unfinished. */
  async function wake(): Promise<boolean> {
    const now = clock.now();
    const client = await pool.connect();
    try {
      const locked = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1) AS ok', [LOCK_KEY]);
      if (!locked.rows[0]?.ok) {
        lastWake = { at: now, dates: [], unfinished: [], skipped: true, error: null };
        return false;
      }
      try {
        const oldest = addDays(beijingDate(now), -(catchUpDays + 1));
        const [first, done] = await Promise.all([firstPaidDay(pool), finishedDays(pool, merchants, oldest)]);
        const due = datesDue(now, at, catchUpDays, first, (d) => done.has(d));
        const unfinished: string[] = [];
        let error: string | null = null;
        for (const date of due) {
          if (abort.signal.aborted) break;
          log('daily reconciliation', { date });
          try {
            const results = await reconcileAtHub(pool, merchants, clock, date, abort.signal);
            if (results.some((r) => !FINISHED.has(r.status))) unfinished.push(date);
          } catch (e) {
            unfinished.push(date);
            error = (e as Error).message;
            log('daily reconciliation failed', { date, error });
          }
        }
        lastWake = { at: now, dates: due, unfinished, skipped: false, error };
        return unfinished.length > 0;
      } finally {
        await client.query('SELECT pg_advisory_unlock($1)', [LOCK_KEY]);
      }
    } finally {
      client.release();
    }
  }

  const loop = (async () => {
    await clock.sleep(options.initialDelayMs ?? 5 * 60_000, abort.signal);
    while (!abort.signal.aborted) {
      nextAt = null;
      let unfinished: boolean;
      try {
        unfinished = await wake();
      } catch (e) {
        // The database away: the same bounded hourly retry as a bill that is not ready.
        unfinished = true;
        lastWake = {
          at: clock.now(),
          dates: [],
          unfinished: [],
          skipped: false,
          error: (e as Error).message,
        };
        log('daily reconciliation failed', { error: (e as Error).message });
      }
      const now = clock.now();
      if (now >= nextDaily) {
        nextDaily = nextDailyTime(now, at);
        retriesLeft = retriesPerDay;
      }
      let wakeAt = nextDaily;
      if (unfinished && retriesLeft > 0) {
        retriesLeft--;
        wakeAt = Math.min(wakeAt, now + HOUR_MS);
      }
      nextAt = wakeAt;
      await clock.sleep(wakeAt - now, abort.signal);
    }
  })();

  return {
    status: () => ({ daily_at: at, next_at: nextAt, last_wake: lastWake, retries_left: retriesLeft }),
    async stop() {
      abort.abort();
      await loop;
    },
  };
}
