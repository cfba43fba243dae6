/**
 * Reconciliation benchmark (issue 18): a day of `--trades N` sales per provider (default 50,000 at
 * WeChat Pay and 50,000 at Alipay) reconciled against both bills in their real formats. Seeds in
 * this process, measures in a child (bench/reconcile/measure.ts) so the peak RSS printed is the
 * reconciliation's own. Goal: well under 10 s and 200 MB, by streaming the bills.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PLANTED_PER_PROVIDER, seedDay } from './seed-day.ts';

const at = process.argv.indexOf('--trades');
const trades = at > 0 ? Number(process.argv[at + 1]) : 50_000;
const dir = mkdtempSync(join(tmpdir(), 'scanpay-reconcile-bench-'));
try {
  const seeded = performance.now();
  const { wxpayBill, alipayBill } = await seedDay(dir, trades);
  console.error(
    `seeded ${trades.toLocaleString('en-US')} sales per provider in ${(performance.now() - seeded).toFixed(0)} ms`,
  );
  console.log(`reconcile ${trades.toLocaleString('en-US')} trades per provider (WeChat Pay + Alipay)`);
  console.log(`expected: matched ${2 * (trades - 2)}, ${PLANTED_PER_PROVIDER} discrepancies per provider`);
  // As deployed (the serve script and the systemd unit, which run the daily reconciliation), then Node's defaults.
  for (const [label, flags, env] of [
    [
      'as deployed (--optimize-for-size, MALLOC_ARENA_MAX=2)',
      ['--optimize-for-size'],
      { MALLOC_ARENA_MAX: '2' },
    ],
    ["Node's defaults", [], {}],
  ] as const) {
    const child = spawnSync(
      process.execPath,
      [...flags, fileURLToPath(new URL('./measure.ts', import.meta.url)), dir, wxpayBill, alipayBill],
      { encoding: 'utf8', env: { ...process.env, ...env } },
    );
    if (child.status !== 0) throw new Error(`measure.ts exited ${child.status}: ${child.stderr}`);
    console.log(`${label}:`);
    process.stdout.write(child.stdout);
    // Each run records the same day again; the journal keeps one set of items either way.
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
