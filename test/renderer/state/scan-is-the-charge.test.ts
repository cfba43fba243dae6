/** The scan is the charge: the amount on screen travels with the scan; a paid sale gives way to the next one. */
import { describe, expect, it, vi } from 'vitest';
import { routeScan } from '../../../renderer/src/scan/route-scan.ts';
import { connectStores, createAppStores } from '../../../renderer/src/state/app-stores.ts';
import { selectCanStartNew, selectSaleScreen } from '../../../renderer/src/state/sale-store.ts';
import { defaultBridge } from '../fixtures/render-app.tsx';
import { anAttempt, anOrder, aSale, aScan } from '../fixtures/views.ts';

function setup() {
  const bridge = defaultBridge().on('submitScan', () => aScan({ ok: true }));
  const stores = createAppStores(bridge);
  connectStores(stores, { mode: 'cashier', healthRefreshMs: 0 });
  return { bridge, stores, sale: stores.sale };
}

function type(sale: ReturnType<typeof setup>['sale'], text: string) {
  for (const k of text) sale.getState().press(k as '1');
}

describe('the scan is the charge', () => {
  it('a browser scan with ¥28.50 typed sends that amount with the code and spends the entry', async () => {
    const { bridge, stores, sale } = setup();
    type(sale, '28.50');
    sale.getState().setNote('tea');
    await routeScan(stores, '134567890123456789');
    expect(bridge.callsOf('submitScan')).toEqual([
      { code: '134567890123456789', source: 'wedge:browser', total_fee: 2850, note: 'tea' },
    ]);
    expect(sale.getState().entry).toBe('');
  });

  it('a scan with no amount typed goes without one (the service refuses it)', async () => {
    const { bridge, stores } = setup();
    await routeScan(stores, '134567890123456789');
    expect(bridge.callsOf('submitScan')).toEqual([{ code: '134567890123456789', source: 'wedge:browser' }]);
  });

  it('a scan while the scan prompt shows a waiting sale sends no amount: the sale has one', async () => {
    const { bridge, stores, sale } = setup();
    bridge.emit({
      kind: 'sale',
      sale: aSale({ state: 'awaiting_scan', order: anOrder({ total_fee: 700 }) }),
    });
    type(sale, '9');
    await routeScan(stores, '134567890123456789');
    expect(bridge.callsOf('submitScan')).toEqual([{ code: '134567890123456789', source: 'wedge:browser' }]);
  });

  it("a scanner's held scan is claimed with the amount on screen", async () => {
    const { bridge, sale } = setup();
    type(sale, '28.5');
    bridge.emit({
      kind: 'scan',
      scan: aScan({ ok: false, source: 'hid', held_id: 'H1', error: { code: 'no_sale', message: 'x' } }),
    });
    expect(bridge.callsOf('submitScan')).toEqual([{ held_id: 'H1', source: 'hid', total_fee: 2850 }]);
    await vi.waitFor(() => expect(sale.getState().entry).toBe(''));
    expect(sale.getState().error).toBeNull();
  });

  it('a held scan with no amount on screen is not claimed: the refusal shows', async () => {
    const { bridge, sale } = setup();
    bridge.emit({
      kind: 'scan',
      scan: aScan({ ok: false, held_id: 'H1', error: { code: 'no_sale', message: 'x' } }),
    });
    expect(bridge.callsOf('submitScan')).toEqual([]);
    expect(sale.getState().error?.code).toBe('no_sale');
  });

  it('on the paid outcome the first digit typed starts the next sale with that digit', () => {
    const { bridge, sale } = setup();
    bridge.emit({
      kind: 'sale',
      sale: aSale({ state: 'done', order: anOrder({ status: 1 }), attempt: anAttempt({ phase: 'paid' }) }),
    });
    expect(selectSaleScreen(sale.getState()).kind).toBe('outcome');
    sale.getState().press('7');
    expect(selectSaleScreen(sale.getState()).kind).toBe('entry');
    expect(sale.getState().entry).toBe('7');
  });
});

describe('moving on from a charge in doubt', () => {
  it("a cash sale taken meanwhile shows as paid, and the old charge's events do not pull the screen back", async () => {
    const { bridge, sale } = setup();
    bridge.on('recordCashSale', (r) =>
      anOrder({ out_trade_no: 'CASH1', total_fee: r.total_fee, status: 1, tender: 'cash' }),
    );
    const inDoubt = aSale({ state: 'done', order: anOrder(), attempt: anAttempt({ phase: 'polling' }) });
    bridge.emit({ kind: 'sale', sale: inDoubt });
    expect(selectSaleScreen(sale.getState()).kind).toBe('charging');
    sale.getState().newSale();
    type(sale, '3');
    await sale.getState().payCash();
    expect(selectSaleScreen(sale.getState())).toMatchObject({
      kind: 'outcome',
      outcome: { kind: 'paid', order: { tender: 'cash' } },
    });
    // The engine goes on with the old charge in the background: its events arrive.
    bridge.emit({
      kind: 'sale',
      sale: { ...inDoubt, attempt: anAttempt({ phase: 'polling', updated_at: 99 }) },
    });
    bridge.emit({ kind: 'attempt', attempt: anAttempt({ phase: 'reversing', updated_at: 100 }) });
    expect(selectSaleScreen(sale.getState())).toMatchObject({
      kind: 'outcome',
      outcome: { kind: 'paid', order: { tender: 'cash' } },
    });
    sale.getState().newSale();
    expect(selectSaleScreen(sale.getState()).kind).toBe('entry');
  });
});

describe('the line returns after the cashier moved on', () => {
  it('the old charge running again does not block the next sale', async () => {
    const { bridge, sale } = setup();
    bridge.on('recordCashSale', (r) =>
      anOrder({ out_trade_no: 'CASH1', total_fee: r.total_fee, status: 1, tender: 'cash' }),
    );
    bridge.emit({
      kind: 'sale',
      sale: aSale({ state: 'done', order: anOrder(), attempt: anAttempt({ phase: 'polling' }) }),
    });
    sale.getState().newSale();
    type(sale, '3');
    await sale.getState().payCash();
    bridge.emit({
      kind: 'sale',
      sale: aSale({
        state: 'charging',
        order: anOrder(),
        attempt: anAttempt({ phase: 'polling', updated_at: 50 }),
      }),
    });
    expect(selectCanStartNew(sale.getState())).toBe(true);
    sale.getState().press('4');
    expect(selectSaleScreen(sale.getState()).kind).toBe('entry');
    expect(sale.getState().entry).toBe('4');
  });
});
