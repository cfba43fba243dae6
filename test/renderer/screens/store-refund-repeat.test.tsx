// @vitest-environment jsdom
/**
 * A store refund ask (another till's sale, through the hub) that got no answer is repeated exactly
 * (its request id and amount) by the next press, whatever is typed (store-refund-store.ts). The panel
 * must say so, in the same page and after a reload (the ask kept in the page's storage): otherwise a
 * cashier who types 3 yuan asks the hub for the unanswered 5 yuan without a word on screen.
 */
import { act, cleanup, fireEvent, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { StoreOrderView } from '../../../core/common/contract/api-contract.ts';
import { RefundScreen } from '../../../renderer/src/screens/refund-screen.tsx';
import { defaultBridge, renderWithStores } from '../fixtures/render-app.tsx';
import { aHealth, T0 } from '../fixtures/views.ts';

afterEach(() => {
  cleanup();
  window.localStorage.clear();
});

const input = (testId: string, value: string) =>
  fireEvent.change(screen.getByTestId(testId), { target: { value } });

const sale: StoreOrderView = {
  terminal_id: 'T8',
  order_no: 'T8X1',
  total_fee: 1200,
  refunded_fee: 0,
  status: 1,
  tender: 'wxpay',
  paid_at: T0,
  created_at: T0,
};

async function openSale(sent: Record<string, unknown>[]) {
  const bridge = defaultBridge()
    .on('health', () => aHealth({ hub: { waiting: 0, problem: null, last_delivered_at: null } }))
    .fail('getOrder', 'order_not_found')
    .on('findStoreOrder', () => ({ orders: [sale] }))
    .on('storeRefund', (r) => {
      sent.push(r as Record<string, unknown>);
      throw Object.assign(new Error('x'), { code: 'hub_no_answer', message: 'x' });
    });
  const { stores } = renderWithStores(<RefundScreen />, { bridge });
  await act(() => stores.connection.getState().refreshHealth());
  input('refund-lookup', 'T8X1');
  await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Find' })));
}

describe('store refund panel and an unanswered ask', () => {
  it('after an ask without an answer, says the next press repeats it, with its amount', async () => {
    const sent: Record<string, unknown>[] = [];
    await openSale(sent);
    expect(screen.queryByTestId('store-refund-repeat')).toBeNull();
    input('store-refund-amount', '5');
    input('store-refund-pin', '1234');
    await act(async () => fireEvent.click(screen.getByTestId('store-refund-submit')));
    expect(screen.getByTestId('store-refund-repeat').textContent).toMatch(/¥5\.00/);
    input('store-refund-amount', '3');
    input('store-refund-pin', '1234');
    await act(async () => fireEvent.click(screen.getByTestId('store-refund-submit')));
    expect(sent.map((r) => r.refund_fee)).toEqual([500, 500]);
    expect(sent[1]?.request_id).toBe(sent[0]?.request_id);
  });

  it('after a reload, the ask kept in the page storage is shown before anything is pressed', async () => {
    window.localStorage.setItem(
      'scanpay.store-refund.unanswered',
      JSON.stringify({
        'T8/T8X1': {
          ask: { terminalId: 'T8', orderNo: 'T8X1', fee: 500, requestId: 'ui-kept0001' },
          at: Date.now(),
        },
      }),
    );
    await openSale([]);
    expect(screen.getByTestId('store-refund-repeat').textContent).toMatch(/¥5\.00/);
  });
});
