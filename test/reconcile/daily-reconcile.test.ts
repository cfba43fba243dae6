import { describe, expect, it } from 'vitest';
import { datesDue, nextDailyTime, startDailyReconcile } from '../../core/reconcile/daily-reconcile.ts';
import { FakeClock } from '../fakes/fake-clock.ts';

/** 2026-11-23 at hh:mm Beijing, in ms. */
const beijing = (day: number, hh: number, mm = 0) => Date.UTC(2026, 10, day, hh - 8, mm);

describe('datesDue', () => {
  const never = () => false;

  it('after the daily time: yesterday and the catch-up window, oldest first; never today', () => {
    expect(datesDue(beijing(23, 10, 31), '10:30', 3, '2026-01-01', never)).toEqual([
      '2026-11-20',
      '2026-11-21',
      '2026-11-22',
    ]);
  });

  it('before the daily time yesterday is not due yet (its bill may not exist)', () => {
    expect(datesDue(beijing(23, 10, 29), '10:30', 2, '2026-01-01', never)).toEqual([
      '2026-11-20',
      '2026-11-21',
    ]);
  });

  it('skips days already reconciled and days before the journal’s first sale; nothing when no sale', () => {
    const done = (d: string) => d === '2026-11-21';
    expect(datesDue(beijing(23, 12), '10:30', 5, '2026-11-20', done)).toEqual(['2026-11-20', '2026-11-22']);
    expect(datesDue(beijing(23, 12), '10:30', 5, undefined, never)).toEqual([]);
  });

  it('a bad time is a clear error', () => {
    expect(() => datesDue(beijing(23, 12), '25:00', 1, '2026-01-01', never)).toThrow(/HH:MM/);
  });

  it('the next daily time is today’s if still ahead, else tomorrow’s', () => {
    expect(nextDailyTime(beijing(23, 9), '10:30')).toBe(beijing(23, 10, 30));
    expect(nextDailyTime(beijing(23, 10, 30), '10:30')).toBe(beijing(24, 10, 30));
  });
});

describe('startDailyReconcile', () => {
  it('catches up after start, retries an unfinished day hourly (bounded), then runs daily', async () => {
    const clock = new FakeClock(beijing(23, 8));
    const done = new Set<string>();
    const runs: string[] = [];
    let notReadyLeft = 2; // 2026-11-22 is not ready on the first two tries
    const daily = startDailyReconcile({
      clock,
      at: '10:30',
      catchUpDays: 3,
      firstDay: () => '2026-11-01',
      isDone: (d) => done.has(d),
      runDay: async (d) => {
        runs.push(`${new Date(clock.now() + 8 * 3600_000).toISOString().slice(5, 16)} ${d}`);
        if (d === '2026-11-22' && notReadyLeft-- > 0) return false;
        done.add(d);
        return true;
      },
      log: () => {},
      initialDelayMs: 60_000,
      retriesPerDay: 6,
    });
    await clock.advance(60_000); // start-up catch-up at 08:01: yesterday (11-22) not due before 10:30
    expect(runs).toEqual(['11-23T08:01 2026-11-19', '11-23T08:01 2026-11-20', '11-23T08:01 2026-11-21']);
    await clock.advance(beijing(23, 10, 30) - clock.now()); // daily time: 11-22 not ready
    await clock.advance(3_600_000); // retried an hour later, still not ready
    await clock.advance(3_600_000); // and again: done
    await clock.advance(3_600_000); // nothing left: no call
    expect(runs.slice(3)).toEqual([
      '11-23T10:30 2026-11-22',
      '11-23T11:30 2026-11-22',
      '11-23T12:30 2026-11-22',
    ]);
    await clock.advance(beijing(24, 10, 30) - clock.now()); // next day: 11-23
    expect(runs.at(-1)).toBe('11-24T10:30 2026-11-23');
    await daily.stop();
    expect(clock.pendingTimers).toBe(0);
  });

  it('gives up hourly retries after retriesPerDay until the next daily time', async () => {
    const clock = new FakeClock(beijing(23, 11));
    let calls = 0;
    const daily = startDailyReconcile({
      clock,
      at: '10:30',
      catchUpDays: 1,
      firstDay: () => '2026-11-01',
      isDone: () => false,
      runDay: async () => {
        calls++;
        return false;
      },
      log: () => {},
      initialDelayMs: 0,
      retriesPerDay: 2,
    });
    await clock.advance(10 * 3_600_000); // until 21:00
    expect(calls).toBe(3); // first try + 2 retries
    await daily.stop();
  });
});
