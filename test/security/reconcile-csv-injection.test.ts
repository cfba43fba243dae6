/**
 * The 对账 export carries text people typed (who decided a discrepancy and why) to the bookkeeper's
 * spreadsheet. Like the orders export (finding 7 in local-api-input.test.ts), a bare CR or LF in
 * such a field must not start a new spreadsheet row whose first cell is a formula, and every field
 * with a line break is quoted so the file keeps one record per discrepancy.
 */
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { beijingDate } from '../../core/reconcile/beijing-day.ts';
import { type ServiceHarness, startServiceHarness } from '../service/service-harness.ts';

let h: ServiceHarness;
let session: string;
const PIN = '24681357';
const today = beijingDate(Date.now());
const asCashierUi = (op: string, body: unknown) => h.call(op, body, { 'x-scanpay-session': session });

beforeAll(async () => {
  h = await startServiceHarness();
  const page = await (await fetch(`${h.server.url}/`)).text();
  session = /<meta name="scanpay-session" content="([^"]+)"/.exec(page)![1]!;
  expect((await asCashierUi('updateSettings', { pin: '0000', new_pin: PIN })).status).toBe(200);
  for (const orderNo of ['RCSV1', 'RCSV2']) {
    const code = await h.walletCode('wxpay', 'instant');
    const paid = await h.call('createPayment', {
      data: { out_trade_no: orderNo, total_fee: 800, subject: 'Tea', auth_code: code },
    });
    expect(paid.body.attempt.phase).toBe('paid');
    await h.sandbox('/_sandbox/bills/faults', {
      provider: 'wxpay',
      kind: 'omit_trade',
      out_trade_no: orderNo,
    });
  }
  const run = await h.call('reconcileDay', { date: today, run: true });
  const items = run.body.value.terminal_only as { id: number; out_trade_no: string }[];
  const notes: Record<string, string> = {
    RCSV1: 'paid cash\n=HYPERLINK("http://evil.example","x")',
    RCSV2: 'paid cash\r@SUM(A1)',
  };
  for (const item of items) {
    const decided = await asCashierUi('decideDiscrepancy', {
      id: item.id,
      action: 'explain',
      by: 'Li',
      note: notes[item.out_trade_no],
      pin: PIN,
    });
    expect(decided.status).toBe(200);
  }
}, 60_000);

afterAll(async () => {
  await h?.close();
});

describe('the 对账 CSV with a decision note holding a line break', () => {
  it('keeps one record per discrepancy and no line of a cell starts a formula', async () => {
    const file = await h.call('exportReconcile', { date: today });
    const csv = (file.body.value.csv as string).replace(/^\ufeff/, '');
    const rows = parse(csv, { columns: true }) as Record<string, string>[];
    expect(rows.map((r) => r.out_trade_no).sort()).toEqual(['RCSV1', 'RCSV2']);
    for (const row of rows) {
      expect(row.note).toMatch(/^paid cash/);
      for (const line of row.note!.split(/\r\n|\r|\n/)) expect(line).not.toMatch(/^[=+\-@\t\r]/);
    }
    // A spreadsheet that splits on any bare CR or LF sees no row starting with a formula either.
    for (const line of csv.split(/\r\n|\r|\n/)) expect(line).not.toMatch(/^[=+\-@\t]/);
  });
});
