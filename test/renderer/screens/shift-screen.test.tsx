// @vitest-environment jsdom
/**
 * 交班 is a blind cash count: while the shift is open the cashier sees the e-wallet totals from the
 * journal but neither the expected cash nor the cash takings; the 交班报表 shows them, with the
 * over/short, only after the count is entered.
 */
import { act, cleanup, fireEvent, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { ShiftScreen } from '../../../renderer/src/screens/shift-screen.tsx';
import { defaultBridge, renderWithStores } from '../fixtures/render-app.tsx';
import { aShift, T0 } from '../fixtures/views.ts';

afterEach(cleanup);

const input = (testId: string, value: string) =>
  fireEvent.change(screen.getByTestId(testId), { target: { value } });

const openShift = aShift({
  cashier: 'Wang',
  float_fee: 10000,
  expected_cash_fee: 10500,
  totals: [
    { tender: 'cash', sales_count: 2, sales_fee: 777, refunds_fee: 277, net_fee: 500 },
    { tender: 'wxpay', sales_count: 1, sales_fee: 1250, refunds_fee: 0, net_fee: 1250 },
    { tender: 'alipay', sales_count: 3, sales_fee: 4321, refunds_fee: 21, net_fee: 4300 },
  ],
});

function bridgeWithOpenShift() {
  return defaultBridge()
    .on('currentShift', () => openShift)
    .on('closeShift', (r) => ({
      ...openShift,
      closed_at: T0 + 1,
      counted: { cash: r.counted.cash },
      lines: [
        {
          tender: 'cash',
          counted_by: 'cashier',
          expected_fee: 10500,
          counted_fee: r.counted.cash,
          difference_fee: r.counted.cash - 10500,
        },
        { tender: 'wxpay', counted_by: 'journal', expected_fee: 1250, counted_fee: 1250, difference_fee: 0 },
        { tender: 'alipay', counted_by: 'journal', expected_fee: 4300, counted_fee: 4300, difference_fee: 0 },
      ],
    }));
}

async function renderOpenShift(language: 'zh-CN' | 'en' = 'zh-CN') {
  const rendered = renderWithStores(<ShiftScreen />, { bridge: bridgeWithOpenShift(), language });
  await act(async () => rendered.stores.shift.getState().load());
  return rendered;
}

describe('交班: blind cash count', () => {
  it('before the count shows the e-wallet totals but no expected cash and no cash amounts', async () => {
    await renderOpenShift();
    const page = document.body.textContent ?? '';
    expect(screen.getByTestId('shift-total-wxpay').textContent).toContain('¥12.50');
    expect(screen.getByTestId('shift-total-alipay').textContent).toContain('¥43.00');
    // Neither the expected ¥105.00 nor the cash takings (¥7.77, ¥2.77, ¥5.00) may guide the count.
    for (const hidden of ['105.00', '7.77', '2.77', '5.00']) expect(page).not.toContain(hidden);
    expect(screen.queryByTestId('expected-cash')).toBeNull();
    // Only cash is counted: there is no field for WeChat or Alipay money.
    expect(screen.getByTestId('counted-cash')).toBeTruthy();
    expect(screen.queryByTestId('counted-wxpay')).toBeNull();
    expect(screen.queryByTestId('counted-alipay')).toBeNull();
    expect(screen.getByTestId('shift-close').textContent).toContain('交班报表');
    expect(page).not.toMatch(/Z 报表|Z report/);
  });

  it('after the count the 交班报表 shows expected, counted and the shortfall in words', async () => {
    const { bridge } = await renderOpenShift();
    input('counted-cash', '100');
    await act(async () => fireEvent.click(screen.getByTestId('shift-close')));
    expect(bridge.callsOf('closeShift')).toEqual([{ counted: { cash: 10000 } }]);
    expect(screen.getByRole('heading', { name: '交班报表' })).toBeTruthy();
    const cash = screen.getByTestId('z-line-cash').textContent ?? '';
    expect(cash).toMatch(/¥105\.00.*¥100\.00.*短款 ¥5\.00/);
    expect(screen.getByTestId('z-line-wxpay').textContent).toMatch(/¥12\.50.*账面/);
  });

  it('an over count reads as 长款 in Chinese and "over" in English', async () => {
    await renderOpenShift('en');
    input('counted-cash', '106');
    await act(async () => fireEvent.click(screen.getByTestId('shift-close')));
    expect(screen.getByRole('heading', { name: 'Shift report' })).toBeTruthy();
    expect(screen.getByTestId('z-line-cash').textContent).toMatch(/Over ¥1\.00/);
  });

  it('an empty count is refused with a specific message and nothing is closed', async () => {
    const { bridge } = await renderOpenShift();
    await act(async () => fireEvent.click(screen.getByTestId('shift-close')));
    expect(bridge.callsOf('closeShift')).toEqual([]);
    expect(screen.getByRole('alert').textContent).toContain('请输入清点的现金金额');
  });
});
