/**
 * 对账 for APIv3 merchants (docs/protocols.md §3 "Bills"): the wxpay_v3 descriptor's bill source asks
 * the sandbox for /v3/bill/tradebill, downloads the file at download_url with a signed request,
 * checks its SHA1 and reads the rows; a sub-merchant's bill holds only its own trades. A file that
 * does not match hash_value is never a day read, and a day without trades is the provider's "no bill".
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROVIDER_REGISTRY } from '../../core/gateways/registry.ts';
import { createWxpayV3BillSource } from '../../core/gateways/wxpay-v3/wxpay-v3-bill-source.ts';
import { parseWxpayV3Config } from '../../core/gateways/wxpay-v3/wxpay-v3-config.ts';
import { createWxpayV3Gateway } from '../../core/gateways/wxpay-v3/wxpay-v3-gateway.ts';
import type { BillRow } from '../../core/ports/bill-source.ts';
import { systemClock } from '../../core/ports/clock.ts';
import {
  sandboxProviderConfigs,
  sandboxWxpayV3PartnerConfig,
} from '../../core/sandbox/sandbox-provider-configs.ts';
import { type RunningSandbox, startSandbox } from '../../core/sandbox/start-sandbox.ts';
import { chargeFreshCode, nextOutTradeNo } from '../gateways/sandbox-helpers.ts';

let sandbox: RunningSandbox;
const beijingDay = (daysAgo: number) =>
  new Date(Date.now() + 8 * 3600_000 - daysAgo * 86_400_000).toISOString().slice(0, 10);
const today = () => beijingDay(0);

async function collect(rows: AsyncIterable<BillRow>): Promise<BillRow[]> {
  const out: BillRow[] = [];
  for await (const row of rows) out.push(row);
  return out;
}

beforeAll(async () => {
  sandbox = await startSandbox();
});
afterAll(() => sandbox.close());

describe('wxpay_v3 tradebill', () => {
  it("the descriptor's bill source reads today's payments and refunds, in fen, for each account apart", async () => {
    const directConfig = parseWxpayV3Config(sandboxProviderConfigs(sandbox).wxpay_v3);
    const partnerConfig = parseWxpayV3Config(sandboxWxpayV3PartnerConfig(sandbox));
    const direct = createWxpayV3Gateway(directConfig);
    const partner = createWxpayV3Gateway(partnerConfig);
    const subject = { wallet: 'wxpay' as const, prefix: 'BILL', subject: 'bill' };
    const mine = await chargeFreshCode(sandbox, direct, subject, 'instant', 1234);
    const outRefundNo = nextOutTradeNo('BR');
    await direct.refund({ outTradeNo: mine.outTradeNo, outRefundNo, totalFee: 1234, refundFee: 34 });
    const theirs = await chargeFreshCode(sandbox, partner, subject, 'instant', 555);

    const configured = PROVIDER_REGISTRY.wxpay_v3.configure(sandboxProviderConfigs(sandbox).wxpay_v3);
    const bill = await configured.createBillSource!({ clock: systemClock }).fetchBill(today());
    expect(bill.kind).toBe('bill');
    if (bill.kind !== 'bill') return;
    const rows = await collect(bill.rows);
    expect(rows).toContainEqual(
      expect.objectContaining({
        kind: 'payment',
        outTradeNo: mine.outTradeNo,
        amountFen: 1234,
        status: 'success',
      }),
    );
    expect(rows).toContainEqual(
      expect.objectContaining({ kind: 'refund', outTradeNo: mine.outTradeNo, amountFen: 34, outRefundNo }),
    );
    expect(rows.map((r) => r.outTradeNo)).not.toContain(theirs.outTradeNo);
    expect(bill.summary()).toBeDefined();

    const subBill = await createWxpayV3BillSource(partnerConfig).fetchBill(today());
    if (subBill.kind !== 'bill') throw new Error(`sub-merchant bill: ${subBill.kind}`);
    const subRows = await collect(subBill.rows);
    expect(subRows.map((r) => r.outTradeNo)).toContain(theirs.outTradeNo);
    expect(subRows.map((r) => r.outTradeNo)).not.toContain(mine.outTradeNo);
  });

  it('a file that does not match its SHA1 throws a BillError instead of ending as read', async () => {
    const config = parseWxpayV3Config(sandboxProviderConfigs(sandbox).wxpay_v3);
    await chargeFreshCode(
      sandbox,
      createWxpayV3Gateway(config),
      { wallet: 'wxpay', prefix: 'BILL', subject: 'x' },
      'instant',
      10,
    );
    const tampering: typeof fetch = async (input, init) => {
      const real = await fetch(input, init);
      const text = (await real.text()).replace(/`0\.10/g, '`0.01');
      return new Response(text, { status: real.status });
    };
    const bill = await createWxpayV3BillSource(config, { fetch: tampering }).fetchBill(today());
    if (bill.kind !== 'bill') throw new Error(bill.kind);
    await expect(collect(bill.rows)).rejects.toMatchObject({ code: 'bill_unreadable', message: /SHA1/ });
  });

  it('a day with no trade is empty; a day older than three months is too_old without asking', async () => {
    const config = parseWxpayV3Config(sandboxProviderConfigs(sandbox).wxpay_v3);
    const source = createWxpayV3BillSource(config);
    expect(await source.fetchBill(beijingDay(20))).toEqual({ kind: 'empty' });
    expect(await source.fetchBill(beijingDay(200))).toMatchObject({ kind: 'too_old' });
  });

  it('the sandbox bill faults reach v3: not_ready is STATEMENT_CREATING, a corrupt file fails its hash, omit_trade leaves a sale out', async () => {
    const config = parseWxpayV3Config(sandboxProviderConfigs(sandbox).wxpay_v3);
    const sold = await chargeFreshCode(
      sandbox,
      createWxpayV3Gateway(config),
      { wallet: 'wxpay', prefix: 'BILLF', subject: 'x' },
      'instant',
      77,
    );
    const fault = async (body: Record<string, unknown>) => {
      const res = await fetch(`${sandbox.url}/_sandbox/bills/faults`, {
        method: 'POST',
        body: JSON.stringify({ provider: 'wxpay_v3', ...body }),
      });
      expect(res.status).toBe(200);
    };
    const source = createWxpayV3BillSource(config);
    await fault({ kind: 'not_ready' });
    expect(await source.fetchBill(today())).toMatchObject({ kind: 'not_ready' });
    await fault({ kind: 'corrupt_file' });
    const corrupt = await source.fetchBill(today());
    if (corrupt.kind !== 'bill') throw new Error(corrupt.kind);
    await expect(collect(corrupt.rows)).rejects.toMatchObject({ code: 'bill_unreadable' });
    await fault({ kind: 'omit_trade', out_trade_no: sold.outTradeNo });
    const omitted = await source.fetchBill(today());
    if (omitted.kind !== 'bill') throw new Error(omitted.kind);
    expect((await collect(omitted.rows)).map((r) => r.outTradeNo)).not.toContain(sold.outTradeNo);
    await fetch(`${sandbox.url}/_sandbox/bills/faults`, { method: 'DELETE' });
  });
});
