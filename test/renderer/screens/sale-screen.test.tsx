// @vitest-environment jsdom
import { act, cleanup, fireEvent, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { SaleScreen } from '../../../renderer/src/screens/sale-screen.tsx';
import { defaultBridge, renderWithStores } from '../fixtures/render-app.tsx';
import { aHealth, anAttempt, anOrder, aProvider, aSale, aScan, T0 } from '../fixtures/views.ts';

afterEach(cleanup);

function click(name: RegExp | string) {
  fireEvent.click(screen.getByRole('button', { name }));
}

describe('sale screen', () => {
  it('takes the amount from the on-screen keypad and starts a sale', async () => {
    const bridge = defaultBridge().on('beginSale', (r) =>
      aSale({ state: 'awaiting_scan', order: anOrder({ total_fee: r.total_fee }) }),
    );
    renderWithStores(<SaleScreen />, { bridge });
    for (const k of ['1', '2', '.', '5']) click(k);
    expect(screen.getByTestId('amount').textContent).toBe('¥12.5');
    await act(async () => click(/Scan to charge/));
    expect(bridge.callsOf('beginSale')).toEqual([{ total_fee: 1250 }]);
    expect(screen.getByTestId('scan-prompt').textContent).toMatch(/Scan the customer's payment code/);
    expect(screen.getByTestId('scan-amount').textContent).toBe('¥12.50');
  });

  it('takes the amount from the keyboard: digits, Backspace, Enter', async () => {
    const bridge = defaultBridge().on('beginSale', () => aSale({ state: 'awaiting_scan', order: anOrder() }));
    renderWithStores(<SaleScreen />, { bridge });
    for (const key of ['9', '8', 'Backspace', '7']) fireEvent.keyDown(window, { key });
    expect(screen.getByTestId('amount').textContent).toBe('¥97');
    await act(async () => {
      fireEvent.keyDown(window, { key: 'Enter' });
    });
    expect(bridge.callsOf('beginSale')).toEqual([{ total_fee: 9700 }]);
  });

  it('says plainly when a product barcode was scanned instead of a payment code', () => {
    const { bridge } = renderWithStores(<SaleScreen />);
    act(() => bridge.emit({ kind: 'sale', sale: aSale({ state: 'awaiting_scan', order: anOrder() }) }));
    act(() =>
      bridge.emit({
        kind: 'scan',
        scan: aScan({ ok: false, wallet: null, error: { code: 'code_is_product_barcode', message: 'x' } }),
      }),
    );
    const alert = screen.getByTestId('scan-error');
    expect(alert.textContent).toMatch(/product barcode, not a payment code/);
    expect(alert.getAttribute('role')).toBe('alert');
  });

  it('shows the wallet, the waiting message and a countdown, and stops only after confirmation', async () => {
    const bridge = defaultBridge().on('stopAttempt', () =>
      anAttempt({ phase: 'reversing', stop_requested: true, updated_at: T0 + 9 }),
    );
    renderWithStores(<SaleScreen />, { bridge });
    act(() =>
      bridge.emit({
        kind: 'sale',
        sale: aSale({
          state: 'charging',
          order: anOrder(),
          attempt: anAttempt({ phase: 'polling', deadline_at: Date.now() + 30_500 }),
        }),
      }),
    );
    expect(screen.getByTestId('wallet').textContent).toBe('WeChat Pay');
    expect(screen.getByTestId('charging-status').textContent).toMatch(/enter the password/);
    expect(screen.getByTestId('countdown').textContent).toMatch(/3[01] s left/);
    click(/Stop/);
    expect(screen.getByRole('alertdialog')).toBeTruthy();
    expect(bridge.callsOf('stopAttempt')).toEqual([]);
    await act(async () => click(/Stop and reverse/));
    expect(bridge.callsOf('stopAttempt')).toEqual([{ out_trade_no: 'SO1001' }]);
    expect(screen.queryByRole('alertdialog')).toBeNull();
    expect(screen.getByTestId('charging-status').textContent).toMatch(/Reversing/);
    expect((screen.getByTestId('stop') as HTMLButtonElement).disabled).toBe(true);
  });

  it('shows the paid receipt with amount, wallet and transaction id', () => {
    const { bridge } = renderWithStores(<SaleScreen />);
    act(() =>
      bridge.emit({
        kind: 'sale',
        sale: aSale({
          state: 'done',
          order: anOrder({ status: 1, tender: 'wxpay', transaction_id: '4200001', paid_at: T0 }),
          attempt: anAttempt({ phase: 'paid', transaction_id: '4200001' }),
        }),
      }),
    );
    const outcome = screen.getByTestId('outcome');
    expect(outcome.dataset.outcome).toBe('paid');
    expect(outcome.textContent).toMatch(/^Paid/);
    // Green from a metre away: the paid screen carries the ok tone, never the waiting screen's white.
    expect(outcome.classList.contains('tone-ok')).toBe(true);
    expect(outcome.textContent).toMatch(/4200001/);
    expect(outcome.textContent).toMatch(/¥12\.50/);
  });

  it('explains a failure and what to do next', () => {
    const { bridge } = renderWithStores(<SaleScreen />);
    act(() =>
      bridge.emit({
        kind: 'sale',
        sale: aSale({
          state: 'done',
          order: anOrder(),
          attempt: anAttempt({
            phase: 'failed',
            failure: { code: 'NOTENOUGH', message: '余额不足', reason: 'insufficient_funds' },
          }),
        }),
      }),
    );
    expect(screen.getByTestId('failure-reason').textContent).toBe("The customer's balance is not enough.");
    expect(screen.getByTestId('outcome').textContent).toMatch(/switch to another payment method/);
  });

  it('after a failed try keeps waiting for a fresh code, says why, and offers cash for the same amount', async () => {
    const bridge = defaultBridge()
      .on('cancelSale', () => aSale())
      .on('recordCashSale', (r) =>
        anOrder({ out_trade_no: 'C1', total_fee: r.total_fee, status: 1, tender: 'cash' }),
      );
    renderWithStores(<SaleScreen />, { bridge });
    act(() =>
      bridge.emit({
        kind: 'sale',
        sale: aSale({
          state: 'awaiting_scan',
          order: anOrder(),
          attempt: anAttempt({
            phase: 'failed',
            failure: { code: 'NOTENOUGH', message: 'balance', reason: 'insufficient_funds' },
          }),
        }),
      }),
    );
    expect(screen.getByTestId('scan-prompt')).toBeTruthy();
    expect(screen.getByTestId('failure-reason').textContent).toMatch(/balance is not enough/);
    await act(async () => fireEvent.click(screen.getByTestId('cash-instead')));
    expect(
      bridge.calls.map((c) => c.name).filter((n) => n === 'cancelSale' || n === 'recordCashSale'),
    ).toEqual(['cancelSale', 'recordCashSale']);
    expect(bridge.callsOf('recordCashSale')).toEqual([{ total_fee: 1250 }]);
    expect(screen.getByTestId('outcome').dataset.outcome).toBe('paid');
  });

  it('needs attention: says why and what to tell, gives a reference, and lets the next sale start', () => {
    const { bridge, stores } = renderWithStores(<SaleScreen />);
    act(() =>
      bridge.emit({
        kind: 'sale',
        sale: aSale({
          state: 'done',
          order: anOrder(),
          attempt: anAttempt({
            phase: 'needs_attention',
            attention: { code: 'reversal_exhausted', message: 'reverse gave up after 6 tries' },
          }),
        }),
      }),
    );
    expect(screen.getByTestId('attention-reason').textContent).toMatch(/reversal did not complete/i);
    expect(screen.getByTestId('reference').textContent).toBe('SO1001');
    // Never a promise the engine cannot keep: nothing is refunded by itself once a person must look.
    expect(screen.getByTestId('outcome').textContent).not.toMatch(/automatically/i);
    expect(screen.getByTestId('attention-moved').textContent).toMatch(/Attention list/);
    expect((screen.getByTestId('new-sale') as HTMLButtonElement).disabled).toBe(false);
    click(/Resolve/);
    expect(stores.nav.getState().route).toBe('attention');
  });

  it('disables e-wallet tender when providers are down, keeps cash, and recovers by itself', async () => {
    const bridge = defaultBridge().on('recordCashSale', (r) =>
      anOrder({ total_fee: r.total_fee, status: 1, tender: 'cash' }),
    );
    renderWithStores(<SaleScreen />, { bridge });
    act(() =>
      bridge.emit({ kind: 'health', health: aHealth({ providers: [aProvider({ reachability: 'down' })] }) }),
    );
    click('5');
    expect(screen.getByTestId('ewallet-down').textContent).toMatch(/Cash still works/);
    expect((screen.getByTestId('charge') as HTMLButtonElement).disabled).toBe(true);
    act(() => bridge.emit({ kind: 'health', health: aHealth() }));
    expect(screen.queryByTestId('ewallet-down')).toBeNull();
    expect((screen.getByTestId('charge') as HTMLButtonElement).disabled).toBe(false);
    await act(async () => click(/Cash/));
    expect(bridge.callsOf('recordCashSale')).toEqual([{ total_fee: 500 }]);
    expect(screen.getByTestId('outcome').textContent).toMatch(/Cash/);
  });

  it('shows a refused sale in words from the catalog', async () => {
    const bridge = defaultBridge().fail('beginSale', 'attempt_unresolved', 'raw english');
    renderWithStores(<SaleScreen />, { bridge, language: 'zh-CN' });
    click('5');
    await act(async () => click(/扫码收款/));
    expect(screen.getByRole('alert').textContent).toMatch(/上一笔收款仍在处理中/);
  });
});
