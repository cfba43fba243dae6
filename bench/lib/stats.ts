/** Small statistics for benchmark figures: median and nearest-rank percentiles of a sample. */

/** Nearest-rank percentile (p in 0–100) of a non-empty sample; the sample is not modified. */
export function percentile(sample: readonly number[], p: number): number {
  if (sample.length === 0) throw new RangeError('percentile of an empty sample');
  if (!(p >= 0 && p <= 100)) throw new RangeError(`percentile ${p} is outside 0–100`);
  const sorted = [...sample].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1]!;
}

/** Median; for an even count, the mean of the two middle values. */
export function median(sample: readonly number[]): number {
  if (sample.length === 0) throw new RangeError('median of an empty sample');
  const sorted = [...sample].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Milliseconds taken by `work` (sync or async), measured with the monotonic clock. */
export async function timeMs(work: () => unknown): Promise<number> {
  const start = performance.now();
  await work();
  return performance.now() - start;
}
