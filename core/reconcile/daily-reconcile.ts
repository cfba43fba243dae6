/**
 * The automatic daily reconciliation: every day at `at` (Beijing time, default 10:30, after WeChat's
 * bills are ready at about 10:00) it reconciles every day of the last `catchUpDays` that is not yet
 * reconciled for every target, oldest first, so a terminal that was off for a few days catches up.
 * Today is never due (its bill does not exist yet), nor is yesterday before `at`, nor any day before
 * the journal's first sale. A day left unfinished (bill not ready, unreadable) is tried again an
 * hour later, at most `retriesPerDay` times before the next daily time: each wake tries each due
 * day once, so the loop is bounded. Runs on the service's clock; stop() ends it between days.
 */
import { ValidationError } from '../common/errors.ts';
import type { Clock } from '../ports/clock.ts';
import { addDays, beijingDate, beijingDayRange } from './beijing-day.ts';

const HOUR_MS = 3_600_000;
const TIME = /^([01]\d|2[0-3]):([0-5]\d)$/;

export interface DailyReconcileOptions {
  readonly clock: Clock;
  /** "HH:MM", Beijing time. */
  readonly at: string;
  readonly catchUpDays: number;
  /** The first Beijing day with a sale in the journal, or undefined when there is none. */
  readonly firstDay: () => string | undefined;
  /** True when every target has that day reconciled (or the provider no longer keeps it). */
  readonly isDone: (date: string) => boolean;
  /** Reconciles the day; true when every target finished it. */
  readonly runDay: (date: string) => Promise<boolean>;
  readonly log: (message: string, fields?: Record<string, unknown>) => void;
  /** Wait after start before the first catch-up (default 5 min: a starting terminal has sales to take first). */
  readonly initialDelayMs?: number;
  readonly retriesPerDay?: number;
}

/** Minutes after Beijing midnight. */
export function parseDailyTime(at: string): number {
  const m = TIME.exec(at);
  if (!m)
    throw new ValidationError(
      'reconcile_time_invalid',
      `the daily reconciliation time must be HH:MM, got ${JSON.stringify(at)}`,
    );
  return Number(m[1]) * 60 + Number(m[2]);
}

/** The days to reconcile at `now`, oldest first. */
export function datesDue(
  now: number,
  at: string,
  catchUpDays: number,
  firstDay: string | undefined,
  isDone: (date: string) => boolean,
): string[] {
  if (firstDay === undefined) return [];
  const today = beijingDate(now);
  const timeToday = beijingDayRange(today).start + parseDailyTime(at) * 60_000;
  const newest = addDays(today, now >= timeToday ? -1 : -2);
  const due: string[] = [];
  for (let back = catchUpDays - 1; back >= 0; back--) {
    const date = addDays(newest, -back);
    if (date >= firstDay && !isDone(date)) due.push(date);
  }
  return due;
}

/** The next daily time strictly after `now`. */
export function nextDailyTime(now: number, at: string): number {
  const today = beijingDate(now);
  const timeToday = beijingDayRange(today).start + parseDailyTime(at) * 60_000;
  return timeToday > now ? timeToday : timeToday + 24 * HOUR_MS;
}

export function startDailyReconcile(options: DailyReconcileOptions): { stop(): Promise<void> } {
  const { clock, at, log } = options;
  parseDailyTime(at);
  const retriesPerDay = options.retriesPerDay ?? 6;
  const abort = new AbortController();
  let retriesLeft = retriesPerDay;
  let nextDaily = nextDailyTime(clock.now(), at);

  async function wake(): Promise<boolean> {
    const due = datesDue(clock.now(), at, options.catchUpDays, options.firstDay(), options.isDone);
    let unfinished = false;
    for (const date of due) {
      if (abort.signal.aborted) return false;
      log('daily reconciliation', { date });
      try {
        if (!(await options.runDay(date))) unfinished = true;
      } catch (error) {
        unfinished = true;
        log('daily reconciliation failed', { date, error: (error as Error).message });
      }
    }
    return unfinished;
  }

  const loop = (async () => {
    await clock.sleep(options.initialDelayMs ?? 5 * 60_000, abort.signal);
    while (!abort.signal.aborted) {
      const unfinished = await wake();
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
      await clock.sleep(wakeAt - now, abort.signal);
    }
  })();

  return {
    async stop() {
      abort.abort();
      await loop;
    },
  };
}
