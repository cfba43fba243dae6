/**
 * Reconciliation at the hub of an order paid twice through two providers: paid by WeChat, while its
 * earlier Alipay attempt (failed at the till) was taken after all and refunded from the till's 待处理
 * (refund_payment). That refund belongs to the Alipay bill, where it nets out the late payment, not
 * to the WeChat bill of the order's own payment: neither bill shows a discrepancy for it.
 * Real hub on a throwaway PostgreSQL cluster, a real till forwarding to it, the sandbox's bills.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningHub, startHub } from '../../core/hub/hub-server.ts';
import { enrolTerminal } from '../../core/hub/terminal-tokens.ts';
import { systemClock } from '../../core/ports/clock.ts';
import { beijingDate } from '../../core/reconcile/beijing-day.ts';
import { ServiceConfigSchema } from '../../core/service/config/service-config.ts';
import { type KioskService, startKioskService } from '../../core/service/kiosk-service.ts';
import { buildMerchants } from '../../core/service/merchants.ts';
import { sandboxEndpointAt } from '../../core/service/sandbox-endpoint.ts';
import { eventually, killAll, type Proc, postJson, startScanpay } from './hub-processes.ts';
import { type PgCluster, startPgCluster } from './pg-cluster.ts';

const ADMIN = 'admin-token-for-the-second-payment-test';
let cluster: PgCluster;
let hub: RunningHub;
let sandbox: Proc;
let till: KioskService;
let dir: string;

beforeAll(async () => {
  cluster = await startPgCluster();
  sandbox = await startScanpay(['sandbox', '--port', '0']);
  const sandboxUrl = String(sandbox.line.url);
  const merchants = buildMerchants(
    ServiceConfigSchema.parse({}),
    await sandboxEndpointAt(sandboxUrl),
    systemClock,
  );
  hub = await startHub({
    databaseUrl: await cluster.createDatabase('hub_second_payment'),
    adminToken: ADMIN,
    host: '127.0.0.1',
    port: 0,
    poolMax: 4,
    merchants,
  });
  const token = await enrolTerminal(hub.pool, 'T2P', Date.now());
  dir = mkdtempSync(join(tmpdir(), 'scanpay-hub2p-'));
  writeFileSync(
    join(dir, 'config.json'),
    JSON.stringify({ terminal_id: 'T2P', hub: { url: hub.url, token } }),
  );
  till = await startKioskService({ dataDir: dir, sandboxUrl });
});
afterAll(async () => {
  await till?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
  await hub?.close();
  killAll();
  await cluster?.stop();
});

async function charge(wallet: 'wxpay' | 'alipay', behavior: string) {
  const code = await postJson(`${sandbox.line.url}/_sandbox/wallet/codes`, { wallet, behavior });
  return till.engine.pay({
    out_trade_no: 'MIX2',
    total_fee: 1800,
    subject: 'tea',
    auth_code: code.body.authCode,
  });
}

describe('hub reconciliation of a second payment through another provider', () => {
  it('its refund from 待处理 is matched in that provider’s bill, and the order’s bill stays clean', async () => {
    const failed = await charge('alipay', 'insufficient_funds');
    await till.engine.idle();
    expect(till.engine.journal.getAttempt(failed.outTradeNo)!.phase).toBe('failed');
    await charge('wxpay', 'instant');
    await till.engine.idle();
    expect(till.engine.orderView('MIX2')).toMatchObject({ status: 1, provider: 'wxpay' });

    const late = await postJson(`${sandbox.line.url}/_sandbox/trades/pay-late`, {
      provider: 'alipay',
      out_trade_no: failed.outTradeNo,
    });
    expect(late.body).toMatchObject({ ok: true, state: 'paid' });
    till.engine.notifyPaid(failed.outTradeNo, {
      kind: 'paid',
      transactionId: late.body.transaction_id,
      totalFee: 1800,
    });
    await till.engine.idle();
    const settled = await till.engine.settleAttention('MIX2', {
      action: 'refund_payment',
      by: '店长',
      reason: '顾客付了两次',
    });
    expect(settled.refund).toMatchObject({ status: 'succeeded', outTradeNo: failed.outTradeNo });

    await eventually('the second payment’s refund at the hub', async () => {
      const { rows } = await hub.pool.query(
        `SELECT 1 FROM hub_refunds WHERE out_trade_no = $1 AND status = 'succeeded'`,
        [failed.outTradeNo],
      );
      return rows.length === 1 ? true : undefined;
    });

    // The till names each attempt's provider; the hub keeps it beside the attempt.
    const { rows } = await hub.pool.query(
      'SELECT out_trade_no, provider FROM hub_attempts WHERE order_no = $1 ORDER BY attempt_index',
      ['MIX2'],
    );
    expect(rows).toEqual([
      { out_trade_no: failed.outTradeNo, provider: 'alipay' },
      { out_trade_no: expect.any(String), provider: 'wxpay' },
    ]);

    const run = await postJson(`${hub.url}/api/reconcile`, { date: beijingDate(Date.now()) }, ADMIN);
    expect(run.status).toBe(200);
    const of = (provider: string) =>
      run.body.results.find(
        (r: { pid: string; provider: string }) => r.pid === 'sandbox' && r.provider === provider,
      );
    expect(of('wxpay')).toMatchObject({ status: 'done', matched: 1, discrepancies: [] });
    // The late payment and its refund net out in the Alipay bill.
    expect(of('alipay')).toMatchObject({ status: 'done', matched: 2, discrepancies: [] });
  });

  it('a till older than the attempt’s provider field is still taken in: its attempts have none', async () => {
    const token = await enrolTerminal(hub.pool, 'OLD', Date.now());
    const at = Date.now();
    const batch = {
      terminal_id: 'OLD',
      status: { version: '0.0.9', ready: true, queue_length: 1, needs_attention: 0 },
      changes: [
        {
          seq: 1,
          kind: 'attempt',
          ref: 'OLD1',
          at,
          payload: {
            out_trade_no: 'OLD1',
            order_no: 'OLD1',
            attempt_index: 1,
            phase: 'paid',
            final: 1,
            created_at: at,
            updated_at: at,
          },
        },
      ],
    };
    const res = await fetch(`${hub.url}/api/ingest`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(batch),
    });
    expect(res.status).toBe(200);
    const { rows } = await hub.pool.query(
      `SELECT phase, provider FROM hub_attempts WHERE terminal_id = 'OLD' AND out_trade_no = 'OLD1'`,
    );
    expect(rows).toEqual([{ phase: 'paid', provider: null }]);
  });
});
