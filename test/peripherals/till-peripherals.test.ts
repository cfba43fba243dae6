/**
 * A configured till end to end (scanpay serve's HTTP API, the sandbox, a virtual TCP printer): a
 * paid sale prints a correct Chinese receipt, a cash sale opens the drawer, the drawer behind the
 * PIN, reprint, and a printer that is away neither delays nor fails the payment.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { waitFor } from '../scanners/fakes/pty-pair.ts';
import { type ServiceHarness, startServiceHarness } from '../service/service-harness.ts';
import { decodeEscPos, printedText } from './escpos-decoder.ts';
import { startVirtualPrinter, type VirtualPrinter } from './virtual-printer.ts';

let h: ServiceHarness | null = null;
let printer: VirtualPrinter | null = null;

afterEach(async () => {
  await h?.close();
  await printer?.close().catch(() => {});
  h = null;
  printer = null;
});

async function till(printerConfig: Record<string, unknown> = {}) {
  printer = await startVirtualPrinter();
  h = await startServiceHarness({
    config: {
      terminal_id: 'T01',
      printer: {
        kind: 'tcp',
        host: '127.0.0.1',
        port: printer.port,
        width: 58,
        shop_name: '老王便利店',
        ...printerConfig,
      },
    },
  });
  // Supervisor actions come from the cashier UI (its page's session) with a PIN chosen in place of 0000.
  const page = await (await fetch(`${h.server.url}/`)).text();
  session = /<meta name="scanpay-session" content="([^"]+)"/.exec(page)![1]!;
  expect((await asCashierUi('updateSettings', { pin: '0000', new_pin: SUPERVISOR_PIN })).status).toBe(200);
  return { h, printer };
}

const SUPERVISOR_PIN = '24681357';
let session = '';
const asCashierUi = (op: string, body: unknown) => h!.call(op, body, { 'x-scanpay-session': session });

const jobs = async (state?: 'pending' | 'printed') =>
  (await h!.call('listPrintJobs', state ? { state } : {})).body.value as {
    kind: string;
    ref: string;
    state: string;
  }[];

describe('a configured till', () => {
  it('a paid WeChat sale prints its receipt with the transaction number and the refund QR', async () => {
    const { h, printer } = await till();
    const code = await h.walletCode('wxpay', 'instant');
    const created = await h.call('createPayment', {
      data: { out_trade_no: 'P1', total_fee: 1288, subject: '珍珠奶茶', auth_code: code },
    });
    expect(created.body.attempt.phase).toBe('paid');
    await waitFor(() => printer.printed().length > 0, 'the receipt');
    await waitFor(() => decodeEscPos(printer.printed()).cuts === 1, 'the whole receipt');
    const order = (await h.call('getOrder', { out_trade_no: 'P1' })).body.value;
    const job = decodeEscPos(printer.printed());
    expect(job.lines[0]).toBe('老王便利店');
    expect(printedText(job)).toMatch(/合计 +￥12\.88/);
    expect(printedText(job)).toMatch(/支付方式 +微信支付/);
    expect(job.lines).toContain(order.transaction_id);
    expect(job.qrCodes).toEqual(['P1']);
    expect(job.drawerPulses).toEqual([]);
    expect(await jobs()).toMatchObject([{ kind: 'sale', ref: 'P1', state: 'printed' }]);
  });

  it('a cash sale prints and opens the drawer; the supervisor opens it again with the PIN only', async () => {
    const { h, printer } = await till();
    await h.call('openShift', { cashier: '张三', float_fee: 10000 });
    const sale = await h.call('recordCashSale', { total_fee: 500 });
    expect(sale.status).toBe(200);
    await waitFor(() => decodeEscPos(printer.printed()).drawerPulses.length === 1, 'the drawer kick');
    await waitFor(() => decodeEscPos(printer.printed()).cuts === 1, 'the receipt');
    expect(printedText(decodeEscPos(printer.printed()))).toMatch(/支付方式 +现金/);

    const refused = await asCashierUi('openDrawer', { pin: '9999' });
    expect(refused.status).toBe(401);
    expect(refused.body.error.code).toBe('pin_invalid');
    const opened = await asCashierUi('openDrawer', { pin: SUPERVISOR_PIN });
    expect(opened.body.value).toEqual({ delivered: true });
    expect(decodeEscPos(printer.printed()).drawerPulses).toHaveLength(2);

    // The 交班报表 counts both openings.
    await h.call('closeShift', { counted: { cash: 10500 } });
    await waitFor(() => printedText(decodeEscPos(printer.printed())).includes('交班报表'), 'the Z report');
    expect(printedText(decodeEscPos(printer.printed()))).toMatch(/开钱箱次数 +2/);
  });

  it('a cash receipt shows what was tendered and the change; too little tendered is refused', async () => {
    const { h, printer } = await till();
    const short = await h.call('recordCashSale', { total_fee: 500, tendered_fee: 100 });
    expect(short.status).toBe(400);
    expect(short.body.error.code).toBe('cash_tendered_short');
    expect((await h.call('listOrders', {})).body.value.total).toBe(0);
    await h.call('recordCashSale', { total_fee: 1288, tendered_fee: 2000 });
    await waitFor(() => decodeEscPos(printer.printed()).cuts === 1, 'the receipt');
    const text = printedText(decodeEscPos(printer.printed()));
    expect(text).toMatch(/实收 +￥20\.00/);
    expect(text).toMatch(/找零 +￥7\.12/);
  });

  it('reprint from History prints 重印; an unpaid order has no receipt', async () => {
    const { h, printer } = await till({ auto_print: false });
    await h.call('recordCashSale', { total_fee: 300 });
    const orders = (await h.call('listOrders', {})).body.value.orders;
    expect(await jobs()).toEqual([]);
    const reprint = await h.call('reprintReceipt', { out_trade_no: orders[0].out_trade_no });
    expect(reprint.body.value).toMatchObject({ kind: 'reprint', ref: orders[0].out_trade_no });
    await waitFor(() => printedText(decodeEscPos(printer.printed())).includes('重印'), 'the reprint');
    const missing = await h.call('reprintReceipt', { out_trade_no: 'NOPE' });
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('order_not_found');
  });

  it('the 交班报表 prints again on the printer when asked (the print button of the shift screen)', async () => {
    const { h, printer } = await till();
    await h.call('openShift', { cashier: '张三', float_fee: 10000 });
    const closed = await h.call('closeShift', { counted: { cash: 10000 } });
    const shiftId = closed.body.value.shift_id as string;
    await waitFor(() => printedText(decodeEscPos(printer.printed())).includes('交班报表'), 'the Z report');
    const again = await h.call('printShiftReport', { shift_id: shiftId });
    expect(again.status).toBe(200);
    expect(again.body.value).toMatchObject({ kind: 'shift', ref: shiftId });
    await waitFor(() => decodeEscPos(printer.printed()).cuts === 2, 'the second copy');
    expect(printedText(decodeEscPos(printer.printed()))).toContain('交班报表（重印）');
    expect(await jobs()).toHaveLength(2);
    const missing = await h.call('printShiftReport', { shift_id: 'NOPE' });
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('shift_not_found');
  });

  it('auto-print and voice are switched in Settings behind the PIN', async () => {
    const { h } = await till();
    const refused = await asCashierUi('updatePeripheralSettings', { pin: '1', auto_print: false });
    expect(refused.body.error.code).toBe('pin_invalid');
    const updated = await asCashierUi('updatePeripheralSettings', {
      pin: SUPERVISOR_PIN,
      auto_print: false,
      voice_volume: 40,
    });
    expect(updated.body.value).toMatchObject({ auto_print: false, voice: { enabled: true, volume: 40 } });
    await h.call('recordCashSale', { total_fee: 300 });
    const view = (await h.call('getPeripherals', {})).body.value;
    expect(view).toMatchObject({
      auto_print: false,
      printer: { id: expect.stringContaining('tcp:127.0.0.1:') },
    });
    expect(await jobs()).toEqual([]);
  });

  it('a printer that is off neither delays nor fails the payment; the receipt waits in the queue', async () => {
    const { h, printer } = await till();
    await printer.close();
    const code = await h.walletCode('alipay', 'instant');
    const created = await h.call('createPayment', {
      data: { out_trade_no: 'P2', total_fee: 2000, subject: 'Tea', auth_code: code },
    });
    expect(created.status).toBe(200);
    expect(created.body.attempt.phase).toBe('paid');
    const deadline = Date.now() + 5000;
    while ((await jobs('pending')).length === 0 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20));
    expect(await jobs('pending')).toMatchObject([{ kind: 'sale', ref: 'P2', state: 'pending' }]);
    const view = (await h.call('getPeripherals', {})).body.value;
    expect(view.printer.pending_jobs).toBe(1);
  });
});
