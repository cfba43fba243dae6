// @vitest-environment jsdom
/** The refund screen says when the next press repeats a refund with no answer yet, rather than a new one. */
import { act, cleanup, fireEvent, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { OrderView } from '../../../core/common/contract/views.ts';
import { RefundScreen } from '../../../renderer/src/screens/refund-screen.tsx';
import { defaultBridge, renderWithStores } from '../fixtures/render-app.tsx';
import { anOrderDetail, T0 } from '../fixtures/views.ts';

afterEach(cleanup);

async function find(refunds: OrderView['refunds']) {
  const bridge = defaultBridge().on('getOrder', () =>
    anOrderDetail({ status: 1, paid_out_trade_no: 'SO1001', refunds }),
  );
  renderWithStores(<RefundScreen />, { bridge });
  fireEvent.change(screen.getByTestId('refund-lookup'), { target: { value: 'SO1001' } });
  await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Find' })));
}

describe('refund screen and an unanswered refund', () => {
  it('a refund the service holds as pending: the screen says Refund repeats it, with its amount', async () => {
    await find([
      {
        out_refund_no: 'SO1001Rabc',
        out_trade_no: 'SO1001',
        refund_fee: 500,
        status: 'pending',
        reason: null,
        created_at: T0,
        updated_at: T0,
        failure: null,
      },
    ]);
    expect(screen.getByTestId('refund-repeat').textContent).toMatch(/¥5\.00.*repeats that same refund/);
  });

  it('nothing pending: no such line', async () => {
    await find([]);
    expect(screen.queryByTestId('refund-repeat')).toBeNull();
  });
});
