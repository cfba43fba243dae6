/**
 * An expired WeChat QR order, end to end against the sandbox (v2 and APIv3): nobody scans, the code
 * expires, and the engine closes the order with ONE close request, sent once the order is 5 minutes
 * old (WeChat refuses younger ones, docs/protocols.md §2 "QR order expiry"; the v2 sandbox refuses
 * them too). The sandbox counts every close request it receives, refused or not.
 *
 * A micropay reversal keeps its own 15 s floor and is not held back by the close floor.
 *
 * Clocks: engine and sandbox share a VirtualClock, so the 5 minutes pass at once; the APIv3 adapter
 * signs with the real clock (WeChat refuses timestamps five minutes off).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CheckoutEngine } from '../../core/engine/checkout-engine.ts';
import { SqliteJournal } from '../../core/journal/sqlite-journal.ts';
import { systemClock } from '../../core/ports/clock.ts';
import { sandboxProviderConfigs } from '../../core/sandbox/sandbox-provider-configs.ts';
import { type RunningSandbox, startSandbox } from '../../core/sandbox/start-sandbox.ts';
import { ServiceConfigSchema } from '../../core/service/config/service-config.ts';
import { buildMerchants } from '../../core/service/merchants.ts';
import { VirtualClock } from '../integration/virtual-clock.ts';

const FIVE_MINUTES = 5 * 60_000;

let dir: string;
let clock: VirtualClock;
let sandbox: RunningSandbox;
let journal: SqliteJournal;
let engine: CheckoutEngine;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'scanpay-qr-close-'));
  clock = new VirtualClock(Date.now());
  sandbox = await startSandbox({ clock });
  const configs = sandboxProviderConfigs(sandbox);
  const config = ServiceConfigSchema.parse({
    // WeChat requires a notify_url on QR orders; nothing listens there, so polling decides.
    public_url: 'http://127.0.0.1:9',
    merchants: [{ pid: 'chair', gateways: [configs.wxpay, configs.wxpay_v3] }],
  });
  journal = new SqliteJournal(join(dir, 'journal.sqlite'));
  engine = new CheckoutEngine({ journal, clock, merchants: buildMerchants(config, sandbox, systemClock) });
});
afterAll(async () => {
  await engine?.shutdown();
  journal?.close();
  await sandbox?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe.each(['wxpay', 'wxpay_v3'] as const)('%s: an expired QR order nobody paid', (provider) => {
  it('is closed with one close request, once the order is 5 minutes old', async () => {
    const start = clock.now();
    const shown = await engine.startQr({
      pid: 'chair',
      provider,
      total_fee: 500,
      subject: '按摩椅 10 分钟',
      time_expire: start + 120_000,
    });
    expect(shown.phase).toBe('awaiting_scan');
    const final = await engine.waitForAttempt(shown.outTradeNo);
    expect(final.phase).toBe('closed');
    const trade = sandbox.ledger.find(provider, shown.outTradeNo);
    expect(trade?.state).toBe('closed');
    expect(sandbox.ledger.closeCalls(provider, shown.outTradeNo)).toBe(1);
    expect(clock.now() - start).toBeGreaterThanOrEqual(FIVE_MINUTES);
    expect(engine.orderRecord(shown.orderNo)?.status).not.toBe(1);
  });
});

describe('a WeChat micropay reversal is not held back by the close floor', () => {
  it('is reversed once 15 s have passed, not after 5 minutes, and sends no close', async () => {
    const { authCode } = sandbox.ledger.issueCode({ wallet: 'wxpay', behavior: 'password' });
    const start = clock.now();
    const charging = await engine.pay({
      pid: 'chair',
      provider: 'wxpay',
      auth_code: authCode,
      total_fee: 300,
      subject: 'Tea',
    });
    expect(charging.phase).toBe('polling');
    engine.stop(charging.outTradeNo); // the cashier gives up: reverse, after WeChat's 15 s
    const final = await engine.waitForAttempt(charging.outTradeNo);
    expect(final.phase).toBe('reversed');
    expect(clock.now() - start).toBeGreaterThanOrEqual(15_000);
    expect(clock.now() - start).toBeLessThan(FIVE_MINUTES);
    expect(sandbox.ledger.closeCalls('wxpay', charging.outTradeNo)).toBe(0);
    expect(sandbox.ledger.find('wxpay', charging.outTradeNo)?.state).toBe('reversed');
  });
});
