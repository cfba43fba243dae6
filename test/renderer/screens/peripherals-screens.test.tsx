// @vitest-environment jsdom
/**
 * The peripherals in the UI: the customer screen at each step of a sale, the printer on the status
 * bar, reprint from History, and Settings → printer and voice behind the PIN.
 */
import { act, cleanup, fireEvent, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { PrintJobView } from '../../../core/common/contract/peripherals-contract.ts';
import { App } from '../../../renderer/src/app.tsx';
import { PrintReceiptButton } from '../../../renderer/src/components/print-receipt-button.tsx';
import { StatusBar } from '../../../renderer/src/components/status-bar.tsx';
import { HistoryScreen } from '../../../renderer/src/screens/history-screen.tsx';
import { SaleScreen } from '../../../renderer/src/screens/sale-screen.tsx';
import { SettingsScreen } from '../../../renderer/src/screens/settings-screen.tsx';
import { ShiftScreen } from '../../../renderer/src/screens/shift-screen.tsx';
import { selectCustomerView } from '../../../renderer/src/state/customer-view.ts';
import { somePeripherals } from '../fixtures/peripherals.ts';
import { defaultBridge, renderWithStores } from '../fixtures/render-app.tsx';
import { anAttempt, anOrder, anOrderDetail, aSale, aShift, someSettings, T0 } from '../fixtures/views.ts';

afterEach(cleanup);

describe('selectCustomerView', () => {
  const order = anOrder({ total_fee: 1288 });
  it.each([
    [aSale({ state: 'idle' }), { kind: 'idle' }],
    [aSale({ state: 'awaiting_scan', order }), { kind: 'pay', fee: 1288 }],
    [
      aSale({ state: 'charging', order, attempt: anAttempt({ phase: 'polling' }) }),
      { kind: 'waiting', fee: 1288 },
    ],
    [
      aSale({
        state: 'done',
        order: { ...order, status: 1 },
        attempt: anAttempt({ phase: 'paid', wallet: 'alipay' }),
      }),
      { kind: 'paid', fee: 1288, wallet: 'alipay' },
    ],
    [aSale({ state: 'done', order, attempt: anAttempt({ phase: 'failed' }) }), { kind: 'failed', fee: 1288 }],
    [
      aSale({ state: 'done', order, attempt: anAttempt({ phase: 'reversed' }) }),
      { kind: 'failed', fee: 1288 },
    ],
    [
      aSale({ state: 'done', order, attempt: anAttempt({ phase: 'needs_attention' }) }),
      { kind: 'see_cashier', fee: 1288 },
    ],
  ] as const)('%#: %o', (sale, expected) => {
    expect(selectCustomerView(sale)).toEqual(expected);
  });
});

describe('customer screen (?mode=customer)', () => {
  it('follows the till: idle with the shop name, the amount with 请出示付款码, then 支付成功', async () => {
    const { stores } = renderWithStores(<App forcedMode="customer" />, { language: 'zh-CN' });
    await act(async () => {
      await stores.settings.getState().load();
      await stores.sale.getState().load();
    });
    const shop = someSettings().merchants[0]!.name;
    expect(screen.getByTestId('customer-screen').dataset.state).toBe('idle');
    expect(screen.getByTestId('customer-screen').textContent).toContain(shop);
    expect(screen.getByTestId('customer-screen').textContent).toContain('欢迎光临');
    const order = anOrder({ total_fee: 1288 });
    act(() => stores.sale.getState().applySale(aSale({ state: 'awaiting_scan', order })));
    expect(screen.getByTestId('customer-amount').textContent).toBe('¥12.88');
    expect(screen.getByRole('status').textContent).toBe('请出示付款码');
    act(() =>
      stores.sale.getState().applySale(
        aSale({
          state: 'done',
          order: { ...order, status: 1, paid_at: T0 },
          attempt: anAttempt({ phase: 'paid' }),
        }),
      ),
    );
    expect(screen.getByTestId('customer-screen').dataset.state).toBe('paid');
    expect(screen.getByRole('status').textContent).toBe('✓ 支付成功');
    // No cashier controls on the customer's side.
    expect(screen.queryAllByRole('button')).toEqual([]);
  });
});

describe('customer screen: a cash sale', () => {
  const cashOrder = (over: Parameters<typeof anOrder>[0] = {}) =>
    anOrder({
      out_trade_no: 'SO2001',
      total_fee: 1288,
      tender: 'cash',
      status: 1,
      paid_at: T0,
      custom: { tendered_fee: 10_000 },
      ...over,
    });

  async function customerScreen() {
    const rendered = renderWithStores(<App forcedMode="customer" />, { language: 'zh-CN' });
    await act(async () => {
      await rendered.stores.settings.getState().load();
      await rendered.stores.sale.getState().load();
    });
    return rendered;
  }

  it('shows the amount, 实收, 找零 and 支付成功 when a cash sale is booked', async () => {
    const { bridge } = await customerScreen();
    act(() => bridge.emit({ kind: 'order', order: cashOrder() }));
    const customer = screen.getByTestId('customer-screen');
    expect(customer.dataset.state).toBe('paid');
    expect(screen.getByTestId('customer-amount').textContent).toBe('¥12.88');
    expect(screen.getByTestId('customer-tendered').textContent).toBe('实收 ¥100.00');
    expect(screen.getByTestId('customer-change').textContent).toBe('找零 ¥87.12');
    expect(screen.getByRole('status').textContent).toBe('✓ 支付成功');
  });

  it('a cash sale without a tendered amount shows the amount and 支付成功 only', async () => {
    const { bridge } = await customerScreen();
    act(() => bridge.emit({ kind: 'order', order: cashOrder({ custom: null }) }));
    expect(screen.getByTestId('customer-screen').dataset.state).toBe('paid');
    expect(screen.queryByTestId('customer-tendered')).toBeNull();
    expect(screen.queryByTestId('customer-change')).toBeNull();
  });

  it('gives way to the next sale, and is not shown for wallet orders or refunded cash', async () => {
    const { bridge } = await customerScreen();
    act(() => bridge.emit({ kind: 'order', order: cashOrder() }));
    act(() =>
      bridge.emit({
        kind: 'sale',
        sale: aSale({ state: 'awaiting_scan', order: anOrder({ total_fee: 500 }) }),
      }),
    );
    expect(screen.getByTestId('customer-screen').dataset.state).toBe('pay');
    expect(screen.getByTestId('customer-amount').textContent).toBe('¥5.00');
    act(() => bridge.emit({ kind: 'sale', sale: aSale({ state: 'idle' }) }));
    act(() => bridge.emit({ kind: 'order', order: cashOrder({ tender: 'wxpay' }) }));
    expect(screen.getByTestId('customer-screen').dataset.state).toBe('idle');
    act(() => bridge.emit({ kind: 'order', order: cashOrder() }));
    act(() =>
      bridge.emit({ kind: 'order', order: cashOrder({ refunded_fee: 1288, status: 3, updated_at: T0 + 5 }) }),
    );
    expect(screen.getByTestId('customer-screen').dataset.state).toBe('idle');
  });

  it('cash paid instead of a wallet: the cancelled sale goes idle, then the cash sale shows', async () => {
    const { bridge } = await customerScreen();
    act(() =>
      bridge.emit({
        kind: 'sale',
        sale: aSale({ state: 'awaiting_scan', order: anOrder({ total_fee: 1288 }) }),
      }),
    );
    act(() => bridge.emit({ kind: 'sale', sale: aSale({ state: 'idle' }) }));
    act(() => bridge.emit({ kind: 'order', order: cashOrder({ custom: { tendered_fee: 1288 } }) }));
    expect(screen.getByTestId('customer-screen').dataset.state).toBe('paid');
    expect(screen.getByTestId('customer-change').textContent).toBe('找零 ¥0.00');
  });
});

describe('printer on the status bar', () => {
  it.each([
    ['online', 'Printer: ready'],
    ['paper_out', 'Printer: out of paper'],
    ['cover_open', 'Printer: cover open'],
    ['unreachable', 'Printer: not connected'],
  ] as const)('%s', async (state, text) => {
    const bridge = defaultBridge().on('getPeripherals', () =>
      somePeripherals({
        printer: { id: 'tcp:p', status: { state, paper_low: false, detail: null }, pending_jobs: 0 },
      }),
    );
    const { stores } = renderWithStores(<StatusBar />, { bridge });
    await act(async () => stores.peripherals.getState().load());
    expect(screen.getByTestId('printer-status').textContent).toContain(text);
  });

  it('counts the receipts waiting, and follows the service events', async () => {
    const { stores, bridge } = renderWithStores(<StatusBar />);
    await act(async () => stores.peripherals.getState().load());
    act(() =>
      bridge.emit({
        kind: 'peripherals',
        peripherals: somePeripherals({
          printer: {
            id: 'tcp:p',
            status: { state: 'paper_out', paper_low: false, detail: null },
            pending_jobs: 2,
          },
        }),
      }),
    );
    const pill = screen.getByTestId('printer-status');
    expect(pill.textContent).toBe('Printer: out of paper · 2 receipts waiting');
    // The bar shows icons: the tooltip carries the words.
    expect(pill.getAttribute('title')).toMatch(/^Printer: out of paper · 2 receipts waiting/);
  });

  it('shows nothing when no printer is configured', async () => {
    const bridge = defaultBridge().on('getPeripherals', () => somePeripherals({ printer: null }));
    const { stores } = renderWithStores(<StatusBar />, { bridge });
    await act(async () => stores.peripherals.getState().load());
    expect(screen.queryByTestId('printer-status')).toBeNull();
  });
});

describe('reprint from History', () => {
  it('a paid order has 重印小票, which asks the service to print it again', async () => {
    const paid = anOrderDetail({ status: 1, paid_at: T0, tender: 'wxpay' });
    const job: PrintJobView = {
      id: 7,
      kind: 'reprint',
      ref: paid.out_trade_no,
      state: 'pending',
      tries: 0,
      last_error: null,
      created_at: T0,
      printed_at: null,
    };
    const bridge = defaultBridge()
      .on('getOrder', () => paid)
      .on('reprintReceipt', () => job)
      .on('listPrintJobs', () => [job]);
    const { stores } = renderWithStores(<HistoryScreen />, { bridge });
    await act(async () => {
      await stores.peripherals.getState().load();
      await stores.history.getState().select(paid.out_trade_no);
    });
    await act(async () => fireEvent.click(screen.getByTestId('reprint')));
    expect(bridge.callsOf('reprintReceipt')).toEqual([{ out_trade_no: paid.out_trade_no }]);
  });

  it('an unpaid order has no reprint', async () => {
    const bridge = defaultBridge().on('getOrder', () => anOrderDetail({ status: 0 }));
    const { stores } = renderWithStores(<HistoryScreen />, { bridge });
    await act(async () => {
      await stores.peripherals.getState().load();
      await stores.history.getState().select('SO1001');
    });
    expect(screen.queryByTestId('reprint')).toBeNull();
  });
});

describe('cash tendered and change', () => {
  const key = (name: string) => fireEvent.click(screen.getByRole('button', { name }));

  it('shows the change and sends what was tendered with the cash sale', async () => {
    const bridge = defaultBridge().on('recordCashSale', (r) =>
      anOrder({ total_fee: r.total_fee, status: 1, tender: 'cash', paid_at: T0 }),
    );
    renderWithStores(<SaleScreen />, { bridge });
    for (const k of ['1', '2', '.', '8', '8']) key(k);
    fireEvent.change(screen.getByTestId('cash-tendered'), { target: { value: '20' } });
    expect(screen.getByTestId('cash-change').textContent).toBe(' · change ¥7.12');
    await act(async () => fireEvent.click(screen.getByTestId('cash')));
    expect(bridge.callsOf('recordCashSale')).toEqual([{ total_fee: 1288, tendered_fee: 2000 }]);
  });

  it('too little tendered is refused on the spot, in words, and nothing is recorded', async () => {
    const bridge = defaultBridge().on('recordCashSale', (r) =>
      anOrder({ total_fee: r.total_fee, status: 1 }),
    );
    renderWithStores(<SaleScreen />, { bridge });
    for (const k of ['5', '0']) key(k);
    fireEvent.change(screen.getByTestId('cash-tendered'), { target: { value: '20' } });
    expect(screen.queryByTestId('cash-change')).toBeNull();
    await act(async () => fireEvent.click(screen.getByTestId('cash')));
    expect(bridge.callsOf('recordCashSale')).toEqual([]);
    expect(screen.getByRole('alert').textContent).toMatch(/less than the sale/);
  });
});

describe('print receipt on a paid sale', () => {
  afterEach(() => vi.restoreAllMocks());

  it('goes to the receipt printer when one is configured', async () => {
    const bridge = defaultBridge()
      .on('reprintReceipt', () => null)
      .on('listPrintJobs', () => []);
    const { stores } = renderWithStores(<PrintReceiptButton order={anOrder({ status: 1, paid_at: T0 })} />, {
      bridge,
    });
    await act(async () => stores.peripherals.getState().load());
    const print = vi.spyOn(window, 'print').mockImplementation(() => {});
    await act(async () => fireEvent.click(screen.getByTestId('print-receipt')));
    expect(bridge.callsOf('reprintReceipt')).toEqual([{ out_trade_no: 'SO1001' }]);
    expect(print).not.toHaveBeenCalled();
  });

  it("falls back to the browser's print dialog without a printer", async () => {
    const bridge = defaultBridge().on('getPeripherals', () => somePeripherals({ printer: null }));
    const { stores } = renderWithStores(<PrintReceiptButton order={anOrder({ status: 1, paid_at: T0 })} />, {
      bridge,
    });
    await act(async () => stores.peripherals.getState().load());
    const print = vi.spyOn(window, 'print').mockImplementation(() => {});
    fireEvent.click(screen.getByTestId('print-receipt'));
    expect(print).toHaveBeenCalledTimes(1);
    expect(bridge.callsOf('reprintReceipt')).toEqual([]);
  });
});

describe('交班报表 print button', () => {
  afterEach(() => vi.restoreAllMocks());

  const zReport = { ...aShift({ closed_at: T0 + 3_600_000 }), lines: [] };

  async function shiftScreenWithReport(bridge: ReturnType<typeof defaultBridge>) {
    const rendered = renderWithStores(<ShiftScreen />, { bridge });
    await act(async () => rendered.stores.peripherals.getState().load());
    act(() => rendered.stores.shift.setState({ zReport }));
    return rendered;
  }

  it('prints the 交班报表 on the receipt printer when one is configured', async () => {
    const bridge = defaultBridge()
      .on('printShiftReport', () => null)
      .on('listPrintJobs', () => []);
    await shiftScreenWithReport(bridge);
    const print = vi.spyOn(window, 'print').mockImplementation(() => {});
    await act(async () => fireEvent.click(screen.getByTestId('print-z-report')));
    expect(bridge.callsOf('printShiftReport')).toEqual([{ shift_id: 'S1' }]);
    expect(print).not.toHaveBeenCalled();
  });

  it("falls back to the browser's print dialog without a printer", async () => {
    const bridge = defaultBridge().on('getPeripherals', () => somePeripherals({ printer: null }));
    await shiftScreenWithReport(bridge);
    const print = vi.spyOn(window, 'print').mockImplementation(() => {});
    fireEvent.click(screen.getByTestId('print-z-report'));
    expect(print).toHaveBeenCalledTimes(1);
    expect(bridge.callsOf('printShiftReport')).toEqual([]);
  });
});

describe('Settings → printer and voice', () => {
  async function unlocked(bridge = defaultBridge()) {
    bridge.on('verifyPin', () => ({ ok: true })).on('listPrintJobs', () => []);
    const rendered = renderWithStores(<SettingsScreen />, { bridge });
    await act(async () => {
      await rendered.stores.settings.getState().load();
      await rendered.stores.peripherals.getState().load();
    });
    fireEvent.change(screen.getByTestId('settings-pin'), { target: { value: '2468' } });
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Unlock' })));
    return rendered;
  }

  it('saves auto-print, voice and volume with the PIN', async () => {
    const bridge = defaultBridge().on('updatePeripheralSettings', (r) =>
      somePeripherals({
        auto_print: r.auto_print ?? true,
        voice: { enabled: r.voice_enabled ?? true, volume: r.voice_volume ?? 80 },
      }),
    );
    const { stores } = await unlocked(bridge);
    fireEvent.click(screen.getByTestId('auto-print'));
    fireEvent.change(screen.getByTestId('voice-volume'), { target: { value: '30' } });
    await act(async () => fireEvent.click(screen.getByTestId('peripherals-save')));
    expect(bridge.callsOf('updatePeripheralSettings')).toEqual([
      { pin: '2468', auto_print: false, voice_enabled: true, voice_volume: 30 },
    ]);
    expect(stores.voice.getState().volume).toBe(30);
  });

  it('opens the drawer with the PIN and says whether it opened', async () => {
    const bridge = defaultBridge().on('openDrawer', () => ({ delivered: false }));
    await unlocked(bridge);
    await act(async () => fireEvent.click(screen.getByTestId('open-drawer')));
    expect(bridge.callsOf('openDrawer')).toEqual([{ pin: '2468' }]);
    expect(screen.getByTestId('drawer-result').textContent).toMatch(/did not open/);
  });
});
