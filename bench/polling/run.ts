/**
 * Detection delay of our poll schedules vs the providers' published ones, on simulated time (the
 * real attempt machine, no sleeping): finishes in about a second.
 *   node bench/polling/run.ts [--seed N] [--customers N] [--rtt MS]
 * Prints one table (mean and p95 delay from the customer's confirmation to "paid", queries per
 * payment, premature reversals) with the issue's target checks for our schedules, then the best
 * any schedule could do within the query budget.
 */
import { fileURLToPath } from 'node:url';
import { type Comparison, comparePolling, MEAN_DELAY_TARGET_SHARE } from './compare.ts';
import { DEFAULT_SPREAD } from './customers.ts';

const DEFAULT_SEED = 20_261_123;

function flag(args: readonly string[], name: string, fallback: number, min = 0): number {
  const at = args.indexOf(name);
  if (at < 0) return fallback;
  const value = Number(args[at + 1]);
  if (!Number.isSafeInteger(value) || value < min)
    throw new RangeError(`${name} needs a whole number ≥ ${min}`);
  return value;
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const mark = (ok: boolean) => (ok ? 'yes' : 'NO');

export function formatComparison(c: Comparison): string {
  const header = [
    'schedule',
    'span',
    'mean delay',
    'p95 delay',
    'queries/pay',
    'premature',
    'mean ok',
    'queries ok',
    'premature ok',
  ];
  const body = c.rows.map((r) => [
    r.schedule.name,
    seconds(r.spanMs),
    seconds(r.figures.meanDelayMs),
    seconds(r.figures.p95DelayMs),
    r.figures.queriesPerPayment.toFixed(2),
    `${(100 * r.figures.prematureShare).toFixed(2)} %`,
    r.checks ? mark(r.checks.meanDelay) : '',
    r.checks ? mark(r.checks.queries) : '',
    r.checks ? mark(r.checks.premature) : '',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => row[i]!.length)));
  const line = (cells: readonly string[]) =>
    cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ');
  const s = DEFAULT_SPREAD;
  const lines = [
    `seed ${c.seed}; ${c.customers} customers per schedule (the same for every schedule), ${c.neverConfirmed} never confirm`,
    `confirmation delay: log-normal, median ${seconds(s.medianMs)}, σ ${s.sigma}, clipped to [${seconds(s.minMs)}, ${seconds(s.maxMs)}], ${100 * s.neverShare} % never`,
    '',
    line(header),
    line(widths.map((w) => '-'.repeat(w))),
    ...body.map(line),
    '',
    `targets for ours: mean delay ≤ ${seconds(c.meanDelayLimitMs)} (${100 * MEAN_DELAY_TARGET_SHARE} % of the 5 s schedule's), ` +
      `queries/payment ≤ ${c.queryLimit.toFixed(2)} (the 3 s schedule's), premature reversals ≤ ${c.prematureLimit} ` +
      `(${c.mostPatient}, the most patient official one)`,
  ];
  for (const r of c.rows) {
    if (!r.frontier) continue;
    lines.push(
      `${r.schedule.name}: within its query budget no schedule spanning ≥ ${seconds(c.frontierSpanMs)}${r.schedule.minGapMs ? ` with gaps ≥ ${seconds(r.schedule.minGapMs)}` : ''} can have a mean delay below ` +
        `${seconds(r.frontier.lowerBoundMeanDelayMs)}; the best found waits ${seconds(r.frontier.best.meanDelayMs)} ` +
        `[${r.frontier.best.queryDelaysMs.join(', ')}]` +
        (r.frontier.lowerBoundMeanDelayMs > c.meanDelayLimitMs
          ? ` → the mean-delay target (${seconds(c.meanDelayLimitMs)}) is out of reach for any such schedule`
          : ''),
    );
  }
  return lines.join('\n');
}

export function main(args: readonly string[] = process.argv.slice(2)): void {
  const started = performance.now();
  let options: Parameters<typeof comparePolling>[0];
  try {
    options = {
      seed: flag(args, '--seed', DEFAULT_SEED),
      customers: flag(args, '--customers', 20_000, 1),
      roundTripMs: flag(args, '--rtt', 0),
    };
  } catch (error) {
    console.error(
      `${(error as Error).message}\nusage: node bench/polling/run.ts [--seed N] [--customers N] [--rtt MS]`,
    );
    process.exitCode = 2;
    return;
  }
  const comparison = comparePolling(options);
  console.log(formatComparison(comparison));
  console.log(`(simulated time; ran in ${((performance.now() - started) / 1000).toFixed(2)} s of real time)`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) main();
