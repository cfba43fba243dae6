/**
 * Timing as data, in one home: the one back-off function every retry loop uses (attempt replies,
 * refunds, paid callbacks, provider probes, scanner reconnects), the refund follow-up and paid
 * callback schedules, and WeChat's reverse and close floors. The attempt's own schedule is PollPolicy
 * (./poll-policy.ts), which takes its floor and back-off from here.
 *
 * Pure: randomness (jitter) is passed in, so the attempt machine stays deterministic and tests
 * draw what they like.
 */

/** Capped exponential back-off: initialMs, doubling per failure, never above maxMs. */
export interface Backoff {
  readonly initialMs: number;
  readonly maxMs: number;
  /**
   * Fraction (0–1) of the delay that is random: the delay is drawn from [d·(1−jitter), d], so the
   * cap stays a cap while many terminals retrying one endpoint spread out. 0 or absent: none.
   */
  readonly jitter?: number;
}

/** Exponent cap: 2^30 × any sane initial delay is far past every cap, and no float overflows. */
const MAX_DOUBLINGS = 30;

/**
 * The wait before the next try after `failures` failures in a row (1 = the first failure waits
 * initialMs). `random` returns [0, 1) like Math.random; the default draws no jitter.
 */
export function backoffMs(backoff: Backoff, failures: number, random: () => number = () => 0): number {
  const doublings = Math.max(0, Math.min(failures - 1, MAX_DOUBLINGS));
  const capped = Math.min(backoff.maxMs, backoff.initialMs * 2 ** doublings);
  const jitter = Math.min(1, Math.max(0, backoff.jitter ?? 0));
  if (jitter === 0) return capped;
  const draw = Math.min(1, Math.max(0, random()));
  return Math.round(capped * (1 - jitter * draw));
}

/**
 * WeChat Pay: a micropay order may not be reversed sooner than 15 s after it was placed
 * (docs/protocols.md §2, Reverse). No configuration may lower it.
 */
export const WXPAY_REVERSE_FLOOR_MS = 15_000;

/**
 * WeChat Pay: an order may not be closed sooner than 5 minutes after it was created (closeorder,
 * docs/protocols.md §2 "QR order expiry"; APIv3 §3 "Close"). The attempt counts from when it sent
 * the pre-create, WeChat from when the order arrived: the margin covers that request's latency and
 * a close landing a moment early, so the first close is not refused as too young.
 */
export const WXPAY_CLOSE_FLOOR_MS = 5 * 60_000;
export const WXPAY_CLOSE_FLOOR_MARGIN_MS = 10_000;

/**
 * Resolving a pending refund (core/engine/refund-service.ts): a quick bounded burst of queries or
 * re-sends (about 90 s), then slow follow-ups for as long as the provider may still be processing
 * (a WeChat refund to a bank card can stay PROCESSING for days), bounded by the refund's age.
 */
export interface RefundTiming {
  /** Quick rounds per resolution: each asks (or re-sends the same out_refund_no) once. */
  readonly quickRounds: number;
  /** Wait after a quick round that left the refund pending (round n waits for failure n + 1). */
  readonly quickBackoff: Backoff;
  /** Waits between slow follow-ups once the quick rounds leave a refund pending; the last repeats. */
  readonly followUpMs: readonly number[];
  /** A refund still unresolved this long after it was asked for is left to a person (it stays listed). */
  readonly followUpMaxAgeMs: number;
}

export const REFUND_TIMING: RefundTiming = {
  quickRounds: 8,
  quickBackoff: { initialMs: 1000, maxMs: 30_000 },
  followUpMs: [60_000, 120_000, 300_000, 600_000, 1_800_000, 3_600_000],
  followUpMaxAgeMs: 14 * 24 * 3600_000,
};

/**
 * A paid callback (vk-uni-pay's user_order_success handler) that throws is run again after a
 * back-off, at most maxRuns times in all; then it stays visible in the order for a person.
 * Jitter spreads terminals retrying the same merchant endpoint after its outage.
 */
export interface CallbackRetry {
  readonly maxRuns: number;
  readonly backoff: Backoff;
}

export const CALLBACK_RETRY: CallbackRetry = {
  maxRuns: 8,
  backoff: { initialMs: 1000, maxMs: 60_000, jitter: 0.2 },
};

/** Re-probing a provider found unreachable, until it answers again (core/service/provider-health.ts). */
export const PROVIDER_PROBE_BACKOFF: Backoff = { initialMs: 2000, maxMs: 30_000 };
