/**
 * The service over a journal holding an open attempt of a merchant since removed from config.json:
 * it starts, keeps selling, shows the attempt as needing attention with its own reason, and
 * finishes the attempt once the merchant is back and the service restarts. The sandbox runs on its
 * own, so its truth (the customer's money) survives the restarts.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningSandbox, startSandbox } from '../../core/sandbox/start-sandbox.ts';
import { type KioskService, startKioskService } from '../../core/service/kiosk-service.ts';

let sandbox: RunningSandbox;
let dataDir: string;
let service: KioskService | undefined;

const shop = { pid: 'shop', name: 'Shop', gateways: [{ provider: 'wxpay', sandbox: true }] };
const gone = { pid: 'gone', name: 'Gone', gateways: [{ provider: 'wxpay', sandbox: true }] };

async function startWith(merchants: unknown[]): Promise<KioskService> {
  writeFileSync(join(dataDir, 'config.json'), JSON.stringify({ merchants }));
  service = await startKioskService({ dataDir, sandboxUrl: sandbox.url });
  return service;
}

async function stopService(): Promise<void> {
  await service?.stop();
  service = undefined;
}

async function walletCode(behavior: string): Promise<string> {
  const response = await fetch(`${sandbox.url}/_sandbox/wallet/codes`, {
    method: 'POST',
    body: JSON.stringify({ wallet: 'wxpay', behavior }),
  });
  return ((await response.json()) as { authCode: string }).authCode;
}

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0 });
  dataDir = mkdtempSync(join(tmpdir(), 'scanpay-merchant-removed-'));
});
afterAll(async () => {
  await stopService();
  await sandbox.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('a merchant removed from config.json with an attempt still open', () => {
  it('starts, keeps selling, parks the attempt, and finishes it once the merchant is back', async () => {
    const first = await startWith([shop, gone]);
    const code = await walletCode('password');
    const created = await first.api.createPayment({
      data: { out_trade_no: 'GONE1', total_fee: 660, subject: 'Tea', pid: 'gone', auth_code: code },
    });
    expect(created.attempt.phase).toBe('polling');
    await stopService();

    const without = await startWith([shop]);
    const [parked] = await without.api.listUnresolved({});
    expect(parked).toMatchObject({
      out_trade_no: 'GONE1',
      phase: 'needs_attention',
      attention: { code: 'merchant_not_configured' },
    });
    expect((await without.api.health({})).needs_attention).toBe(1);
    const sale = await without.api.createPayment({
      data: {
        out_trade_no: 'SHOP1',
        total_fee: 100,
        subject: 'Cake',
        auth_code: await walletCode('instant'),
      },
    });
    expect(sale.attempt.phase).toBe('paid');
    await stopService();

    await fetch(`${sandbox.url}/_sandbox/wallet/confirm`, {
      method: 'POST',
      body: JSON.stringify({ authCode: code }),
    });
    const back = await startWith([shop, gone]);
    await back.engine.waitForAttempt('GONE1');
    const order = await back.api.queryPayment({ out_trade_no: 'GONE1' });
    expect(order).toMatchObject({ orderPaid: true, status: 1 });
    expect(await back.api.listUnresolved({})).toEqual([]);
  });
});
