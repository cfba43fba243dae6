// @vitest-environment jsdom
/** The till with no mouse: F1 扫码, F2 现金, F3 退款, Esc cancel/stop (with confirm), Enter = the focused button. */
import { act, cleanup, fireEvent, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { App } from '../../../renderer/src/app.tsx';
import { SaleScreen } from '../../../renderer/src/screens/sale-screen.tsx';
import { defaultBridge, renderWithStores } from '../fixtures/render-app.tsx';
import { anAttempt, anOrder, aSale } from '../fixtures/views.ts';

afterEach(cleanup);

const key = (k: string, target: Element | Window = window) =>
  act(async () => {
    fireEvent.keyDown(target, { key: k });
  });

function cashBridge() {
  return defaultBridge()
    .on('beginSale', (r) => aSale({ state: 'awaiting_scan', order: anOrder({ total_fee: r.total_fee }) }))
    .on('recordCashSale', (r) => anOrder({ total_fee: r.total_fee, status: 1, tender: 'cash' }));
}

describe('till hotkeys', () => {
  it('shows each hotkey on its button', () => {
    renderWithStores(<SaleScreen />);
    expect(screen.getByTestId('charge').textContent).toMatch(/F1/);
    expect(screen.getByTestId('cash').textContent).toMatch(/F2/);
  });

  it('F1 starts the scan charge for the typed amount', async () => {
    const bridge = cashBridge();
    renderWithStores(<SaleScreen />, { bridge });
    await key('6');
    await key('F1');
    expect(bridge.callsOf('beginSale')).toEqual([{ total_fee: 600 }]);
  });

  it('F2 takes the typed amount in cash', async () => {
    const bridge = cashBridge();
    renderWithStores(<SaleScreen />, { bridge });
    await key('6');
    await key('F2');
    expect(bridge.callsOf('recordCashSale')).toEqual([{ total_fee: 600 }]);
    expect(bridge.callsOf('beginSale')).toEqual([]);
  });

  it('Enter on a focused 现金收款 takes cash, not a scan charge', async () => {
    const bridge = cashBridge();
    renderWithStores(<SaleScreen />, { bridge });
    await key('6');
    const cash = screen.getByTestId('cash');
    cash.focus();
    await key('Enter', cash);
    expect(bridge.callsOf('beginSale')).toEqual([]);
    // The browser turns Enter on a focused button into its click; jsdom does not, so click as it would.
    await act(async () => fireEvent.click(cash));
    expect(bridge.callsOf('recordCashSale')).toEqual([{ total_fee: 600 }]);
  });

  it('Esc on the scan prompt asks, then cancels the waiting sale only when confirmed', async () => {
    const bridge = defaultBridge().on('cancelSale', () => aSale());
    renderWithStores(<SaleScreen />, { bridge });
    act(() => bridge.emit({ kind: 'sale', sale: aSale({ state: 'awaiting_scan', order: anOrder() }) }));
    await key('Escape');
    const dialog = screen.getByRole('alertdialog');
    expect(bridge.callsOf('cancelSale')).toEqual([]);
    await act(async () => fireEvent.click(within(dialog).getByRole('button', { name: /Cancel the sale/ })));
    expect(bridge.callsOf('cancelSale')).toEqual([{}]);
  });

  it('Esc while charging asks to confirm the stop; nothing is stopped without the confirmation', async () => {
    const bridge = defaultBridge();
    renderWithStores(<SaleScreen />, { bridge });
    act(() =>
      bridge.emit({
        kind: 'sale',
        sale: aSale({ state: 'charging', order: anOrder(), attempt: anAttempt() }),
      }),
    );
    await key('Escape');
    expect(screen.getByRole('alertdialog')).toBeTruthy();
    expect(bridge.callsOf('stopAttempt')).toEqual([]);
  });

  it('F3 opens 退款', async () => {
    const { stores } = renderWithStores(<App forcedMode="cashier" />);
    await key('F3');
    expect(stores.nav.getState().route).toBe('refund');
  });
});
