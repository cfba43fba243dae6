/**
 * The polling comparison and the constraints on our default schedules that the bench tuned
 * (PAYJS ≥ 3 s apart, spans at least as patient as the most patient official schedule, and on the
 * bench's spread: no more queries than the 3 s schedule, no more premature reversals).
 */
import { describe, expect, it } from 'vitest';
import { comparePolling } from '../../bench/polling/compare.ts';
import { drawCustomers } from '../../bench/polling/customers.ts';
import { formatComparison } from '../../bench/polling/run.ts';
import { comparedSchedules, mostPatientOfficial, SCHEDULE_NAMES } from '../../bench/polling/schedules.ts';
import { DEFAULT_POLL_POLICIES, scheduleSpanMs } from '../../core/domain/poll-policy.ts';

describe('comparePolling', () => {
  const comparison = comparePolling({ seed: 11, customers: 4000 });

  it('runs every schedule on the same customers and reverses everyone who never confirms', () => {
    expect(comparison.rows.map((r) => r.schedule.name)).toEqual(comparedSchedules().map((s) => s.name));
    for (const row of comparison.rows) {
      expect(row.figures.customers).toBe(4000);
      expect(row.figures.neverConfirmed).toBe(comparison.neverConfirmed);
      expect(row.figures.neverConfirmedReversed).toBe(comparison.neverConfirmed);
      expect(row.figures.paid + row.figures.prematureReversals + comparison.neverConfirmed).toBe(4000);
    }
  });

  it('schedules shorter than 40 s reverse some customers who were about to confirm; 60 s ones only those beyond 60 s', () => {
    const premature = (name: string) =>
      comparison.rows.find((r) => r.schedule.name === name)!.figures.prematureReversals;
    // No clipping at 40 s: the tail beyond the last query is reversed, by every schedule.
    const beyond60s = drawCustomers(11, 4000).filter((t) => t > 60_000 && Number.isFinite(t)).length;
    expect(beyond60s).toBeGreaterThan(0);
    expect(premature(SCHEDULE_NAMES.wechat5)).toBeGreaterThan(beyond60s);
    expect(premature(SCHEDULE_NAMES.alipayDemo)).toBeGreaterThan(premature(SCHEDULE_NAMES.wechat5));
    expect(premature(SCHEDULE_NAMES.alipay3)).toBe(beyond60s);
    expect(comparison.mostPatient).toBe(SCHEDULE_NAMES.alipay3);
  });

  it('checks only our schedules, each check against the stated limit', () => {
    for (const row of comparison.rows) {
      if (row.schedule.kind === 'official') {
        expect(row.checks).toBeNull();
        continue;
      }
      expect(row.checks).toEqual({
        meanDelay: row.figures.meanDelayMs <= comparison.meanDelayLimitMs,
        queries: row.figures.queriesPerPayment <= comparison.queryLimit,
        premature: row.figures.prematureReversals <= comparison.prematureLimit,
      });
      expect(row.frontier).not.toBeNull();
      expect(row.frontier!.lowerBoundMeanDelayMs).toBeLessThanOrEqual(row.frontier!.best.meanDelayMs);
    }
  });

  it('our tuned defaults keep to the 3 s schedule’s queries and the most patient one’s reversals', () => {
    for (const row of comparison.rows.filter((r) => r.schedule.kind === 'ours')) {
      expect(row.checks?.queries).toBe(true);
      expect(row.checks?.premature).toBe(true);
    }
  });

  it('prints the seed, every schedule and the target line', () => {
    const text = formatComparison(comparison);
    expect(text).toContain('seed 11');
    for (const s of comparedSchedules()) expect(text).toContain(s.name);
    expect(text).toContain('targets for ours');
  });
});

describe('our default schedules', () => {
  it('PAYJS never checks sooner than 3 s apart', () => {
    expect(Math.min(...DEFAULT_POLL_POLICIES.payjs.queryDelaysMs)).toBeGreaterThanOrEqual(3000);
  });

  it('every provider is at least as patient as the most patient official schedule', () => {
    const patient = scheduleSpanMs(mostPatientOfficial(comparedSchedules()).policy);
    expect(patient).toBe(60_000);
    for (const policy of Object.values(DEFAULT_POLL_POLICIES)) {
      expect(scheduleSpanMs(policy)).toBeGreaterThanOrEqual(patient);
    }
  });
});
