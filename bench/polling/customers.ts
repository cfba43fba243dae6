/**
 * When customers confirm the password on their phone, measured from the micropay call whose reply
 * said "waiting for the password" (USERPAYING / 10003).
 *
 * The spread: a log-normal (median, σ in ln-seconds) with a floor (unlocking a phone and typing a
 * 6-digit PIN takes a couple of seconds at best), plus a share of customers who never confirm (they
 * walk away, their balance is short, they gave the wrong code). There is no upper clip: a customer
 * who takes 70 s takes 70 s, and a schedule that gave up before is charged with a premature
 * reversal (the old model folded the 1 % beyond 40 s into exactly 40 s, where our schedule happened
 * to query). Three recorded populations, each with its own seed so every run draws the same people:
 * `typical` (median 8 s, σ 0.7: most done in 5–15 s, p90 ≈ 20 s), `fast` (a convenience store of
 * regulars with fingerprint unlock: median 4 s) and `slow` (elderly customers, a market: median
 * 14 s, a long tail, more who never confirm). Nothing here is tuned to make a schedule pass: change
 * the options, not the defaults, to test other assumptions.
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
  maxMs: Number.POSITIVE_INFINITY,
  neverShare: 0.05,
};

export interface Population {
  readonly name: 'typical' | 'fast' | 'slow';
  readonly spread: ConfirmSpread;
  /** The seed the benchmark draws this population with (recorded: the same people every run). */
  readonly seed: number;
}

export const POPULATIONS: readonly Population[] = [
  { name: 'typical', spread: DEFAULT_SPREAD, seed: 20_261_123 },
  {
    name: 'fast',
    spread: { medianMs: 4000, sigma: 0.45, minMs: 1500, maxMs: Number.POSITIVE_INFINITY, neverShare: 0.03 },
    seed: 20_261_130,
  },
  {
    name: 'slow',
    spread: { medianMs: 14_000, sigma: 0.8, minMs: 3000, maxMs: Number.POSITIVE_INFINITY, neverShare: 0.08 },
    seed: 20_261_131,
  },
];

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
