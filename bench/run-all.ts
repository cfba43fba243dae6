/**
 * Every benchmark, one table: `npm run bench` (or `node bench/run-all.ts [--quick]`).
 * Engine and polling are called through their exported functions; scan, service and ui run as
 * their own scripts (they measure processes, ptys and a browser and have no exported entry point),
 * spawned with this Node binary. Their own output goes to stderr as they run, so a slow step shows
 * progress and the full detail stays available; the summary table goes to stdout at the end.
 * The figures are parsed from the lines those scripts print (kept deliberately loose: a missing
 * figure shows as "not printed" rather than stopping the other benchmarks).
 * --quick shrinks every size (for checking the harness, not for quoting figures).
 * Floors (issue 20, bench/lib/floors.ts) are measured in the same run and printed beside the figures
 * they bound, with the ratio: a bare ESM HTTP server for start and idle RSS (measured inside the
 * service benchmark, the same way as serve), a raw fsync loop for the disk, raw SQLite commits for the
 * journal. Targets that are ratios (cold start ≤ 3×, idle RSS ≤ 1.6×) are checked against them.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { measureRecovery } from './engine/recovery.ts';
import { measureThroughput } from './engine/throughput.ts';
import { measureFsyncRate, measureSqliteCommitRate } from './lib/floors.ts';
import { describeMachine } from './lib/machine.ts';
import { formatTable } from './lib/table.ts';
import { comparePolling } from './polling/compare.ts';
import { measureAlipaySigning } from './service/alipay-signing.ts';

const quick = process.argv.includes('--quick');
const SCRIPT_TIMEOUT_MS = 30 * 60_000;

export interface Figure {
  readonly benchmark: string;
  readonly figure: string;
  readonly value: string;
  readonly target: string;
  /** null when there is no target or the figure was not obtained. */
  readonly met: boolean | null;
  /** The floor this figure is bounded by, measured in the same run, and the ratio to it. */
  readonly floor?: string;
}

const fmt = (n: number, decimals = 1) => n.toFixed(decimals);

function figure(
  benchmark: string,
  name: string,
  value: number | undefined,
  unit: string,
  target: string,
  check: ((v: number) => boolean) | null,
  decimals = 1,
): Figure {
  if (value === undefined || !Number.isFinite(value))
    return { benchmark, figure: name, value: 'not printed', target, met: null };
  return {
    benchmark,
    figure: name,
    value: `${fmt(value, decimals)}${unit}`,
    target,
    met: check ? check(value) : null,
  };
}

/** First capture group of `pattern` in `text` as a number (commas dropped). */
function grab(text: string, pattern: RegExp): number | undefined {
  const m = pattern.exec(text);
  return m?.[1] === undefined ? undefined : Number(m[1].replaceAll(',', ''));
}

/** Runs `node <script> ...args`, echoing its output to stderr; resolves with stdout (bounded time). */
function runScript(script: string, args: readonly string[]): Promise<string> {
  const path = fileURLToPath(new URL(script, import.meta.url));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
      process.stderr.write(chunk);
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      if (err.length < 20_000) err += chunk;
      process.stderr.write(chunk);
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), SCRIPT_TIMEOUT_MS);
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve(out);
      else reject(new Error(`${script} exited ${code ?? signal}: ${err.trim().split('\n').at(-1) ?? ''}`));
    });
  });
}

async function engine(): Promise<Figure[]> {
  const n = quick ? 200 : 2000;
  const orders = quick ? 10_000 : 100_000;
  const tp = await measureThroughput(n);
  const rec = await measureRecovery({ orders, unresolved: 100, repeats: quick ? 3 : 5 });
  // The disk's and SQLite's own limits, measured right after, on the same file system (tmpdir).
  const fsyncs = measureFsyncRate(quick ? 500 : 2000);
  const commits = measureSqliteCommitRate(quick ? 500 : 2000);
  const b = 'engine';
  return [
    figure(b, `engine/raw throughput (${n} paid attempts)`, tp.ratio * 100, ' %', '≥ 50 %', (v) => v >= 50),
    {
      ...figure(b, 'engine paid attempts per s', tp.engineRate, '/s', '', null, 0),
      floor: `${fmt(commits, 0)} SQLite commits/s (${fmt(tp.engineRate / commits, 3)}×)`,
    },
    figure(b, 'floor: raw fsync (4 KiB + fdatasync) per s', fsyncs, '/s', '', null, 0),
    {
      ...figure(b, 'floor: raw SQLite commits per s (WAL, synchronous=FULL)', commits, '/s', '', null, 0),
      floor: `${fmt(fsyncs, 0)} fsyncs/s (${fmt(commits / fsyncs, 2)}×)`,
    },
    figure(
      b,
      `recovery + resume, ${orders.toLocaleString('en-US')} orders (median)`,
      rec.medianResumedMs,
      ' ms',
      '≤ 300 ms',
      (v) => v <= 300,
    ),
  ];
}

function polling(): Figure[] {
  const c = comparePolling({ seed: 20_261_123, customers: quick ? 2000 : 20_000, roundTripMs: 0 });
  const out: Figure[] = [];
  for (const r of c.rows) {
    if (!r.checks) continue;
    const b = `polling: ${r.schedule.name}`;
    out.push(
      {
        benchmark: b,
        figure: 'mean detection delay',
        value: `${fmt(r.figures.meanDelayMs / 1000, 2)} s`,
        target: `≤ ${fmt(c.meanDelayLimitMs / 1000, 2)} s`,
        met: r.checks.meanDelay,
      },
      {
        benchmark: b,
        figure: 'queries per payment',
        value: fmt(r.figures.queriesPerPayment, 2),
        target: `≤ ${fmt(c.queryLimit, 2)}`,
        met: r.checks.queries,
      },
      {
        benchmark: b,
        figure: 'premature reversals',
        value: `${r.figures.prematureReversals} (${fmt(100 * r.figures.prematureShare, 2)} %)`,
        target: `≤ ${c.prematureLimit} (${c.mostPatient})`,
        met: r.checks.premature,
      },
    );
  }
  return out;
}

async function scan(): Promise<Figure[]> {
  const text = await runScript('./scan/run.ts', [quick ? '200' : '1000']);
  const b = 'scan (serial pty)';
  const row = (name: string) => grab(text, new RegExp(`^${name}\\s+[\\d.]+\\s+([\\d.]+)`, 'm'));
  return [
    figure(b, 'SerialPortScannerSource p99', row('SerialPortScannerSource'), ' ms', '', null, 3),
    figure(b, 'bare serialport p99', row('bare serialport data'), ' ms', '', null, 3),
    figure(
      b,
      'p99 gap source − bare',
      grab(text, /p99 difference: (-?[\d.]+) ms/),
      ' ms',
      '≤ 1 ms',
      (v) => v <= 1,
      3,
    ),
  ];
}

async function service(): Promise<Figure[]> {
  const orders = quick ? 10_000 : 100_000;
  const payments = quick ? 1000 : 10_000;
  const text = await runScript('./service/run.ts', [
    '--orders',
    String(orders),
    '--payments',
    String(payments),
  ]);
  const b = 'service';
  const o = orders.toLocaleString('en-US');
  const p = payments.toLocaleString('en-US');
  // Cold-start rows: "<label>  median  min  max  ratio×  target"; the floor row is the bare server.
  const coldStart = (label: string) => grab(text, new RegExp(`^${label}\\s{2,}([\\d,.]+)`, 'm'));
  const bareStart = coldStart('bare ESM HTTP server \\(floor\\)');
  // The CPU-time column (all threads, until healthy): steadier than wall time on a shared machine.
  const cpuOf = (label: string) =>
    grab(text, new RegExp(`^${label}\\s{2,}[\\d,.]+\\s+[\\d,.]+\\s+[\\d,.]+\\s+[\\d.]+×\\s+([\\d,.]+)`, 'm'));
  const bareCpu = cpuOf('bare ESM HTTP server \\(floor\\)');
  const cpuNote = (label: string) => {
    const cpu = cpuOf(label);
    return cpu === undefined || bareCpu === undefined
      ? ''
      : `; CPU ${fmt(cpu, 0)} vs ${fmt(bareCpu, 0)} ms (${fmt(cpu / bareCpu, 2)}×)`;
  };
  const started = (name: string, label: string): Figure => {
    const ms = coldStart(label);
    const ratio = ms !== undefined && bareStart !== undefined ? ms / bareStart : undefined;
    return {
      ...figure(
        b,
        name,
        ms,
        ' ms',
        '≤ 1000 ms, ≤ 3× floor',
        (v) => v <= 1000 && ratio !== undefined && ratio <= 3,
        0,
      ),
      floor:
        bareStart === undefined || ratio === undefined
          ? 'not printed'
          : `${fmt(bareStart, 0)} ms bare server (${fmt(ratio, 2)}×)${cpuNote(label)}`,
    };
  };
  const out: Figure[] = [
    started(`cold start, ${o} orders (median)`, `${o} orders, in-process sandbox`),
    started(`cold start, ${o} orders, --sandbox URL`, `${o} orders, --sandbox URL`),
    started('cold start, empty data dir', 'empty data dir, in-process sandbox'),
    started('cold start, empty data dir, --sandbox URL', 'empty data dir, --sandbox URL'),
    started(
      'cold start, same, empty compile cache (1 run)',
      'empty data dir, --sandbox URL, empty compile cache',
    ),
    started(
      'cold start, same, from the sources (no bundle)',
      'empty data dir, --sandbox URL, sources \\(no bundle\\)',
    ),
  ];
  // Idle RSS rows: "scanpay serve idle, <variant>  MiB  ratio×  target" beside the bare server's.
  for (const variant of ['as deployed', "Node's defaults"]) {
    const serveIdle = grab(text, new RegExp(`^scanpay serve idle, ${variant}\\s{2,}([\\d,.]+)`, 'm'));
    const bareIdle = grab(text, new RegExp(`^bare ESM HTTP server idle, ${variant}\\s{2,}([\\d,.]+)`, 'm'));
    const ratio = serveIdle !== undefined && bareIdle !== undefined ? serveIdle / bareIdle : undefined;
    out.push({
      ...figure(
        b,
        `idle RSS, ${variant}`,
        serveIdle,
        ' MiB',
        '≤ 1.6× floor',
        () => ratio !== undefined && ratio <= 1.6,
      ),
      floor:
        bareIdle === undefined || ratio === undefined
          ? 'not printed'
          : `${fmt(bareIdle)} MiB bare server (${fmt(ratio, 2)}×)`,
    });
  }
  // One section per variant: "serve process, <variant> (journal ...".
  for (const section of text.split(/^serve process, /m).slice(1)) {
    const variant = section.slice(0, section.indexOf(' (')).trim();
    const line = (label: string) => grab(section, new RegExp(`^${label}\\s{2,}([\\d,.]+)`, 'm'));
    out.push(
      figure(b, `RSS when healthy, ${variant}`, line('RSS when healthy, MiB'), ' MiB', '', null),
      figure(
        b,
        `RSS after ${p} payments, ${variant}`,
        line(`RSS after ${p} payments, MiB`),
        ' MiB',
        '≤ 150 MB',
        (v) => v * 1.048576 <= 150,
      ),
      figure(
        b,
        `payments per s (8 clients), ${variant}`,
        line('payment throughput \\(8 clients\\), per s'),
        '/s',
        '',
        null,
        0,
      ),
      figure(b, `queryPayment p50, ${variant}`, line('queryPayment round trip p50, ms'), ' ms', '', null, 2),
      figure(b, `queryPayment p99, ${variant}`, line('queryPayment round trip p99, ms'), ' ms', '', null, 2),
    );
  }
  return out;
}

function alipaySigning(): Figure[] {
  const f = measureAlipaySigning({
    imports: quick ? 3 : 7,
    rounds: quick ? 3 : 7,
    calls: quick ? 200 : 1000,
  });
  const b = 'alipay signing';
  const versus = (sdk: number, unit: string, decimals: number) => `alipay-sdk ${fmt(sdk, decimals)}${unit}`;
  return [
    {
      ...figure(b, 'import into a fresh process, node:crypto', f.cryptoImportMs, ' ms', '', null, 1),
      floor: versus(f.sdkImportMs, ' ms', 1),
    },
    {
      ...figure(b, 'RSS after that import, node:crypto', f.cryptoImportRssMiB, ' MiB', '', null, 1),
      floor: versus(f.sdkImportRssMiB, ' MiB', 1),
    },
    {
      ...figure(b, 'sign alipay.trade.pay, node:crypto signer', f.cryptoSignUs, ' µs', '', null, 0),
      floor: versus(f.sdkSignUs, ' µs', 0),
    },
  ];
}

async function ui(): Promise<Figure[]> {
  const text = await runScript('./ui/run.ts', ['--runs', quick ? '2' : '5']);
  const b = 'ui';
  return [
    figure(
      b,
      'renderer bundle gzip',
      grab(text, /renderer bundle: ([\d.]+) KB gzip/),
      ' KB',
      '≤ 250 KB',
      (v) => v <= 250,
    ),
    figure(
      b,
      'first contentful paint (median)',
      grab(text, /first contentful paint: median ([\d.]+) ms/),
      ' ms',
      '≤ 500 ms',
      (v) => v <= 500,
    ),
    figure(
      b,
      'scan → waiting screen (median)',
      grab(text, /scan → waiting screen: median ([\d.]+) ms/),
      ' ms',
      '≤ 50 ms',
      (v) => v <= 50,
    ),
  ];
}

async function reconcile(): Promise<Figure[]> {
  const trades = quick ? 5000 : 50_000;
  const text = await runScript('./reconcile/run.ts', ['--trades', String(trades)]);
  const b = 'reconcile (对账)';
  const t = trades.toLocaleString('en-US');
  const [deployed = '', defaults = ''] = text.split(/^Node's defaults:$/m);
  return [
    figure(
      b,
      `${t} + ${t} trades (WeChat + Alipay bills), as deployed`,
      grab(deployed, /reconcile time: ([\d.]+) ms/),
      ' ms',
      '≤ 10000 ms',
      (v) => v <= 10_000,
      0,
    ),
    figure(
      b,
      'peak RSS, as deployed',
      grab(deployed, /peak RSS: ([\d.]+) MiB/),
      ' MiB',
      '≤ 200 MB',
      (v) => v * 1.048576 <= 200,
    ),
    figure(b, "peak RSS, Node's defaults", grab(defaults, /peak RSS: ([\d.]+) MiB/), ' MiB', '', null),
  ];
}

async function hub(): Promise<Figure[]> {
  const args = quick ? ['--terminals', '20', '--orders', '10'] : [];
  const text = await runScript('./hub/run.ts', args);
  const out: Figure[] = [];
  // One section per round: "hub bench, <n> hub process(es), steady|burst: ...".
  for (const section of text.split(/^hub bench, /m).slice(1)) {
    const [hubs = '', mode = ''] = section.slice(0, section.indexOf(':')).split(', ');
    const b = `hub (${hubs})`;
    if (mode === 'steady')
      out.push(
        figure(
          b,
          'p99 forward lag at 1,000 changes/s',
          grab(section, /p99 forward lag: ([\d.]+) ms/),
          ' ms',
          '< 2000 ms',
          (v) => v < 2000,
          0,
        ),
      );
    else
      out.push(
        figure(
          b,
          'changes per s ingested (burst)',
          grab(section, /changes per s ingested: ([\d.]+)/),
          '/s',
          '≥ 1000/s',
          (v) => v >= 1000,
          0,
        ),
        figure(b, 'hub peak RSS (first process)', grab(section, /hub peak RSS: ([\d.]+)/), ' MiB', '', null),
      );
  }
  return out;
}

const BENCHMARKS: readonly (readonly [string, () => Figure[] | Promise<Figure[]>])[] = [
  ['engine', engine],
  ['polling', polling],
  ['scan', scan],
  ['service', service],
  ['alipay signing', alipaySigning],
  ['ui', ui],
  ['reconcile', reconcile],
  ['hub', hub],
];

export async function main(): Promise<void> {
  console.log(describeMachine());
  console.log(
    `mode: ${quick ? 'quick (reduced sizes; not for quoting)' : 'full'}; ${new Date().toISOString()}`,
  );
  const figures: Figure[] = [];
  let failed = 0;
  for (const [name, run] of BENCHMARKS) {
    const started = performance.now();
    process.stderr.write(`\n=== ${name}\n`);
    try {
      figures.push(...(await run()));
    } catch (error) {
      failed++;
      figures.push({
        benchmark: name,
        figure: 'did not finish',
        value: (error as Error).message.slice(0, 120),
        target: '',
        met: null,
      });
    }
    process.stderr.write(`=== ${name} took ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
  }
  console.log('');
  console.log(
    formatTable(
      ['benchmark', 'figure', 'value', 'floor (ratio) / compared with', 'target', 'met?'],
      figures.map((f) => [
        f.benchmark,
        f.figure,
        f.value,
        f.floor ?? '',
        f.target,
        f.met === null ? '' : f.met ? 'yes' : 'NO',
      ]),
    ),
  );
  if (failed > 0) process.exitCode = 1;
}

await main();
