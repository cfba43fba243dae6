/**
 * Detection delay of our poll schedules vs the providers' published ones, on simulated time (the
 * real attempt machine, no sleeping): finishes in about a second.
 *   node bench/polling/run.ts [--seed N] [--customers N] [--rtt MS] [--notify-latency MS]
 * Prints one table (mean and p95 delay from the customer's confirmation to "paid", queries per
 * payment, premature reversals) with the issue's target checks for our schedules, then the best
 * any schedule could do within the query budget; then, on the recorded populations and with the
 * round trip, the learned schedules against the default and Alipay's push against polling alone.
 */
import { fileURLToPath } from 'node:url';
import { type Comparison, comparePolling, MEAN_DELAY_TARGET_SHARE } from './compare.ts';
import { DEFAULT_SPREAD } from './customers.ts';
import { type LearnedRow, learnedComparison, type PushRow, pushComparison } from './learned.ts';
import type { ScheduleFigures } from './simulate.ts';

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
    `confirmation delay: log-normal, median ${seconds(s.medianMs)}, σ ${s.sigma}, from ${seconds(s.minMs)} on (no upper clip), ${100 * s.neverShare} % never`,
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

function table(header: readonly string[], body: readonly (readonly string[])[]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => row[i]!.length)));
  const line = (cells: readonly string[]) =>
    cells.map((cell, i) => (i < 2 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ');
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)];
}

const cells = (f: ScheduleFigures) => [
  seconds(f.meanDelayMs),
  seconds(f.p95DelayMs),
  f.queriesPerPayment.toFixed(2),
  `${(100 * f.prematureShare).toFixed(2)} %`,
];

export function formatLearned(rows: readonly LearnedRow[], rttMs: number): string {
  const body = rows.flatMap((r) => [
    [r.population, `${r.provider} default`, ...cells(r.before)],
    r.after
      ? [r.population, `${r.provider} learned`, ...cells(r.after)]
      : [r.population, `${r.provider} learned`, 'keeps the default', '', '', ''],
  ]);
  return [
    `learned schedules (${rttMs} ms round trip; learned from 2000 journaled customers, measured on 20,000 fresh ones):`,
    ...table(['population', 'schedule', 'mean delay', 'p95 delay', 'queries/pay', 'premature'], body),
    ...rows
      .filter((r) => r.learnedDelaysMs)
      .map((r) => `  ${r.population} ${r.provider}: [${r.learnedDelaysMs!.join(', ')}]`),
  ].join('\n');
}

export function formatPush(rows: readonly PushRow[], rttMs: number, latencyMs: number): string {
  const body = rows.flatMap((r) => [
    [r.population, 'alipay polling', ...cells(r.polling)],
    [r.population, 'alipay + push', ...cells(r.pushed)],
  ]);
  return [
    `Alipay trade.pay with notify_url (${rttMs} ms round trip, notification booked ${latencyMs} ms after the confirmation):`,
    ...table(['population', 'schedule', 'mean delay', 'p95 delay', 'queries/pay', 'premature'], body),
    `target: mean delay with push ≤ 0.30 s + the notify latency = ${seconds(300 + latencyMs)}`,
  ].join('\n');
}

export function main(args: readonly string[] = process.argv.slice(2)): void {
  const started = performance.now();
  let options: Parameters<typeof comparePolling>[0];
  let notifyLatencyMs: number;
  try {
    options = {
      seed: flag(args, '--seed', DEFAULT_SEED),
      customers: flag(args, '--customers', 20_000, 1),
      roundTripMs: flag(args, '--rtt', 0),
    };
    notifyLatencyMs = flag(args, '--notify-latency', 500);
  } catch (error) {
    console.error(
      `${(error as Error).message}\nusage: node bench/polling/run.ts [--seed N] [--customers N] [--rtt MS] [--notify-latency MS]`,
    );
    process.exitCode = 2;
    return;
  }
  const comparison = comparePolling(options);
  console.log(formatComparison(comparison));
  // The second part always includes a round trip: 300 ms unless --rtt says otherwise.
  const rtt = options.roundTripMs || 300;
  const customers = options.customers ?? 20_000;
  console.log('');
  console.log(formatLearned(learnedComparison(['wxpay', 'alipay'], { roundTripMs: rtt, customers }), rtt));
  console.log('');
  console.log(
    formatPush(
      pushComparison({ roundTripMs: rtt, pushLatencyMs: notifyLatencyMs, customers }),
      rtt,
      notifyLatencyMs,
    ),
  );
  console.log(`(simulated time; ran in ${((performance.now() - started) / 1000).toFixed(2)} s of real time)`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) main();
