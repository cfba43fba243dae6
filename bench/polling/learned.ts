/**
 * Before/after figures for the two issue-20 changes to detection delay, on the recorded populations
 * (./customers.ts POPULATIONS), in the real attempt machine:
 * - learned schedules: a terminal that has journaled LEARNING.maxSamples customers of a population
 *   re-solves its schedule (core/domain/poll-learning.ts); both schedules then meet 20,000 customers
 *   it has not seen, drawn from the next seed;
 * - push: Alipay trade.pay with notify_url, the notification booked `pushLatencyMs` after the
 *   customer confirms, polling going on as before.
 */
import type { ProviderName } from '../../core/common/contract/views.ts';
import { LEARNING, learnSchedule } from '../../core/domain/poll-learning.ts';
import { DEFAULT_POLL_POLICIES } from '../../core/domain/poll-policy.ts';
import { drawCustomers, POPULATIONS, type Population } from './customers.ts';
import { type ScheduleFigures, simulateSchedule } from './simulate.ts';

export interface LearnedRow {
  readonly population: Population['name'];
  readonly provider: ProviderName;
  readonly before: ScheduleFigures;
  /** Null when the terminal keeps the default (nothing clearly better within the bounds). */
  readonly after: ScheduleFigures | null;
  readonly learnedDelaysMs: readonly number[] | null;
}

export function learnedComparison(
  providers: readonly ProviderName[],
  options: { readonly roundTripMs: number; readonly customers: number },
): LearnedRow[] {
  const rows: LearnedRow[] = [];
  for (const population of POPULATIONS) {
    const journal = drawCustomers(population.seed, LEARNING.maxSamples, population.spread);
    const fresh = drawCustomers(population.seed + 1, options.customers, population.spread);
    for (const provider of providers) {
      const base = DEFAULT_POLL_POLICIES[provider];
      const learned = learnSchedule(provider, journal, base);
      const simulate = { roundTripMs: options.roundTripMs };
      rows.push({
        population: population.name,
        provider,
        before: simulateSchedule(base, fresh, simulate),
        after: learned
          ? simulateSchedule({ ...base, queryDelaysMs: learned.queryDelaysMs }, fresh, simulate)
          : null,
        learnedDelaysMs: learned?.queryDelaysMs ?? null,
      });
    }
  }
  return rows;
}

export interface PushRow {
  readonly population: Population['name'];
  readonly polling: ScheduleFigures;
  readonly pushed: ScheduleFigures;
}

export function pushComparison(options: {
  readonly roundTripMs: number;
  readonly pushLatencyMs: number;
  readonly customers: number;
}): PushRow[] {
  const policy = DEFAULT_POLL_POLICIES.alipay;
  return POPULATIONS.map((population) => {
    const customers = drawCustomers(population.seed, options.customers, population.spread);
    return {
      population: population.name,
      polling: simulateSchedule(policy, customers, { roundTripMs: options.roundTripMs }),
      pushed: simulateSchedule(policy, customers, {
        roundTripMs: options.roundTripMs,
        pushLatencyMs: options.pushLatencyMs,
      }),
    };
  });
}
