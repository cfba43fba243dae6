// @vitest-environment jsdom
/**
 * The till's refund screen when the hub refuses this till the refund right: the look-up of another
 * till's sale says plainly that this till may not refund other tills' sales and that the owner
 * grants it, and nothing is asked.
 */
import { act, cleanup, fireEvent, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { RefundScreen } from '../../renderer/src/screens/refund-screen.tsx';
import { defaultBridge, renderWithStores } from '../renderer/fixtures/render-app.tsx';
import { aHealth } from '../renderer/fixtures/views.ts';

afterEach(cleanup);

describe('refund screen, a till without the refund right', () => {
  it('says it may not refund other tills’ sales and how the owner grants it', async () => {
    const bridge = defaultBridge()
      .on('health', () => aHealth({ hub: { waiting: 0, problem: null, last_delivered_at: null } }))
      .fail('getOrder', 'order_not_found')
      .fail('findStoreOrder', 'hub_refund_not_granted');
    const { stores } = renderWithStores(<RefundScreen />, { bridge });
    await act(() => stores.connection.getState().refreshHealth());
    fireEvent.change(screen.getByTestId('refund-lookup'), { target: { value: 'T8X1' } });
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Find' })));
    const alert = screen.getByRole('alert').textContent ?? '';
    expect(alert).toContain("This till may not refund other tills' sales");
    expect(alert).toContain('grant-refunds');
    expect(screen.queryByTestId('store-refund-submit')).toBeNull();
    expect(bridge.callsOf('storeRefund')).toEqual([]);
  });
});
