/**
 * Polling that learns (issue 20): each terminal fits its poll schedule to its own customers. From
 * the journal's finished payment-code attempts it takes when each customer confirmed (or that they
 * never did), and re-solves the schedule with the frontier (./poll-frontier.ts) under three bounds:
 * the same patience (the default schedule's span, so reversal comes no sooner), no more polling
 * queries per payment than the default schedule sends to these same customers, and the provider's
 * published minimum interval between queries (MIN_QUERY_GAP_MS, docs/protocols.md). A new terminal,
 * or one with fewer than LEARNING.minSamples observations, keeps the default schedule, and a learned
 * schedule is used only when it beats the default clearly (LEARNING.minGain) on the same observations.
 *
 * Pure: the engine (core/engine/poll-tuner.ts) feeds it attempts and applies what it returns.
 */
import type { ProviderName } from '../common/contract/views.ts';
import type { AttemptState } from './attempt-state.ts';
import { frontierWithin, scheduleFigures } from './poll-frontier.ts';
import { type PollPolicy, scheduleSpanMs } from './poll-policy.ts';

/**
 * The smallest gap between two queries of one order, per provider (docs/protocols.md §7, "Query
 * intervals"): WeChat recommends 3–5 s but its own SDK demo queries every 2 s, the densest official
 * schedule; Alipay asks for 3–5 s; PAYJS blacklists callers that check too often and the adapter
 * paces checks at 3 s.
 */
export const MIN_QUERY_GAP_MS: Readonly<Record<ProviderName, number>> = {
  wxpay: 2000,
  wxpay_v3: 2000,
  alipay: 3000,
  payjs: 3000,
};

export const LEARNING = {
  /** Fewer observations than this: the default schedule (a new terminal). */
  minSamples: 200,
  /** The most recent observations kept per provider. */
  maxSamples: 2000,
  /** Grid of the re-solved schedule (ms). */
  stepMs: 250,
  /**
   * The learned schedule replaces the default only if it waits this much less on the observations:
   * a smaller gain is within what a sample of this size can get wrong (the default is already the
   * best schedule for typical customers, and a refit there would only chase noise).
   */
  minGain: 0.05,
} as const;

/** The journal's steps of one attempt that matter here (core/ports/journal.ts timeline). */
export interface AttemptStep {
  readonly at: number;
  readonly out_trade_no: string;
  readonly step: 'intent' | 'outcome';
  readonly op: string;
}

/**
 * When the customer of a finished payment-code attempt confirmed, in ms after the charge was sent:
 * Infinity when polling ran to the end without seeing them pay (reversed, nobody pressed Stop, no
 * fault); undefined when the attempt says nothing about it (paid at once, declined, stopped by the
 * cashier, ended by a fault, a QR order). For a paid attempt the journal's steps bound it: after the
 * last query that still said pending (or the charge) and by the query (or the notification) that
 * said paid. The provider's own payment time is used when it lies in that window (it has whole
 * seconds and the provider's clock); otherwise the middle of the window.
 */
export function confirmationOf(attempt: AttemptState, steps: readonly AttemptStep[]): number | undefined {
  if (attempt.mode !== 'micropay' || attempt.queryCount === 0) return undefined;
  if (attempt.phase === 'reversed')
    return !attempt.stopRequested && attempt.failure === null ? Number.POSITIVE_INFINITY : undefined;
  if (attempt.phase !== 'paid') return undefined;
  const own = steps.filter((s) => s.out_trade_no === attempt.outTradeNo);
  const queries = own.filter((s) => s.step === 'intent' && s.op === 'query').map((s) => s.at);
  const byPush = own.findLast((s) => s.step === 'outcome')?.op === 'notified_paid';
  // Paid by a query: the one before it said pending. Paid by a push: the last query said pending.
  const lower = (byPush ? queries.at(-1) : queries.at(-2)) ?? attempt.chargedAt;
  const upper = byPush ? attempt.updatedAt : (queries.at(-1) ?? attempt.updatedAt);
  // A paidAt equal to the moment we booked it is the machine's own stamp, not the provider's.
  const providerAt = attempt.paidAt !== null && attempt.paidAt !== attempt.updatedAt ? attempt.paidAt : null;
  const at =
    providerAt !== null && providerAt > lower && providerAt <= upper ? providerAt : (lower + upper) / 2;
  return Math.max(0, at - attempt.chargedAt);
}

export interface LearnedSchedule {
  readonly queryDelaysMs: readonly number[];
  /** On the observations, under the frontier's model: the learned schedule and the default. */
  readonly meanDelayMs: number;
  readonly defaultMeanDelayMs: number;
  readonly queriesPerPayment: number;
  readonly defaultQueriesPerPayment: number;
  readonly samples: number;
}

/**
 * The schedule re-solved for these observed confirmation times, or undefined to keep `base` (too
 * few observations, nobody confirmed in time, or nothing better within the bounds).
 */
export function learnSchedule(
  provider: ProviderName,
  confirmations: readonly number[],
  base: PollPolicy,
): LearnedSchedule | undefined {
  if (confirmations.length < LEARNING.minSamples) return undefined;
  const spanMs = Math.ceil(scheduleSpanMs(base) / LEARNING.stepMs) * LEARNING.stepMs;
  const options = { spanMs, stepMs: LEARNING.stepMs, minGapMs: MIN_QUERY_GAP_MS[provider] };
  if (!confirmations.some((t) => t <= spanMs)) return undefined;
  const before = scheduleFigures(confirmations, base.queryDelaysMs, options);
  let frontier: ReturnType<typeof frontierWithin>;
  try {
    frontier = frontierWithin(confirmations, before.queriesPerPayment, options);
  } catch (error) {
    if (error instanceof RangeError) return undefined; // nothing fits the gap and the budget
    throw error;
  }
  const learned = frontier.best;
  if (learned.meanDelayMs > before.meanDelayMs * (1 - LEARNING.minGain)) return undefined;
  return {
    queryDelaysMs: learned.queryDelaysMs,
    meanDelayMs: learned.meanDelayMs,
    defaultMeanDelayMs: before.meanDelayMs,
    queriesPerPayment: learned.queriesPerPayment,
    defaultQueriesPerPayment: before.queriesPerPayment,
    samples: confirmations.length,
  };
}
