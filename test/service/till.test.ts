/** The till recognises a scan once and hands the recognition to the engine, which does not classify again. */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { SaleView, ScanView } from '../../core/common/contract/views.ts';
import * as recognition from '../../core/common/recognition/classify-payment-code.ts';
import { Till } from '../../core/service/till.ts';
import { createHarness, type Harness, settle, wxCode } from '../engine/harness.ts';

let h: Harness;
let sales: SaleView[];
let scans: ScanView[];
let till: Till;
let walletDown: boolean;
beforeEach(() => {
  walletDown = false;
  h = createHarness();
  sales = [];
  scans = [];
  till = new Till({
    engine: h.engine,
    emitSale: (sale) => sales.push(sale),
    emitScan: (scan) => scans.push(scan),
    currentShift: () => null,
    isWalletDown: () => walletDown,
    subjectFor: (pid) => (pid === 'other' ? '另一家店' : '街角茶铺 奶茶'),
  });
});
afterEach(() => {
  vi.restoreAllMocks();
  h.dispose();
});

describe('the subject the provider sees', () => {
  it("is the shop name and item text from config, never the cashier's note", async () => {
    const micropay = vi.spyOn(h.wx, 'micropay');
    const sale = till.begin(1500, '给老王赊账 private note', undefined);
    await till.scan(wxCode(), 'serial', 1);
    await settle(h);
    expect(micropay).toHaveBeenCalledTimes(1);
    expect(micropay.mock.calls[0]![0].subject).toBe('街角茶铺 奶茶');
    // The note stays with the order, for the cashier's eyes only.
    expect(h.engine.orderView(sale.order!.out_trade_no)).toMatchObject({
      subject: '街角茶铺 奶茶',
      note: '给老王赊账 private note',
    });
  });

  it('a scan carrying the shown amount and note begins the sale with the same shop subject', async () => {
    const micropay = vi.spyOn(h.wx, 'micropay');
    await till.scan(wxCode(), 'wedge', 1, { total_fee: 880, note: 'secret' });
    await settle(h);
    expect(micropay.mock.calls[0]![0].subject).toBe('街角茶铺 奶茶');
  });
});

describe('till scan', () => {
  it('classifies the code once and pays the waiting sale with that classification', async () => {
    const classify = vi.spyOn(recognition, 'classifyPaymentCode');
    const pay = vi.spyOn(h.engine, 'pay');
    const sale = till.begin(1500, 'Tea', undefined);
    const code = wxCode();
    const scan = await till.scan(`${code}\r\n`, 'serial', 1);
    expect(scan).toMatchObject({ ok: true, wallet: 'wxpay', error: null });
    expect(pay).toHaveBeenCalledTimes(1);
    const passed = pay.mock.calls[0]![0].auth_code;
    expect(passed).toMatchObject({ ok: true, wallet: 'wxpay', authCode: code });
    expect(classify).toHaveBeenCalledTimes(1);
    await settle(h);
    expect(h.engine.orderView(sale.order!.out_trade_no)?.status).toBe(1);
    expect(h.wx.held(sale.order!.out_trade_no)).toBe(1500);
  });

  it('a code the engine refuses (used again within the window) is reported on the scan, nothing charged', async () => {
    const code = wxCode();
    till.begin(1500, 'Tea', undefined);
    await till.scan(code, 'serial', 1);
    await settle(h);
    const second = till.begin(800, 'Cake', undefined);
    const scan = await till.scan(code, 'serial', 2);
    expect(scan).toMatchObject({ ok: false, error: { code: 'auth_code_reused' } });
    expect(h.wx.held(second.order!.out_trade_no)).toBe(0);
  });

  it('a product barcode is reported with its reason and pays nothing', async () => {
    const pay = vi.spyOn(h.engine, 'pay');
    till.begin(1500, 'Tea', undefined);
    const scan = await till.scan('4006381333931', 'wedge', 1);
    expect(scan).toMatchObject({ ok: false, error: { code: 'code_is_product_barcode' } });
    expect(pay).not.toHaveBeenCalled();
  });
});

describe('the scan is the charge', () => {
  it('a scan carrying the amount on screen begins the sale and charges exactly that amount', async () => {
    const code = wxCode();
    const scan = await till.scan(code, 'wedge:browser', 1, { total_fee: 2850, note: 'Tea' });
    expect(scan).toMatchObject({ ok: true, wallet: 'wxpay', error: null });
    await settle(h);
    const order = till.view().order!;
    expect(order.total_fee).toBe(2850);
    expect(h.wx.held(order.out_trade_no)).toBe(2850);
    expect(h.engine.orderView(order.out_trade_no)?.status).toBe(1);
  });

  it('the amount on screen wins over a different waiting sale, which is closed unpaid', async () => {
    const waiting = till.begin(999, undefined, undefined);
    await till.scan(wxCode(), 'wedge:browser', 1, { total_fee: 2850 });
    await settle(h);
    expect(h.wx.held(waiting.order!.out_trade_no)).toBe(0);
    expect(till.view().order!.total_fee).toBe(2850);
    expect(till.view().order!.out_trade_no).not.toBe(waiting.order!.out_trade_no);
  });

  it('a scan with no amount on screen and no sale waiting is refused, nothing charged', async () => {
    const pay = vi.spyOn(h.engine, 'pay');
    const scan = await till.scan(wxCode(), 'serial', 1);
    expect(scan).toMatchObject({ ok: false, error: { code: 'no_sale' } });
    expect(pay).not.toHaveBeenCalled();
  });

  it('a scanner scan with no sale is held for the screen, which charges it with the amount it shows', async () => {
    const scan = await till.scan(wxCode(), 'serial', 1);
    expect(scan.held_id).toEqual(expect.any(String));
    const paid = await till.payHeld(scan.held_id!, { total_fee: 2850 }, 2);
    expect(paid).toMatchObject({ ok: true, wallet: 'wxpay' });
    await settle(h);
    expect(h.wx.held(till.view().order!.out_trade_no)).toBe(2850);
  });

  it('a held scan is charged once: a second claim (another window) is refused', async () => {
    const scan = await till.scan(wxCode(), 'serial', 1);
    await till.payHeld(scan.held_id!, { total_fee: 2850 }, 2);
    await settle(h);
    const again = await till.payHeld(scan.held_id!, { total_fee: 100 }, 3);
    expect(again).toMatchObject({ ok: false, error: { code: 'no_sale' } });
    expect(h.wx.held(till.view().order!.out_trade_no)).toBe(2850);
  });

  it('a held scan expires: claimed too late it is refused and charges nothing', async () => {
    const pay = vi.spyOn(h.engine, 'pay');
    const scan = await till.scan(wxCode(), 'serial', 1_000);
    const late = await till.payHeld(scan.held_id!, { total_fee: 2850 }, 1_000 + 60_000);
    expect(late).toMatchObject({ ok: false, error: { code: 'no_sale' } });
    expect(pay).not.toHaveBeenCalled();
  });

  it('a scan while a charge is in progress is refused whatever amount it carries', async () => {
    till.begin(1500, undefined, undefined);
    const slow = wxCode();
    h.wx.customers.set(slow, 'password');
    await till.scan(slow, 'serial', 1);
    await vi.waitFor(() => expect(till.view().state).toBe('charging'));
    const scan = await till.scan(wxCode(), 'wedge:browser', 2, { total_fee: 2850 });
    expect(scan).toMatchObject({ ok: false, error: { code: 'attempt_unresolved' } });
  });
});

describe('never lock the till', () => {
  /** A sale whose reversal the provider keeps asking to retry: the attempt ends needing a person. */
  async function stuckSale(): Promise<string> {
    const code = wxCode();
    h.wx.customers.set(code, 'password');
    h.wx.reverseRetries = 100;
    const sale = till.begin(1500, undefined, undefined);
    await till.scan(code, 'serial', 1);
    h.engine.stop(sale.order!.out_trade_no);
    await settle(h);
    expect(h.engine.orderView(sale.order!.out_trade_no)?.live_attempt?.phase).toBe('needs_attention');
    return sale.order!.out_trade_no;
  }

  it('an attempt needing attention does not block the next sale: a new order begins and is paid', async () => {
    const stuck = await stuckSale();
    expect(till.view().state).toBe('done');
    const next = till.begin(800, undefined, undefined);
    expect(next.order!.out_trade_no).not.toBe(stuck);
    await till.scan(wxCode(), 'serial', 2);
    await settle(h);
    expect(h.wx.held(next.order!.out_trade_no)).toBe(800);
    // The stuck attempt is left for a person, untouched.
    expect(h.engine.orderView(stuck)?.live_attempt?.phase).toBe('needs_attention');
  });

  it('a scan with the amount on screen charges a new order while the other waits for a person', async () => {
    const stuck = await stuckSale();
    const scan = await till.scan(wxCode(), 'wedge:browser', 2, { total_fee: 2850 });
    expect(scan).toMatchObject({ ok: true });
    await settle(h);
    expect(till.view().order!.out_trade_no).not.toBe(stuck);
    expect(h.wx.held(till.view().order!.out_trade_no)).toBe(2850);
  });
});

describe('outage: an attempt in doubt does not hold the till', () => {
  it('while the line is cut a polling attempt resolves in the background and the next sale may begin', async () => {
    const code = wxCode();
    h.wx.customers.set(code, 'password');
    const first = till.begin(1500, undefined, undefined);
    await till.scan(code, 'serial', 1);
    expect(till.view().state).toBe('charging');
    h.wx.offline = true;
    walletDown = true;
    expect(till.view().state).toBe('done');
    const next = till.begin(800, undefined, undefined);
    expect(next.order!.out_trade_no).not.toBe(first.order!.out_trade_no);
    // The first attempt is not closed or dropped: the engine still drives it.
    expect(h.engine.orderView(first.order!.out_trade_no)?.live_attempt).not.toBeNull();
    h.wx.confirm(code);
    h.wx.offline = false;
    walletDown = false;
    await settle(h);
    expect(h.engine.orderView(first.order!.out_trade_no)?.status).toBe(1);
  });

  it('with the line up a running attempt still holds the till (one live attempt per order)', async () => {
    const code = wxCode();
    h.wx.customers.set(code, 'password');
    till.begin(1500, undefined, undefined);
    await till.scan(code, 'serial', 1);
    expect(() => till.begin(800, undefined, undefined)).toThrow(/in progress/);
  });
});
