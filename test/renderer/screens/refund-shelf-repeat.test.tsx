// @vitest-environment jsdom
/**
 * After a page reload, an unanswered refund ask kept in the page's storage (ask-shelf.ts) is what the
 * next press sends, with its own amount, whatever the cashier types. The screen must say so before
 * the press: if that first ask never reached the service (service_unreachable), the press makes a
 * refund of the kept amount, and a cashier who typed another amount without being told refunds the
 * wrong sum.
 */
import { act, cleanup, fireEvent, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { RefundScreen } from '../../../renderer/src/screens/refund-screen.tsx';
import { defaultBridge, renderWithStores } from '../fixtures/render-app.tsx';
import { anOrderDetail } from '../fixtures/views.ts';

const SHELF = 'scanpay.refund.unanswered';

afterEach(() => {
  cleanup();
  window.localStorage.clear();
});

/** What the page before the reload kept: an ask of 5 yuan on SO1001 whose answer never came. */
function keptAsk() {
  window.localStorage.setItem(
    SHELF,
    JSON.stringify({
      SO1001: { ask: { outTradeNo: 'SO1001', outRefundNo: 'SO1001Rkept', fee: 500 }, at: Date.now() },
    }),
  );
}

async function findSale(sent: Record<string, unknown>[]) {
  const bridge = defaultBridge()
    .on('getOrder', () => anOrderDetail({ status: 1, paid_out_trade_no: 'SO1001', refunds: [] }))
    .on('refund', (input) => {
      sent.push(input as Record<string, unknown>);
      throw Object.assign(new Error('no answer'), { code: 'service_unreachable', message: 'x' });
    });
  renderWithStores(<RefundScreen />, { bridge });
  fireEvent.change(screen.getByTestId('refund-lookup'), { target: { value: 'SO1001' } });
  await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Find' })));
}

describe('refund screen after a reload, with an unanswered ask in the page storage', () => {
  it('says the next press repeats that ask, with its amount, before anything is pressed', async () => {
    keptAsk();
    await findSale([]);
    expect(screen.getByTestId('refund-repeat').textContent).toMatch(/¥5\.00.*repeats that same refund/);
  });

  it('the press sends the kept ask (number and amount), which the line said', async () => {
    keptAsk();
    const sent: Record<string, unknown>[] = [];
    await findSale(sent);
    expect(screen.getByTestId('refund-repeat').textContent).toMatch(/¥5\.00/);
    fireEvent.change(screen.getByTestId('refund-amount'), { target: { value: '3' } });
    fireEvent.change(screen.getByTestId('refund-pin'), { target: { value: '135792468' } });
    await act(async () => fireEvent.click(screen.getByTestId('refund-submit')));
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ out_refund_no: 'SO1001Rkept', refund_fee: 500 });
  });

  it('no kept ask for this sale: no such line', async () => {
    window.localStorage.setItem(
      SHELF,
      JSON.stringify({
        SO2002: { ask: { outTradeNo: 'SO2002', outRefundNo: 'SO2002Rkept', fee: 500 }, at: Date.now() },
      }),
    );
    await findSale([]);
    expect(screen.queryByTestId('refund-repeat')).toBeNull();
  });
});
