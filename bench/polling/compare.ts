/**
 * One polling comparison: the same customers through every compared schedule, the target
 * checks for our schedules, and the best any schedule could do within the query budget (so a
 * missed target can be told apart from an unreachable one).
 *
 * Targets (the issue): mean delay ≤ 40 % of the "WeChat 5 s up to 30 s" schedule's, no more
 * queries per payment than "Alipay 3 s up to 60 s", no more premature reversals than the most
 * patient official schedule.
 */
import { scheduleSpanMs } from '../../core/domain/poll-policy.ts';
import { type ConfirmSpread, DEFAULT_SPREAD, drawCustomers } from './customers.ts';
import { type Frontier, frontierWithin } from './frontier.ts';
import {
  type ComparedSchedule,
  comparedSchedules,
  mostPatientOfficial,
  SCHEDULE_NAMES,
} from './schedules.ts';
import { type ScheduleFigures, type SimulateOptions, simulateSchedule } from './simulate.ts';

export const MEAN_DELAY_TARGET_SHARE = 0.4;

export interface CompareOptions extends SimulateOptions {
  readonly seed: number;
  readonly customers?: number;
  readonly spread?: ConfirmSpread;
}

export interface TargetChecks {
  readonly meanDelay: boolean;
  readonly queries: boolean;
  readonly premature: boolean;
}

export interface ComparedRow {
  readonly schedule: ComparedSchedule;
  readonly spanMs: number;
  readonly figures: ScheduleFigures;
  /** Only for our schedules. */
  readonly checks: TargetChecks | null;
  /** Only for our schedules: the best any schedule of the same span (and minimum gap) can do within the query budget. */
  readonly frontier: Frontier | null;
}

export interface Comparison {
  readonly seed: number;
  readonly customers: number;
  readonly neverConfirmed: number;
  readonly meanDelayLimitMs: number;
  readonly queryLimit: number;
  readonly prematureLimit: number;
  readonly mostPatient: string;
  /** The frontier's schedules end here (the most patient official span); the bound holds for any longer span too. */
  readonly frontierSpanMs: number;
  readonly rows: readonly ComparedRow[];
}

function figuresOf(
  rows: readonly { name: string; figures: ScheduleFigures }[],
  name: string,
): ScheduleFigures {
  const row = rows.find((r) => r.name === name);
  if (!row) throw new Error(`the comparison lacks the schedule "${name}"`);
  return row.figures;
}

export function comparePolling(options: CompareOptions): Comparison {
  const customers = drawCustomers(
    options.seed,
    options.customers ?? 20_000,
    options.spread ?? DEFAULT_SPREAD,
  );
  const schedules = comparedSchedules();
  const measured = schedules.map((s) => ({
    name: s.name,
    figures: simulateSchedule(s.policy, customers, options),
  }));
  const fiveSeconds = figuresOf(measured, SCHEDULE_NAMES.wechat5);
  const threeSeconds = figuresOf(measured, SCHEDULE_NAMES.alipay3);
  const patient = mostPatientOfficial(schedules);
  const patientFigures = figuresOf(measured, patient.name);
  const meanDelayLimitMs = MEAN_DELAY_TARGET_SHARE * fiveSeconds.meanDelayMs;
  const queryLimit = threeSeconds.queriesPerPayment;
  const neverConfirmed = threeSeconds.neverConfirmed;
  const rows = schedules.map((schedule, i): ComparedRow => {
    const figures = measured[i]!.figures;
    const spanMs = scheduleSpanMs(schedule.policy);
    if (schedule.kind !== 'ours') return { schedule, spanMs, figures, checks: null, frontier: null };
    // The frontier counts polling queries only; every schedule adds one query per reversal it confirms.
    const pollingBudget = queryLimit - neverConfirmed / customers.length;
    const frontier = options.roundTripMs
      ? null
      : safeFrontier(customers, pollingBudget, schedule, scheduleSpanMs(patient.policy));
    return {
      schedule,
      spanMs,
      figures,
      checks: {
        meanDelay: figures.meanDelayMs <= meanDelayLimitMs,
        queries: figures.queriesPerPayment <= queryLimit,
        premature: figures.prematureReversals <= patientFigures.prematureReversals,
      },
      frontier,
    };
  });
  return {
    seed: options.seed,
    customers: customers.length,
    neverConfirmed,
    meanDelayLimitMs,
    queryLimit,
    prematureLimit: patientFigures.prematureReversals,
    mostPatient: patient.name,
    frontierSpanMs: scheduleSpanMs(patient.policy),
    rows,
  };
}

/** The frontier assumes zero round trip and customers within the span; null when that does not hold. */
function safeFrontier(
  customers: readonly number[],
  budget: number,
  schedule: ComparedSchedule,
  spanMs: number,
): Frontier | null {
  try {
    // PAYJS must keep queries ≥ 3 s apart: its frontier respects the same gap.
    return frontierWithin(customers, budget, { spanMs, minGapMs: schedule.minGapMs });
  } catch (error) {
    if (error instanceof RangeError) return null;
    throw error;
  }
}
