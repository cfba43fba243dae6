/**
 * A massage chair's paid action cut off by a crash, end to end: `scanpay serve` runs a module action
 * that "starts the chair" and is stopped while the action still runs (its run never ends, so the journal
 * says "running", exactly as after a power cut); the next start holds the action
 * instead of starting the chair again. The supervisor finds it on 待处理 with the order, amount and
 * device, and with the keyboard only runs it again (the customer got nothing): the chair starts once
 * more and the item leaves the list.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, newPage, shot } from './helpers/browser.ts';
import { api, issueCode } from './helpers/sandbox.ts';
import { type RunningServe, startServe } from './helpers/serve.ts';

let dir: string;
let dataDir: string;
let firedFile: string;
let hangFile: string;
let config: unknown;
let browser: Browser;
let serve: RunningServe | undefined;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'scanpay-e2e-chair-'));
  dataDir = join(dir, 'data');
  firedFile = join(dir, 'fired.log');
  hangFile = join(dir, 'hang');
  writeFileSync(firedFile, '');
  writeFileSync(hangFile, '');
  const modulePath = join(dir, 'start-chair.mjs');
  // The chair starts (a line in fired.log), then, while `hang` exists, the run lasts until the kill.
  writeFileSync(
    modulePath,
    `import { appendFileSync, existsSync } from 'node:fs';
export default async (c) => {
  appendFileSync(${JSON.stringify(firedFile)}, c.out_trade_no + '\\n');
  if (existsSync(${JSON.stringify(hangFile)})) await new Promise((r) => setTimeout(r, 600000));
  return true;
};
`,
  );
  config = { paid_actions: { '*': [{ kind: 'module', path: modulePath }] } };
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await serve?.stop();
  await browser?.close();
  rmSync(dir, { recursive: true, force: true });
});

const fired = () => readFileSync(firedFile, 'utf8').split('\n').filter(Boolean);

async function supervisorPin(page: Page, pin: string): Promise<void> {
  const status = await page.evaluate(async (newPin) => {
    const session = document.querySelector('meta[name="scanpay-session"]')?.getAttribute('content') ?? '';
    const response = await fetch('/api/updateSettings', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-scanpay-session': session },
      body: JSON.stringify({ pin: '0000', new_pin: newPin }),
    });
    return response.status;
  }, pin);
  expect(status).toBe(200);
}

describe('a paid action held after a crash', () => {
  it('is listed on 待处理 and the supervisor runs it again with the keyboard', async () => {
    mkdirSync(dataDir);
    serve = await startServe({ config, dataDir });
    const code = await issueCode(serve.sandboxUrl, 'wxpay', 'instant');
    await api(serve.url, 'createPayment', {
      data: { out_trade_no: 'CHAIR1', total_fee: 1500, subject: 'Massage 8 min', auth_code: code },
    });
    await expect.poll(fired, { timeout: 15_000 }).toEqual(['CHAIR1']);
    // The power goes while the chair runs: the journal still says the action is running.
    await serve.stop(); // SIGTERM (SIGKILL after 5 s): the action's run never ended
    unlinkSync(hangFile);

    serve = await startServe({ config, dataDir });
    const running = serve;
    const callback = async () =>
      (
        await api<{ callback: { user_order_success: boolean | null; last_error: string | null } }>(
          running.url,
          'getOrder',
          { out_trade_no: 'CHAIR1' },
        )
      ).callback;
    await expect
      .poll(async () => (await callback()).last_error ?? '', { timeout: 15_000 })
      .toMatch(/start-chair/);
    expect((await callback()).user_order_success).toBeNull();
    expect(fired()).toEqual(['CHAIR1']); // not started again by itself

    const page = await newPage(browser);
    await page.setViewportSize({ width: 800, height: 480 });
    await page.goto(serve.url);
    await supervisorPin(page, '24681357');
    await page.getByTestId('nav-attention').click();
    const card = page.getByTestId('held-action');
    await card.waitFor();
    expect(await page.getByTestId('attention-count').textContent()).toBe('1');
    expect(await card.textContent()).toMatch(/CHAIR1/);
    expect(await card.textContent()).toMatch(/start-chair\.mjs/);
    await shot(page, 'attention-held-paid-action-800x480');

    await page.getByTestId('held-by').focus();
    await page.keyboard.type('李店长');
    await page.keyboard.press('Tab');
    await page.keyboard.type('顾客说按摩椅没有启动');
    await page.keyboard.press('Tab');
    // Typed slower than a scanner (a fast digit burst is taken for a scanned code).
    await page.keyboard.type('24681357', { delay: 80 });
    await page.keyboard.press('Tab');
    await expect
      .poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-testid')))
      .toBe('held-run_again');
    await page.keyboard.press('Enter');
    await card.waitFor({ state: 'detached' });

    await expect.poll(fired, { timeout: 15_000 }).toEqual(['CHAIR1', 'CHAIR1']);
    const after = await api<{ callback: { user_order_success: boolean | null } }>(serve.url, 'getOrder', {
      out_trade_no: 'CHAIR1',
    });
    expect(after.callback.user_order_success).toBe(true);
  }, 120_000);
});
