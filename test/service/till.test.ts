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
beforeEach(() => {
  h = createHarness();
  sales = [];
  scans = [];
  till = new Till({
    engine: h.engine,
    emitSale: (sale) => sales.push(sale),
    emitScan: (scan) => scans.push(scan),
    currentShift: () => null,
    isWalletDown: () => false,
  });
});
afterEach(() => {
  vi.restoreAllMocks();
  h.dispose();
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
