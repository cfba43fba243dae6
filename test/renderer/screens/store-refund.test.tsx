// @vitest-environment jsdom
/**
 * The refund screen's store refund: an order number this till does not hold goes to the store hub
 * (with a hub configured), the sale is shown with its till, and the refund is asked with the PIN;
 * a retry after the hub did not answer sends the same request_id, a new amount a new one. Without
 * a hub the screen says the order is not found and asks nothing.
 */
import { act, cleanup, fireEvent, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { StoreOrderView } from '../../../core/common/contract/api-contract.ts';
import { RefundScreen } from '../../../renderer/src/screens/refund-screen.tsx';
import { defaultBridge, renderWithStores } from '../fixtures/render-app.tsx';
import { aHealth, T0 } from '../fixtures/views.ts';

afterEach(cleanup);

const input = (testId: string, value: string) =>
  fireEvent.change(screen.getByTestId(testId), { target: { value } });

const sale: StoreOrderView = {
  terminal_id: 'T8',
  order_no: 'T8X1',
  total_fee: 1200,
  refunded_fee: 200,
  status: 2,
  tender: 'wxpay',
  paid_at: T0,
  created_at: T0,
};

function bridgeWithHub(hub: boolean) {
  return defaultBridge()
    .on('health', () => aHealth(hub ? { hub: { waiting: 0, problem: null, last_delivered_at: null } } : {}))
    .fail('getOrder', 'order_not_found')
    .on('findStoreOrder', () => ({ orders: [sale] }));
}

async function lookUp(orderNo: string) {
  input('refund-lookup', orderNo);
  await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Find' })));
}

describe('refund screen, a sale of another till', () => {
  it('shows the sale the hub holds and asks the refund with the PIN, retrying with the same id', async () => {
    const bridge = bridgeWithHub(true);
    let answers = 0;
    bridge.on('storeRefund', (r) => {
      answers += 1;
      if (answers === 1) throw Object.assign(new Error('x'), { code: 'hub_no_answer', message: 'x' });
      return {
        request_id: r.request_id ?? '',
        terminal_id: r.terminal_id,
        order_no: r.order_no,
        out_refund_no: 'HR0001',
        refund_fee: r.refund_fee,
        state: 'requested',
      };
    });
    const { stores } = renderWithStores(<RefundScreen />, { bridge });
    await act(() => stores.connection.getState().refreshHealth());
    await lookUp('T8X1');
    expect(bridge.callsOf('findStoreOrder')).toEqual([{ order_no: 'T8X1' }]);
    expect(screen.getByTestId('store-refund-till').textContent).toBe('T8');
    expect(screen.getByTestId('store-refundable').textContent).toBe('¥10.00');
    expect(screen.queryByRole('alert')).toBeNull();

    input('store-refund-amount', '2.5');
    input('store-refund-pin', '1234');
    await act(async () => fireEvent.click(screen.getByTestId('store-refund-submit')));
    expect(screen.getByRole('alert').textContent).toMatch(/store hub did not answer/);
    // The PIN is typed again; the same ask keeps its id, so the hub cannot take it twice.
    input('store-refund-pin', '1234');
    await act(async () => fireEvent.click(screen.getByTestId('store-refund-submit')));
    const asks = bridge.callsOf('storeRefund') as { request_id: string }[];
    expect(asks).toHaveLength(2);
    expect(asks[0]).toMatchObject({ terminal_id: 'T8', order_no: 'T8X1', refund_fee: 250, pin: '1234' });
    expect(asks[1]!.request_id).toBe(asks[0]!.request_id);
    expect(screen.getByTestId('store-refund-result').textContent).toBe(
      'Asked: till T8 refunds ¥2.50 (refund no. HR0001)',
    );
    expect(screen.getByTestId('store-refundable').textContent).toBe('¥7.50');

    // A second refund of the same sale is a new ask: a new id.
    input('store-refund-amount', '1');
    input('store-refund-pin', '1234');
    await act(async () => fireEvent.click(screen.getByTestId('store-refund-submit')));
    const third = (bridge.callsOf('storeRefund') as { request_id: string; refund_fee: number }[])[2]!;
    expect(third.refund_fee).toBe(100);
    expect(third.request_id).not.toBe(asks[0]!.request_id);
  });

  it('refuses more than is left before asking the hub', async () => {
    const bridge = bridgeWithHub(true).on('storeRefund', () => {
      throw new Error('must not be asked');
    });
    const { stores } = renderWithStores(<RefundScreen />, { bridge });
    await act(() => stores.connection.getState().refreshHealth());
    await lookUp('T8X1');
    input('store-refund-amount', '10.01');
    await act(async () => fireEvent.click(screen.getByTestId('store-refund-submit')));
    expect(bridge.callsOf('storeRefund')).toEqual([]);
    expect(screen.getByRole('alert')).toBeTruthy();
  });

  it('says not found and asks no hub when this till has none', async () => {
    const bridge = bridgeWithHub(false);
    const { stores } = renderWithStores(<RefundScreen />, { bridge });
    await act(() => stores.connection.getState().refreshHealth());
    await lookUp('T8X1');
    expect(bridge.callsOf('findStoreOrder')).toEqual([]);
    expect(screen.queryByTestId('store-refund-order')).toBeNull();
    expect(screen.getByRole('alert').textContent).toBe('No such order. Check the number.');
  });

  it('says not found when the hub does not hold it either, and clears it at the next lookup', async () => {
    const bridge = bridgeWithHub(true).on('findStoreOrder', () => ({ orders: [] }));
    const { stores } = renderWithStores(<RefundScreen />, { bridge });
    await act(() => stores.connection.getState().refreshHealth());
    await lookUp('NOPE');
    expect(bridge.callsOf('findStoreOrder')).toEqual([{ order_no: 'NOPE' }]);
    expect(stores.storeRefund.getState().error?.code).toBe('order_not_found');
    await act(async () => stores.refund.getState().reset());
    expect(stores.storeRefund.getState().error).toBeNull();
  });
});
