/**
 * When customers confirm the password on their phone, measured from the micropay call whose reply
 * said "waiting for the password" (USERPAYING / 10003).
 *
 * The spread: a log-normal with median 8 s and σ = 0.7 (in ln-seconds), clipped to [2 s, 40 s],
 * plus 5 % of customers who never confirm (they walk away, their balance is short, they gave the
 * wrong code). Why these numbers: unlocking a phone and typing a 6-digit PIN takes a few seconds
 * at best (nobody confirms in under 2 s); most customers are done in 5–15 s; a long tail digs for
 * a card or argues with a fingerprint reader (σ = 0.7 puts p90 ≈ 20 s and p99 ≈ 40 s); the
 * providers' own guidance stops waiting between 30 and 60 s, so confirmations beyond 40 s are
 * rare enough to fold into the 40 s bound. The result is the 2–40 s, long-tailed spread the issue
 * asks for. Nothing here is tuned to make a schedule pass: change the options, not the defaults,
 * to test other assumptions.
 */
import { mulberry32, standardNormal } from './prng.ts';

export interface ConfirmSpread {
  readonly medianMs: number;
  /** Standard deviation of ln(delay). */
  readonly sigma: number;
  readonly minMs: number;
  readonly maxMs: number;
  /** Share of customers who never confirm, in [0, 1]. */
  readonly neverShare: number;
}

export const DEFAULT_SPREAD: ConfirmSpread = {
  medianMs: 8000,
  sigma: 0.7,
  minMs: 2000,
  maxMs: 40_000,
  neverShare: 0.05,
};

/**
 * `count` confirmation delays in ms (integers); `Infinity` = never confirms. Same seed, same
 * customers: every schedule in a run is measured against the very same people.
 */
export function drawCustomers(
  seed: number,
  count: number,
  spread: ConfirmSpread = DEFAULT_SPREAD,
): readonly number[] {
  if (!Number.isInteger(count) || count < 0)
    throw new RangeError(`count must be a whole number ≥ 0, got ${count}`);
  const uniform = mulberry32(seed);
  const customers: number[] = [];
  for (let i = 0; i < count; i++) {
    // Both draws are always taken so a customer's delay does not depend on whether others confirm.
    const never = uniform() < spread.neverShare;
    const raw = spread.medianMs * Math.exp(spread.sigma * standardNormal(uniform));
    const clipped = Math.min(spread.maxMs, Math.max(spread.minMs, Math.round(raw)));
    customers.push(never ? Number.POSITIVE_INFINITY : clipped);
  }
  return customers;
}
