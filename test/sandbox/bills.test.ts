/**
 * The sandbox's bills, read through the real adapters: what the ledger did that day in each
 * provider's format, the protocol's refusals, and the bill faults.
 */

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAlipayConfig } from '../../core/gateways/alipay/alipay-config.ts';
import { createAlipayBillSource } from '../../core/gateways/alipay/index.ts';
import { createWxpayBillSource, parseWxpayConfig } from '../../core/gateways/wxpay/index.ts';
import type { BillFetch, BillRow } from '../../core/ports/bill-source.ts';
import { type Clock, systemClock } from '../../core/ports/clock.ts';
import type { PaymentGateway } from '../../core/ports/payment-gateway.ts';
import { addDays, beijingDate } from '../../core/reconcile/beijing-day.ts';
import { sandboxProviderConfigs } from '../../core/sandbox/sandbox-provider-configs.ts';
import { type RunningSandbox, startSandbox } from '../../core/sandbox/start-sandbox.ts';
import { parseConfig } from '../../core/service/config/load-config.ts';
import { buildMerchants, type ServiceMerchants } from '../../core/service/merchants.ts';
import { advanceSandboxTime, issueCode } from '../gateways/sandbox-helpers.ts';

let sandbox: RunningSandbox;
let merchants: ServiceMerchants;
let wx: PaymentGateway;
let ali: PaymentGateway;
const today = beijingDate(Date.now());
/** A day within the providers' reach on which nothing was traded. */
const quietDay = addDays(today, -30);

async function rows(bill: BillFetch): Promise<BillRow[]> {
  if (bill.kind !== 'bill') throw new Error(`expected a bill, got ${bill.kind}: ${JSON.stringify(bill)}`);
  const out: BillRow[] = [];
  for await (const row of bill.rows) out.push(row);
  return out;
}

function wxSource(key?: string) {
  // The sandbox merchant's own gateway entry, as the service parses it.
  const raw = sandboxProviderConfigs(sandbox).wxpay;
  return createWxpayBillSource(parseWxpayConfig(key ? { ...raw, key } : raw));
}

function aliSource(clock: Clock = systemClock, fetchImpl?: typeof fetch) {
  const config = parseAlipayConfig(sandboxProviderConfigs(sandbox).alipay);
  return createAlipayBillSource(config, { clock, ...(fetchImpl ? { fetch: fetchImpl } : {}) });
}

async function fault(body: Record<string, unknown>, method = 'POST'): Promise<Response> {
  return fetch(`${sandbox.url}/_sandbox/bills/faults`, {
    method,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

async function charge(gateway: PaymentGateway, wallet: 'wxpay' | 'alipay', outTradeNo: string, fee: number) {
  const outcome = await gateway.micropay({
    outTradeNo,
    authCode: await issueCode(sandbox, wallet, 'instant'),
    totalFee: fee,
    subject: 'Tea, large',
  });
  expect(outcome.kind).toBe('paid');
}

beforeAll(async () => {
  sandbox = await startSandbox();
  merchants = buildMerchants(
    parseConfig({}),
    { url: sandbox.url, secapiUrl: sandbox.secapiUrl, credentials: sandbox.credentials },
    systemClock,
  );
  const gateways = merchants.get('sandbox')!.gateways;
  wx = gateways.find((g) => g.provider === 'wxpay')!;
  ali = gateways.find((g) => g.provider === 'alipay')!;
  await charge(wx, 'wxpay', 'SB-W1', 1234);
  await charge(wx, 'wxpay', 'SB-W2', 500);
  await charge(ali, 'alipay', 'SB-A1', 2000);
  await charge(ali, 'alipay', 'SB-A2', 300);
  expect((await wx.reverse({ outTradeNo: 'SB-W2' })).kind).toBe('reversed');
  expect((await ali.reverse({ outTradeNo: 'SB-A2' })).kind).toBe('reversed');
  expect(
    (await wx.refund({ outTradeNo: 'SB-W1', outRefundNo: 'SB-W1-R', totalFee: 1234, refundFee: 234 })).kind,
  ).toMatch(/succeeded|processing/);
}, 60_000);

afterAll(async () => {
  await sandbox?.close();
});

describe('sandbox WeChat v2 bill', () => {
  it('shows the day: a sale, a reversed sale as REVOKED, and a refund as a REFUND row', async () => {
    const found = await rows(await wxSource().fetchBill(today));
    expect(found.map((r) => [r.kind, r.outTradeNo, r.amountFen, r.status, r.outRefundNo])).toEqual([
      ['payment', 'SB-W1', 1234, 'success', undefined],
      ['payment', 'SB-W2', 500, 'reversed', undefined],
      ['refund', 'SB-W1', 234, 'success', 'SB-W1-R'],
    ]);
  });

  it('a day without trades is "No Bill Exist": an empty day', async () => {
    expect((await wxSource().fetchBill(quietDay)).kind).toBe('empty');
  });

  it('a request signed with another key is refused, and that is not an empty day', async () => {
    const bill = await wxSource('0'.repeat(32)).fetchBill(today);
    expect(bill).toMatchObject({ kind: 'unavailable', detail: expect.stringMatching(/SIGNERROR/) });
  });

  it('not_ready answers "Bill Creating" once for that date', async () => {
    expect((await fault({ provider: 'wxpay', kind: 'not_ready', date: today })).status).toBe(200);
    expect(await wxSource().fetchBill(today)).toMatchObject({ kind: 'not_ready' });
    expect((await wxSource().fetchBill(today)).kind).toBe('bill');
  });
});

describe('sandbox Alipay trade bill', () => {
  it('shows the day: a sale, and a cancelled sale as its payment and full refund', async () => {
    const found = await rows(await aliSource().fetchBill(today));
    expect(found.map((r) => [r.kind, r.outTradeNo, r.amountFen])).toEqual([
      ['payment', 'SB-A1', 2000],
      ['payment', 'SB-A2', 300],
      ['refund', 'SB-A2', 300],
    ]);
  });

  it('a day without trades is a bill without rows', async () => {
    expect(await rows(await aliSource().fetchBill(quietDay))).toEqual([]);
  });

  it('bill_not_exist is not_ready within two days of the date, an empty day after', async () => {
    await fault({ provider: 'alipay', kind: 'not_ready', times: 2 });
    expect((await aliSource().fetchBill(today)).kind).toBe('not_ready');
    const later: Clock = { now: () => Date.now() + 3 * 86_400_000, sleep: systemClock.sleep };
    expect((await aliSource(later).fetchBill(today)).kind).toBe('empty');
  });

  it('a link older than 30 seconds answers 下载超时; the adapter asks for a new one', async () => {
    let first = true;
    const slowFetch: typeof fetch = async (input, init) => {
      if (first) {
        first = false;
        await advanceSandboxTime(sandbox, 31_000);
      }
      return fetch(input, init);
    };
    expect(await rows(await aliSource(systemClock, slowFetch).fetchBill(today))).toHaveLength(3);
    const alwaysLate: typeof fetch = async (input, init) => {
      await advanceSandboxTime(sandbox, 31_000);
      return fetch(input, init);
    };
    expect(await aliSource(systemClock, alwaysLate).fetchBill(today)).toMatchObject({
      kind: 'unavailable',
      detail: expect.stringMatching(/下载超时/),
    });
  });

  it('a corrupt zip is unreadable', async () => {
    await fault({ provider: 'alipay', kind: 'corrupt_file' });
    await expect(rows(await aliSource().fetchBill(today))).rejects.toMatchObject({ code: 'bill_unreadable' });
  });
});

describe('bill fault control', () => {
  it.each([
    [{ provider: 'payjs', kind: 'not_ready' }, /provider must be/],
    [{ provider: 'wxpay', kind: 'melt' }, /kind must be one of/],
    [{ provider: 'wxpay', kind: 'amount', out_trade_no: 'X', total_fee: 1.5 }, /total_fee/],
    [{ provider: 'wxpay', kind: 'omit_trade' }, /needs out_trade_no/],
    [{ provider: 'wxpay', kind: 'not_ready', date: '2026-13-01' }, /YYYY-MM-DD/],
  ])('%j is refused with a reason', async (body, message) => {
    const response = await fault(body);
    expect(response.status).toBe(400);
    expect(((await response.json()) as { message: string }).message).toMatch(message);
  });

  it('omit_trade and amount change the bill until DELETE clears them', async () => {
    await fault({ provider: 'wxpay', kind: 'omit_trade', out_trade_no: 'SB-W2' });
    await fault({ provider: 'wxpay', kind: 'amount', out_trade_no: 'SB-W1', total_fee: 1 });
    const changed = await rows(await wxSource().fetchBill(today));
    expect(changed.filter((r) => r.kind === 'payment').map((r) => [r.outTradeNo, r.amountFen])).toEqual([
      ['SB-W1', 1],
    ]);
    expect((await fault({}, 'DELETE')).status).toBe(200);
    expect(await rows(await wxSource().fetchBill(today))).toHaveLength(3);
  });
});
