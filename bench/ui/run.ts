/**
 * UI figures (printed, never asserted): the renderer bundle's gzip size, first contentful paint of
 * `scanpay serve`'s UI in headless Chromium, and the time from a scan reaching the service
 * (POST /api/submitScan) to the "waiting for the customer" screen being in the page.
 * Targets: ≤ 250 KB gzip, first paint ≤ 500 ms, scan-to-screen ≤ 50 ms.
 *
 *   node bench/ui/run.ts [--runs 5] [--no-build]
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { launchChromium } from '../../test/e2e/helpers/browser.ts';
import { api, confirmCode, issueCode } from '../../test/e2e/helpers/sandbox.ts';
import { ROOT, startServe } from '../../test/e2e/helpers/serve.ts';

const args = process.argv.slice(2);
const runsFlag = args.indexOf('--runs');
const RUNS = runsFlag >= 0 ? Math.max(1, Number(args[runsFlag + 1]) || 5) : 5;
const DIST = join(ROOT, 'dist', 'renderer');

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function fmt(values: readonly number[]): string {
  return `median ${median(values).toFixed(1)} ms (min ${Math.min(...values).toFixed(1)}, max ${Math.max(...values).toFixed(1)}, n=${values.length})`;
}

function bundleSize(): void {
  if (!args.includes('--no-build')) {
    const build = spawnSync(
      join(ROOT, 'node_modules', '.bin', 'vite'),
      ['build', '--config', 'renderer/vite.config.ts'],
      {
        cwd: ROOT,
        stdio: 'ignore',
      },
    );
    if (build.status !== 0) throw new Error('vite build failed');
  }
  const files = [
    join(DIST, 'index.html'),
    ...readdirSync(join(DIST, 'assets')).map((f) => join(DIST, 'assets', f)),
  ];
  let raw = 0;
  let gz = 0;
  for (const file of files) {
    const bytes = readFileSync(file);
    raw += statSync(file).size;
    gz += gzipSync(bytes, { level: 9 }).length;
  }
  console.log(
    `renderer bundle: ${(gz / 1024).toFixed(1)} KB gzip (${(raw / 1024).toFixed(1)} KB raw, ${files.length} files; target ≤ 250 KB gzip)`,
  );
}

async function main(): Promise<void> {
  bundleSize();
  const serve = await startServe();
  const browser = await launchChromium();
  try {
    const paints: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
      const page = await context.newPage();
      await page.goto(serve.url, { waitUntil: 'load' });
      const fcp = await page.evaluate(
        () =>
          new Promise<number>((resolve) => {
            const found = performance.getEntriesByName('first-contentful-paint')[0];
            if (found) return resolve(found.startTime);
            new PerformanceObserver((list) => {
              const entry = list.getEntriesByName('first-contentful-paint')[0];
              if (entry) resolve(entry.startTime);
            }).observe({ type: 'paint', buffered: true });
          }),
      );
      paints.push(fcp);
      await context.close();
    }
    console.log(`first contentful paint: ${fmt(paints)} (target ≤ 500 ms)`);

    const page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
    await page.goto(serve.url);
    await page.locator('.link-open').waitFor();
    const latencies: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      await api(serve.url, 'beginSale', { total_fee: 100 + i });
      await page.getByTestId('scan-prompt').waitFor();
      // The page records the wall-clock moment the waiting screen enters the DOM.
      await page.evaluate(() => {
        const w = window as unknown as { __shown?: Promise<number> };
        w.__shown = new Promise<number>((resolve) => {
          const check = () => {
            if (document.querySelector('[data-testid="charging"]')) {
              observer.disconnect();
              resolve(performance.timeOrigin + performance.now());
            }
          };
          const observer = new MutationObserver(check);
          observer.observe(document.body, { childList: true, subtree: true });
          check();
        });
      });
      const code = await issueCode(serve.sandboxUrl, 'wxpay', 'password');
      const sentAt = performance.timeOrigin + performance.now();
      await api(serve.url, 'submitScan', { code, source: 'bench' });
      const shownAt = await page.evaluate(() => (window as unknown as { __shown: Promise<number> }).__shown);
      latencies.push(shownAt - sentAt);
      await confirmCode(serve.sandboxUrl, code);
      await page.locator('[data-outcome="paid"]').waitFor({ timeout: 30_000 });
    }
    console.log(
      `scan → waiting screen: ${fmt(latencies)} (target ≤ 50 ms; includes the service's micropay call to the sandbox)`,
    );
  } finally {
    await browser.close();
    await serve.stop();
  }
}

await main();
