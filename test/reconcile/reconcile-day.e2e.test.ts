/**
 * An end-to-end day (issue 18): `scanpay reconcile` in a child process against a serving terminal
 * (same journal, WAL) and the sandbox's bills. Matched sales and refunds, a sale made directly at
 * the provider (behind the terminal's back), a booked sale the provider lost (sandbox fault), a
 * refund made behind the terminal's back and an amount mismatch must each land in the right list
 * exactly once, again after a re-run; bill faults must retry or report, never invent an empty day.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DaySummary } from '../../core/common/contract/reconcile-views.ts';
import { JOURNAL_FILE } from '../../core/journal/journal-backups.ts';
import { SqliteJournal } from '../../core/journal/sqlite-journal.ts';
import { systemClock } from '../../core/ports/clock.ts';
import type { PaymentGateway } from '../../core/ports/payment-gateway.ts';
import { beijingDate } from '../../core/reconcile/beijing-day.ts';
import { ReconcileStore } from '../../core/reconcile/reconcile-store.ts';
import { parseConfig } from '../../core/service/config/load-config.ts';
import { buildMerchants } from '../../core/service/merchants.ts';
import { sandboxEndpointAt } from '../../core/service/sandbox-endpoint.ts';
import { type ServiceHarness, startServiceHarness } from '../service/service-harness.ts';

// Refunds need a supervisor PIN or a key with the refund permission (docs/security.md).
const REFUND_KEY = 'reconcile-refund-key-0123456789';
const asRefunder = { authorization: `Bearer ${REFUND_KEY}` };
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const pinnedNode = join(ROOT, 'node_modules', '.bin', 'node');
const node = existsSync(pinnedNode) ? pinnedNode : process.execPath;
const run = promisify(execFile);

let h: ServiceHarness;
let direct: { wxpay: PaymentGateway; alipay: PaymentGateway };
const today = beijingDate(Date.now());

async function reconcile(
  ...extra: string[]
): Promise<{ code: number; summary: DaySummary & Record<string, unknown>; stderr: string }> {
  const args = [
    'bin/scanpay.js',
    'reconcile',
    '--date',
    today,
    '--data',
    h.dataDir,
    '--sandbox',
    h.sandboxUrl,
    '--pid',
    'sandbox',
    ...extra,
  ];
  try {
    const { stdout, stderr } = await run(node, args, { cwd: ROOT, timeout: 60_000 });
    return { code: 0, summary: JSON.parse(stdout.trim().split('\n').at(-1)!), stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, summary: JSON.parse(e.stdout.trim().split('\n').at(-1)!), stderr: e.stderr };
  }
}

async function pay(outTradeNo: string, wallet: 'wxpay' | 'alipay', fee: number): Promise<void> {
  const code = await h.walletCode(wallet, 'instant');
  const created = await h.call('createPayment', {
    data: { out_trade_no: outTradeNo, total_fee: fee, subject: 'Tea', auth_code: code },
  });
  expect(created.body.attempt?.phase, JSON.stringify(created.body)).toBe('paid');
}

async function billFault(body: Record<string, unknown>): Promise<void> {
  const response = await fetch(`${h.sandboxUrl}/_sandbox/bills/faults`, {
    method: body.clear ? 'DELETE' : 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(response.status).toBe(200);
}

const keys = (items: readonly { out_trade_no: string; out_refund_no: string; reason: string }[]) =>
  items.map((i) => `${i.out_trade_no}${i.out_refund_no ? `/${i.out_refund_no}` : ''}:${i.reason}`).sort();

beforeAll(async () => {
  h = await startServiceHarness({
    config: {
      server: { api_keys: [{ id: 'books', key: REFUND_KEY, permissions: ['pay', 'query', 'refund'] }] },
    },
  });
  const endpoint = await sandboxEndpointAt(h.sandboxUrl);
  const merchants = buildMerchants(parseConfig({}), endpoint, systemClock);
  const gateways = merchants.get('sandbox')!.gateways;
  direct = {
    wxpay: gateways.find((g) => g.provider === 'wxpay')!,
    alipay: gateways.find((g) => g.provider === 'alipay')!,
  };
  await pay('RW1', 'wxpay', 1000);
  await pay('RW2', 'wxpay', 500);
  await pay('RW3', 'wxpay', 700);
  await pay('RW4', 'wxpay', 900);
  await pay('RA1', 'alipay', 1200);
  await pay('RA2', 'alipay', 800);
  const partial = await h.call(
    'refund',
    { out_trade_no: 'RW2', refund_fee: 200, refund_desc: 'one cup' },
    asRefunder,
  );
  expect(partial.body.status).toBe('succeeded');
  const alipayPartial = await h.call('refund', { out_trade_no: 'RA2', refund_fee: 300 }, asRefunder);
  expect(alipayPartial.body.status).toBe('succeeded');
  // Behind the terminal's back: sales and a refund made straight at the provider.
  for (const [wallet, outTradeNo] of [
    ['wxpay', 'BEHIND-W'],
    ['alipay', 'BEHIND-A'],
  ] as const) {
    const outcome = await direct[wallet].micropay({
      outTradeNo,
      authCode: await h.walletCode(wallet, 'instant'),
      totalFee: 4200,
      subject: 'elsewhere',
    });
    expect(outcome.kind).toBe('paid');
  }
  const refund = await direct.wxpay.refund({
    outTradeNo: 'RW1',
    outRefundNo: 'DIRECT-R1',
    totalFee: 1000,
    refundFee: 100,
  });
  expect(refund.kind).toMatch(/succeeded|processing/);
  // The provider lost RW3 and shows RW4 at 9.99.
  await billFault({ provider: 'wxpay', kind: 'omit_trade', out_trade_no: 'RW3' });
  await billFault({ provider: 'wxpay', kind: 'amount', out_trade_no: 'RW4', total_fee: 999 });
}, 120_000);

afterAll(async () => {
  await h?.close();
});

describe('scanpay reconcile: a day end to end', () => {
  it('puts each row in the right list exactly once, while the terminal serves', async () => {
    const { code, summary, stderr } = await reconcile();
    expect(code, stderr).toBe(0);
    expect(summary.date).toBe(today);
    expect(keys(summary.provider_only)).toEqual([
      'BEHIND-A:unknown_to_terminal',
      'BEHIND-W:unknown_to_terminal',
    ]);
    expect(keys(summary.terminal_only)).toEqual(['RW3:absent_from_bill']);
    expect(keys(summary.amount_mismatch)).toEqual(['RW4:amount_differs']);
    expect(summary.amount_mismatch[0]).toMatchObject({ terminal_fen: 900, provider_fen: 999 });
    expect(keys(summary.refund_mismatch)).toEqual(['RW1/DIRECT-R1:refund_not_booked']);
    // RW1, RW2 and its refund; RA1, RA2 and its refund.
    expect(summary.matched).toBe(6);
    expect(summary.totals['sandbox/wxpay']).toEqual({
      bill: { payments: 4, payment_fen: 1000 + 500 + 999 + 4200, refunds: 2, refund_fen: 300 },
      terminal: { payments: 4, payment_fen: 1000 + 500 + 700 + 900, refunds: 1, refund_fen: 200 },
    });
    expect(summary.totals['sandbox/alipay']).toEqual({
      bill: { payments: 3, payment_fen: 1200 + 800 + 4200, refunds: 1, refund_fen: 300 },
      terminal: { payments: 2, payment_fen: 2000, refunds: 1, refund_fen: 300 },
    });
    expect(summary.provider_only[0]).toMatchObject({ state: 'open', choices: ['refund', 'explain'] });
    expect(stderr).toMatch(/sandbox\/wxpay .*: fetching the bill/);
  });

  it('a second run finds the same, once each, and keeps a decision taken', async () => {
    const first = await reconcile();
    const lost = first.summary.terminal_only[0]!;
    const journal = new SqliteJournal(join(h.dataDir, JOURNAL_FILE));
    try {
      new ReconcileStore(journal).decide(
        lost.id,
        'explain',
        'supervisor 01',
        'sold for cash after the scan failed',
        Date.now(),
      );
    } finally {
      journal.close();
    }
    const again = await reconcile();
    expect(again.summary.terminal_only).toEqual([
      expect.objectContaining({
        id: lost.id,
        state: 'explained',
        resolved_by: 'supervisor 01',
        resolution_note: 'sold for cash after the scan failed',
      }),
    ]);
    expect(again.code).toBe(0);
    const all = [
      ...again.summary.provider_only,
      ...again.summary.terminal_only,
      ...again.summary.amount_mismatch,
      ...again.summary.refund_mismatch,
    ];
    expect(all).toHaveLength(5);
    expect(new Set(all.map((i) => i.id)).size).toBe(5);
  });

  it('a bill not ready yet is reported as such (exit 3), the day is not taken as empty', async () => {
    await billFault({ provider: 'wxpay', kind: 'not_ready', date: today });
    const { code, summary } = await reconcile();
    expect(code).toBe(3);
    // This run's status says the bill was not had; the earlier reconciliation's lists stand.
    expect(summary.status['sandbox/wxpay']).toMatchObject({
      status: 'not_ready',
      detail: expect.stringMatching(/Bill Creating/),
    });
    expect(summary.status['sandbox/alipay']).toEqual({ status: 'done' });
    expect(keys(summary.terminal_only)).toEqual(['RW3:absent_from_bill']);
  });

  it('an expired Alipay link and a corrupt file are retried and then read', async () => {
    // Twice: the adapter asks for a fresh link once itself, then the day is fetched once more.
    await billFault({ provider: 'alipay', kind: 'expired_url', times: 2 });
    await billFault({ provider: 'wxpay', kind: 'corrupt_file' });
    const { code, stderr, summary } = await reconcile();
    expect(code, stderr).toBe(0);
    expect(stderr).toMatch(/sandbox\/alipay .*not a zip \(下载超时,请重新下载\)/);
    expect(stderr).toMatch(/sandbox\/wxpay .*could not be read/);
    expect(summary.matched).toBe(6);
  });

  it('a file still corrupt on the retry leaves the provider-day unavailable (exit 3), lists untouched', async () => {
    await billFault({ provider: 'alipay', kind: 'corrupt_file', times: 2 });
    const { code, summary } = await reconcile();
    expect(code).toBe(3);
    expect(summary.status['sandbox/alipay']).toMatchObject({ status: 'unavailable' });
    expect(keys(summary.provider_only)).toEqual([
      'BEHIND-A:unknown_to_terminal',
      'BEHIND-W:unknown_to_terminal',
    ]);
  });

  it('an unknown merchant and a sandbox merchant without --sandbox are clear errors, exit 2', async () => {
    const unknown = await reconcile('--pid', 'nope');
    expect(unknown.code).toBe(2);
    expect(unknown.summary).toMatchObject({ ok: false, error: { code: 'reconcile_pid_unknown' } });
    const { stdout } = await run(
      node,
      ['bin/scanpay.js', 'reconcile', '--date', today, '--data', h.dataDir],
      {
        cwd: ROOT,
        timeout: 60_000,
      },
    ).catch((e: { stdout: string }) => e);
    expect(JSON.parse(stdout.trim().split('\n').at(-1)!)).toMatchObject({
      ok: false,
      error: { code: 'sandbox_unavailable', message: expect.stringMatching(/--sandbox URL/) },
    });
  });

  it('a bad date is a clear error and exit 2', async () => {
    const { code, summary } = await reconcile('--date', '2026-02-30');
    expect(code).toBe(2);
    expect(summary).toMatchObject({ ok: false, error: { code: 'reconcile_date_invalid' } });
  });
});
