/**
 * The measured part of the reconciliation benchmark, in its own process so its peak RSS is the
 * reconciliation's alone: `node bench/reconcile/measure.ts <dir> <wxpay bill> <alipay bill> <trades>`.
 * Both bills are read through the real adapters (their downloads replaced by a stream from disk)
 * and matched against the seeded journal; prints the time, the peak RSS and what was found.
 */
import { createReadStream, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { createAlipayBillSource, parseAlipayConfig } from '../../core/gateways/alipay/index.ts';
import { createWxpayBillSource, parseWxpayConfig } from '../../core/gateways/wxpay/index.ts';
import { SqliteJournal } from '../../core/journal/sqlite-journal.ts';
import { systemClock } from '../../core/ports/clock.ts';
import { reconcileDate } from '../../core/reconcile/reconcile-day.ts';
import { ReconcileStore } from '../../core/reconcile/reconcile-store.ts';
import { BENCH_DATE } from './seed-day.ts';

const [dir, wxpayBill, alipayBill] = process.argv.slice(2) as [string, string, string];
const keys = (name: string) => fileURLToPath(new URL(`../../core/sandbox/keys/${name}`, import.meta.url));
const fromDisk = (path: string): typeof fetch =>
  (async () =>
    new Response(Readable.toWeb(createReadStream(path)) as ReadableStream, { status: 200 })) as typeof fetch;

const wx = parseWxpayConfig({
  provider: 'wxpay',
  appid: 'wx2421b1c4370ec43b',
  mch_id: '10000100',
  key: 'scanpaysandboxwxpaykey0000000000',
  cert_path: keys('wxpay-client-cert.pem'),
  key_path: keys('wxpay-client-key.pem'),
});
const ali = parseAlipayConfig({
  provider: 'alipay',
  app_id: '2021000000000001',
  app_private_key: readFileSync(keys('alipay-app-private.pem'), 'utf8'),
  alipay_public_key: readFileSync(keys('alipay-platform-public.pem'), 'utf8'),
});

const journal = new SqliteJournal(join(dir, 'journal.sqlite'));
const store = new ReconcileStore(journal);
const started = performance.now();
const summary = await reconcileDate(
  BENCH_DATE,
  [
    {
      pid: 'sandbox',
      provider: 'wxpay',
      source: createWxpayBillSource(wx, { fetch: fromDisk(wxpayBill) }),
      comparesRefunds: true,
    },
    {
      pid: 'sandbox',
      provider: 'alipay',
      source: createAlipayBillSource(ali, {
        fetch: fromDisk(alipayBill),
        transport: {
          call: async () => ({ kind: 'verified', response: { code: '10000', bill_download_url: 'disk' } }),
        },
      }),
      comparesRefunds: true,
    },
  ],
  {
    store,
    clock: systemClock,
    log: (line) =>
      console.error(
        `${line} [maxRSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB, heap ${(process.memoryUsage().heapUsed / 1048576).toFixed(0)} MiB]`,
      ),
  },
);
const elapsedMs = performance.now() - started;
journal.close();
const peakMiB = process.resourceUsage().maxRSS / 1024;
console.log(`reconcile time: ${elapsedMs.toFixed(0)} ms`);
console.log(`peak RSS: ${peakMiB.toFixed(1)} MiB`);
console.log(
  `found: matched ${summary.matched}, provider_only ${summary.provider_only.length}, terminal_only ${summary.terminal_only.length}, amount_mismatch ${summary.amount_mismatch.length}, status ${JSON.stringify(summary.status)}`,
);
