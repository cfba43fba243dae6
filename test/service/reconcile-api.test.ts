/** The 对账 operations through the local HTTP API, against the built-in sandbox. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { beijingDate } from '../../core/reconcile/beijing-day.ts';
import { type ServiceHarness, startServiceHarness } from './service-harness.ts';

let h: ServiceHarness;
let session: string;
const SUPERVISOR_PIN = '24681357';

/** The cashier UI's call: the session the served page carries; decisions then take the supervisor PIN. */
const asCashierUi = (op: string, body: unknown) => h.call(op, body, { 'x-scanpay-session': session });
const today = beijingDate(Date.now());

beforeAll(async () => {
  h = await startServiceHarness();
  const page = await (await fetch(`${h.server.url}/`)).text();
  session = /<meta name="scanpay-session" content="([^"]+)"/.exec(page)![1]!;
  // The default PIN 0000 allows nothing but choosing a new one.
  const newPin = await asCashierUi('updateSettings', { pin: '0000', new_pin: SUPERVISOR_PIN });
  expect(newPin.status).toBe(200);
  const code = await h.walletCode('wxpay', 'instant');
  const paid = await h.call('createPayment', {
    data: { out_trade_no: 'RAPI1', total_fee: 1500, subject: 'Tea', auth_code: code },
  });
  expect(paid.body.attempt.phase).toBe('paid');
  await h.sandbox('/_sandbox/bills/faults', { provider: 'wxpay', kind: 'omit_trade', out_trade_no: 'RAPI1' });
  const payjsCode = await h.walletCode('wxpay', 'instant');
  const payjs = await h.call('createPayment', {
    data: {
      out_trade_no: 'RPJ1',
      total_fee: 990,
      subject: 'Tea',
      auth_code: payjsCode,
      pid: 'sandbox-payjs',
    },
  });
  expect(payjs.body.attempt.phase).toBe('paid');
}, 60_000);

afterAll(async () => {
  await h?.close();
});

describe('reconcile operations', () => {
  it('reconcileDay with run: true reconciles now; without, it returns the day as recorded', async () => {
    const before = await h.call('reconcileDay', { date: today });
    expect(before.body.value).toMatchObject({ date: today, matched: 0, terminal_only: [], status: {} });
    const run = await h.call('reconcileDay', { date: today, run: true });
    expect(run.status).toBe(200);
    expect(run.body.value.terminal_only).toEqual([
      expect.objectContaining({
        out_trade_no: 'RAPI1',
        reason: 'absent_from_bill',
        terminal_fen: 1500,
        state: 'open',
      }),
    ]);
    expect(run.body.value.status['sandbox/wxpay']).toEqual({ status: 'done' });
    // PAYJS has no bill: its day's attempt was checked at PAYJS and agrees.
    expect(run.body.value.status['sandbox-payjs/payjs']).toEqual({ status: 'done' });
    expect(run.body.value.totals['sandbox-payjs/payjs']).toEqual({
      bill: { payments: 1, payment_fen: 990, refunds: 0, refund_fen: 0 },
      terminal: { payments: 1, payment_fen: 990, refunds: 0, refund_fen: 0 },
    });
    expect(run.body.value.matched).toBe(1);
    const recorded = await h.call('reconcileDay', { date: today });
    expect(recorded.body.value.terminal_only).toHaveLength(1);
  });

  it('a decision needs the supervisor PIN, a name and a reason, and is kept with them', async () => {
    const day = await h.call('reconcileDay', { date: today });
    const id = day.body.value.terminal_only[0].id as number;
    const wrongPin = await asCashierUi('decideDiscrepancy', {
      id,
      action: 'explain',
      by: 'Li',
      note: 'cash',
      pin: '9999',
    });
    expect(wrongPin.body).toMatchObject({ ok: false, code: 'pin_invalid' });
    const noNote = await asCashierUi('decideDiscrepancy', {
      id,
      action: 'explain',
      by: 'Li',
      note: ' ',
      pin: SUPERVISOR_PIN,
    });
    expect(noNote.status).toBe(400);
    const notAllowed = await asCashierUi('decideDiscrepancy', {
      id,
      action: 'book',
      by: 'Li',
      note: 'x',
      pin: SUPERVISOR_PIN,
    });
    expect(notAllowed.body).toMatchObject({ ok: false, code: 'reconcile_action_not_allowed' });
    const ok = await asCashierUi('decideDiscrepancy', {
      id,
      action: 'explain',
      by: 'Li',
      note: 'paid cash instead',
      pin: SUPERVISOR_PIN,
    });
    expect(ok.body.value).toMatchObject({
      id,
      state: 'explained',
      resolved_by: 'Li',
      resolution_note: 'paid cash instead',
    });
  });

  it('exports the day as CSV with yuan amounts and the decision', async () => {
    const file = await h.call('exportReconcile', { date: today });
    expect(file.body.value.filename).toBe(`scanpay-reconcile-T01-${today.replaceAll('-', '')}.csv`);
    const lines = (file.body.value.csv as string)
      .replace(/^\ufeff/, '')
      .trim()
      .split('\r\n');
    expect(lines[0]).toBe(
      'bill_date,list,reason,pid,provider,out_trade_no,out_refund_no,terminal_yuan,provider_yuan,state,decided_by,note',
    );
    expect(lines[1]).toBe(
      `${today},terminal_only,absent_from_bill,sandbox,wxpay,RAPI1,,15.00,,explained,Li,paid cash instead`,
    );
  });

  it('exports in the UI language when asked: Chinese headers, list, reason, provider and state', async () => {
    const file = await h.call('exportReconcile', { date: today, language: 'zh-CN' });
    const lines = (file.body.value.csv as string)
      .replace(/^\ufeff/, '')
      .trim()
      .split('\r\n');
    expect(lines[0]).toBe(
      '账单日期,类别,原因,商户,支付通道,订单号,退款单号,本机（元）,账单（元）,状态,处理人,说明',
    );
    expect(lines[1]).toBe(
      `${today},短款,本机已收款，账单中没有,sandbox,微信支付,RAPI1,,15.00,,已说明,Li,paid cash instead`,
    );
    const en = await h.call('exportReconcile', { date: today, language: 'en' });
    expect((en.body.value.csv as string).split('\r\n')[1]).toBe(
      `${today},Short (terminal only),Paid here; not in the bill,sandbox,WeChat Pay,RAPI1,,15.00,,Explained,Li,paid cash instead`,
    );
  });

  it('a bad date is refused with a clear error', async () => {
    const bad = await h.call('reconcileDay', { date: '2026-02-31' });
    expect(bad.body).toMatchObject({ ok: false, code: 'reconcile_date_invalid' });
  });
});
