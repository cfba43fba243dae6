/**
 * Service benchmark (`node bench/service/run.ts`), figures only, no assertions:
 * 1. cold start to healthy: spawn `scanpay serve --port 0 --data DIR` over a journal of 100,000
 *    orders and time spawn → first 200 from GET /api/health with ready:true (target ≤ 1 s): after a
 *    clean stop (the clean-close record lets it open the journal at once and check it apart right
 *    after: core/journal/journal-clean-close.ts) and after a crash (the record removed before each
 *    run, so the full check runs before the journal opens), with
 *    the built-in sandbox started in-process (the newcomer default) and with `--sandbox URL`, and
 *    over an empty data directory for comparison. bin/scanpay.js runs the production bundle
 *    (rebuilt first: build/scripts/build-service.js) with the compile cache in a directory of this
 *    run, warmed by one start that is not counted; one row runs the sources instead, one starts with
 *    an empty compile cache. Floor (bench/lib/floors.ts): a bare ESM HTTP server started and polled
 *    the same way; every row prints its ratio to it (target ≤ 3×, issue 20), and also the CPU time
 *    all the process's threads used until then, which a busy shared machine disturbs far less;
 * 1b. idle RSS: the serve process over the 100,000-order journal, healthy and left alone for
 *    IDLE_SETTLE_MS, against the bare server left alone as long, both with the same node flags and
 *    environment, as deployed and with Node's defaults (target ≤ 1.6×);
 * 2. resident memory (VmRSS) of the serve process after 10,000 payments made through the API with
 *    instant sandbox codes (target ≤ 150 MB). The sandbox runs as its own process here so its
 *    ledger of 10,000 trades is not counted against the service;
 *    Measured twice: with Node's defaults, and as deployed (`MALLOC_ARENA_MAX=2 node
 *    --optimize-for-size`, the `serve` script and the systemd unit), because the default lets V8
 *    grow the young generation to ~130 MB of committed-but-mostly-empty heap under a steady
 *    allocation rate (heapUsed stays ~26–40 MB: it is GC sizing, not a leak), and glibc keeps an
 *    arena per worker thread. The row after the first 1,000 payments shows the level-off;
 * 3. API round trip of queryPayment, p50/p99 over 1,000 sequential calls.
 * Options: --orders N (history size, default 100000), --payments N (default 10000), --start-runs N
 * (runs per start and idle-RSS row, default 3), --start-only (1 and 1b only); --node-flags
 * "FLAGS" (space-separated) and/or --env NAME=VALUE (repeatable) measure one more serve variant with
 * those node flags and environment, e.g. --node-flags=--optimize-for-size --env MALLOC_ARENA_MAX=2.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { CLEAN_CLOSE_FILE } from '../../core/journal/journal-clean-close.ts';
import {
  cpuMs,
  IDLE_SETTLE_MS,
  measureBareServer,
  msUntilHealthy as pollUntilHealthy,
} from '../lib/floors.ts';
import { describeMachine } from '../lib/machine.ts';
import { median, percentile } from '../lib/stats.ts';
import { formatTable } from '../lib/table.ts';
import { rssMiB, type ScanpayChild, startScanpay } from './child-process.ts';
import { seedServiceJournal } from './seed-service-journal.ts';

const { values } = parseArgs({
  options: {
    orders: { type: 'string', default: '100000' },
    payments: { type: 'string', default: '10000' },
    'node-flags': { type: 'string', default: '' },
    'start-runs': { type: 'string', default: '3' },
    'start-only': { type: 'boolean', default: false },
    env: { type: 'string', multiple: true, default: [] },
  },
});
const ORDERS = Number(values.orders);
const PAYMENTS = Number(values.payments);
const START_RUNS = Number(values['start-runs']);
const QUERIES = 1000;
const CONCURRENCY = 8;
/** What build/linux/scanpay-serve.service sets (the npm `serve` script passes only the flag). */
const DEPLOYED_ENV: Readonly<Record<string, string>> = { MALLOC_ARENA_MAX: '2' };
const EXTRA_FLAGS = values['node-flags'].split(' ').filter((flag) => flag !== '');
const EXTRA_ENV: Record<string, string> = Object.fromEntries(
  values.env.map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]),
);

/** The few fields this benchmark reads from the API's and the sandbox's JSON replies. */
/** createPayment / queryPayment answer vk-uni-pay's flat shape: `code` 0 and the fields at the top level. */
interface Reply {
  readonly authCode?: string;
  readonly code?: number | string;
  readonly attempt?: { readonly phase?: string };
  readonly orderPaid?: boolean;
}

async function postJson(url: string, body: unknown): Promise<{ status: number; body: Reply }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Reply };
}

/** Polls /api/health until 200 with ready:true, exactly as the bare-server floor is polled; ms since spawn. */
function msUntilHealthy(serve: ScanpayChild): Promise<number> {
  return pollUntilHealthy(serve.first.url as string, serve.spawnedAt);
}

function serveArgs(dataDir: string, sandboxUrl: string | null): string[] {
  return ['serve', '--port', '0', '--data', dataDir, ...(sandboxUrl ? ['--sandbox', sandboxUrl] : [])];
}

async function coldStarts(
  dataDir: string,
  sandboxUrl: string | null,
  env: Readonly<Record<string, string>>,
  runs = START_RUNS,
  beforeEach: () => void = () => undefined,
): Promise<{ wall: number[]; cpu: number[] }> {
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let run = 0; run < runs; run++) {
    beforeEach();
    const serve = await startScanpay(serveArgs(dataDir, sandboxUrl), [], undefined, env);
    try {
      wall.push(await msUntilHealthy(serve));
      cpu.push(cpuMs(serve.child.pid!));
    } finally {
      await serve.stop();
    }
  }
  return { wall, cpu };
}

function orderNoOf(prefix: string, i: number): string {
  return `${prefix}${i.toString().padStart(7, '0')}`;
}

async function pay(
  apiUrl: string,
  sandboxUrl: string,
  from: number,
  to: number,
  prefix: string,
): Promise<{ paid: number; other: string[] }> {
  let next = from;
  let paid = 0;
  const other: string[] = [];
  const worker = async () => {
    while (next < to) {
      const i = next++;
      const wallet = i % 2 === 0 ? 'wxpay' : 'alipay';
      const code = await postJson(`${sandboxUrl}/_sandbox/wallet/codes`, { wallet, behavior: 'instant' });
      const reply = await postJson(`${apiUrl}/api/createPayment`, {
        data: {
          out_trade_no: orderNoOf(prefix, i),
          total_fee: 100 + (i % 900),
          subject: 'bench',
          auth_code: code.body.authCode,
        },
      });
      if (reply.body.attempt?.phase === 'paid') paid++;
      else if (other.length < 5) other.push(JSON.stringify(reply.body).slice(0, 200));
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return { paid, other };
}

async function measureServe(
  historyDir: string,
  sandboxUrl: string,
  variant: string,
  nodeArgs: readonly string[],
  prefix: string,
  env: Readonly<Record<string, string>> = {},
): Promise<void> {
  const serve = await startScanpay(serveArgs(historyDir, sandboxUrl), nodeArgs, undefined, env);
  try {
    await msUntilHealthy(serve);
    const apiUrl = serve.first.url as string;
    const pid = serve.child.pid!;
    const rssBefore = rssMiB(pid);
    const payStart = performance.now();
    // A first sample after the warm-up shows whether memory keeps growing or has levelled off.
    const warmUp = Math.min(1000, PAYMENTS);
    const first = await pay(apiUrl, sandboxUrl, 0, warmUp, prefix);
    const rssWarm = rssMiB(pid);
    const rest = await pay(apiUrl, sandboxUrl, warmUp, PAYMENTS, prefix);
    const paid = first.paid + rest.paid;
    const other = [...first.other, ...rest.other];
    const payMs = performance.now() - payStart;
    const rssAfter = rssMiB(pid);
    if (other.length > 0) console.log('payments not paid (first few):', other);

    const latencies: number[] = [];
    for (let i = 0; i < QUERIES; i++) {
      const orderNo = orderNoOf(prefix, (i * 7919) % PAYMENTS);
      const started = performance.now();
      const reply = await postJson(`${apiUrl}/api/queryPayment`, { out_trade_no: orderNo });
      latencies.push(performance.now() - started);
      if (reply.body.orderPaid !== true && i < 3) console.log('unexpected queryPayment reply', reply.body);
    }
    const rssEnd = rssMiB(pid);

    console.log(
      `\nserve process, ${variant} (journal of ${ORDERS.toLocaleString('en-US')} orders, external sandbox)`,
    );
    console.log(
      formatTable(
        ['figure', 'value', 'target'],
        [
          ['RSS when healthy, MiB', rssBefore, ''],
          [`RSS after ${warmUp.toLocaleString('en-US')} payments, MiB`, rssWarm, ''],
          [`RSS after ${PAYMENTS.toLocaleString('en-US')} payments, MiB`, rssAfter, '≤ 150'],
          [`RSS after ${QUERIES} queries, MiB`, rssEnd, ''],
          ['payments paid / made', `${paid} / ${PAYMENTS}`, ''],
          [`payment throughput (${CONCURRENCY} clients), per s`, (PAYMENTS / payMs) * 1000, ''],
          ['queryPayment round trip p50, ms', percentile(latencies, 50), ''],
          ['queryPayment round trip p99, ms', percentile(latencies, 99), ''],
        ],
        { decimals: 2 },
      ),
    );
  } finally {
    await serve.stop();
  }
}

/** dist/service rebuilt from the sources now on disk, so the runs below measure the production bundle. */
function buildServiceBundle(): void {
  const script = fileURLToPath(new URL('../../build/scripts/build-service.js', import.meta.url));
  const built = spawnSync(process.execPath, [script], { encoding: 'utf8', timeout: 120_000 });
  if (built.status !== 0) throw new Error(`build-service.js failed: ${built.stderr}`);
}

async function startFigures(historyDir: string, emptyDir: string, sandboxUrl: string): Promise<void> {
  buildServiceBundle();
  const cacheDir = mkdtempSync(join(tmpdir(), 'scanpay-bench-compile-cache-'));
  const cached = { NODE_COMPILE_CACHE: cacheDir };
  try {
    // The bare server first and last, so a change in the machine's load shows in its spread.
    const bareBefore = await measureBareServer(START_RUNS);
    const emptyCache = await coldStarts(emptyDir, sandboxUrl, cached, 1);
    const rows: [string, { wall: number[]; cpu: number[] }][] = [];
    // The seeded journal has no clean-close record: this start checks it first, and its clean stop
    // writes the record the rows below start from (each of their stops writes it again).
    await coldStarts(historyDir, sandboxUrl, cached, 1);
    const orders = ORDERS.toLocaleString('en-US');
    rows.push([
      `${orders} orders, after a crash (checked before it opens)`,
      await coldStarts(historyDir, sandboxUrl, cached, START_RUNS, () =>
        rmSync(join(historyDir, CLEAN_CLOSE_FILE), { force: true }),
      ),
    ]);
    await coldStarts(historyDir, sandboxUrl, cached, 1);
    for (const [label, dir, external] of [
      [`${orders} orders, in-process sandbox`, historyDir, false],
      [`${orders} orders, --sandbox URL`, historyDir, true],
      ['empty data dir, in-process sandbox', emptyDir, false],
      ['empty data dir, --sandbox URL', emptyDir, true],
    ] as const) {
      rows.push([label, await coldStarts(dir, external ? sandboxUrl : null, cached)]);
    }
    rows.push(['empty data dir, --sandbox URL, empty compile cache', emptyCache]);
    rows.push([
      'empty data dir, --sandbox URL, sources (no bundle)',
      await coldStarts(emptyDir, sandboxUrl, { SCANPAY_RUN_SOURCES: '1', NODE_COMPILE_CACHE: '' }),
    ]);
    const bareAfter = await measureBareServer(START_RUNS);
    const bare = median([...bareBefore.startMs, ...bareAfter.startMs]);
    const bareCpu = median([...bareBefore.startCpuMs, ...bareAfter.startCpuMs]);
    const startRows = rows.map(([label, { wall, cpu }]) => [
      label,
      median(wall),
      Math.min(...wall),
      Math.max(...wall),
      `${(median(wall) / bare).toFixed(2)}×`,
      median(cpu),
      `${(median(cpu) / bareCpu).toFixed(2)}×`,
      '≤ 1000, ≤ 3×',
    ]);
    const bareTimes = [...bareBefore.startMs, ...bareAfter.startMs];
    startRows.push([
      'bare ESM HTTP server (floor)',
      bare,
      Math.min(...bareTimes),
      Math.max(...bareTimes),
      '1.00×',
      bareCpu,
      '1.00×',
      '',
    ]);
    console.log(
      `\ncold start: spawn → first GET /api/health 200 with ready:true (ms, median of ${START_RUNS} runs; the floor of ${bareTimes.length}); CPU ms: all threads' CPU time by then`,
    );
    console.log(
      formatTable(
        ['journal', 'median', 'min', 'max', 'ratio to bare', 'CPU ms', 'CPU ratio', 'target'],
        startRows,
        { decimals: 0 },
      ),
    );
  } finally {
    rmSync(cacheDir, { recursive: true, force: true });
  }
}

/** Idle RSS of serve and of the bare server, with the same flags and environment, both left alone as long. */
async function idleRssFigures(historyDir: string, sandboxUrl: string): Promise<void> {
  const rows: (string | number)[][] = [];
  for (const [variant, nodeArgs, env] of [
    ['as deployed', ['--optimize-for-size'], DEPLOYED_ENV],
    ["Node's defaults", [], {}],
  ] as const) {
    const serveRss: number[] = [];
    for (let run = 0; run < START_RUNS; run++) {
      const serve = await startScanpay(serveArgs(historyDir, sandboxUrl), nodeArgs, undefined, env);
      try {
        await msUntilHealthy(serve);
        await new Promise((resolve) => setTimeout(resolve, IDLE_SETTLE_MS));
        serveRss.push(rssMiB(serve.child.pid!));
      } finally {
        await serve.stop();
      }
    }
    const bare = median((await measureBareServer(START_RUNS, nodeArgs, env)).idleRssMiB);
    const serve = median(serveRss);
    rows.push([`scanpay serve idle, ${variant}`, serve, `${(serve / bare).toFixed(2)}×`, '≤ 1.6×']);
    rows.push([`bare ESM HTTP server idle, ${variant}`, bare, '1.00×', '']);
  }
  console.log(
    `\nidle RSS: healthy, then ${IDLE_SETTLE_MS} ms alone (MiB, median of ${START_RUNS}; serve over ${ORDERS.toLocaleString('en-US')} orders, --sandbox URL)`,
  );
  console.log(formatTable(['process', 'VmRSS', 'ratio to bare', 'target'], rows, { decimals: 1 }));
}

async function main(): Promise<void> {
  console.log(describeMachine());
  const historyDir = mkdtempSync(join(tmpdir(), 'scanpay-bench-service-'));
  const emptyDir = mkdtempSync(join(tmpdir(), 'scanpay-bench-empty-'));
  const sandbox = await startScanpay(['sandbox', '--port', '0']);
  const sandboxUrl = sandbox.first.url as string;
  try {
    const seedStart = performance.now();
    seedServiceJournal(historyDir, ORDERS, Date.now() - 3600_000);
    const seedMs = performance.now() - seedStart;
    console.log(`seeded ${ORDERS.toLocaleString('en-US')} orders in ${Math.round(seedMs)} ms`);

    await startFigures(historyDir, emptyDir, sandboxUrl);
    await idleRssFigures(historyDir, sandboxUrl);
    if (values['start-only']) return;

    for (const [variant, nodeArgs, prefix, env] of [
      ['Node defaults', [], 'B', {}],
      ['as deployed (--optimize-for-size, MALLOC_ARENA_MAX=2)', ['--optimize-for-size'], 'C', DEPLOYED_ENV],
    ] as const) {
      await measureServe(historyDir, sandboxUrl, variant, nodeArgs, prefix, env);
    }
    if (EXTRA_FLAGS.length > 0 || values.env.length > 0) {
      const variant = [...values.env, 'node', ...EXTRA_FLAGS].join(' ');
      await measureServe(historyDir, sandboxUrl, variant, EXTRA_FLAGS, 'D', EXTRA_ENV);
    }
  } finally {
    await sandbox.stop();
    rmSync(historyDir, { recursive: true, force: true });
    rmSync(emptyDir, { recursive: true, force: true });
  }
}

await main();
