// @vitest-environment jsdom
/**
 * An order's detail names what became of each attempt: one whose money went back to the customer
 * after it was taken (a second payment refunded from 待处理, or an Alipay cancel that refunded) reads
 * as money returned, not as a plain reversal.
 */
import { act, cleanup, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { HistoryScreen } from '../../../renderer/src/screens/history-screen.tsx';
import { defaultBridge, renderWithStores } from '../fixtures/render-app.tsx';
import { anAttempt, anOrderDetail } from '../fixtures/views.ts';

afterEach(cleanup);

describe('order detail attempts', () => {
  it('a reversed attempt whose money was refunded says so; a plain reversal does not', async () => {
    const detail = anOrderDetail({
      status: 1,
      attempts: [
        anAttempt({ out_trade_no: 'SO1001', phase: 'reversed', reverse_action: 'refund' }),
        anAttempt({ out_trade_no: 'SO1001_2', phase: 'paid' }),
        anAttempt({ out_trade_no: 'SO1001_3', phase: 'reversed' }),
      ],
    });
    const bridge = defaultBridge()
      .on('listOrders', () => ({ orders: [], total: 0, page: 1, page_size: 20 }))
      .on('getOrder', () => detail);
    const { stores } = renderWithStores(<HistoryScreen />, { bridge, language: 'en' });
    await act(async () => stores.history.getState().select('SO1001'));
    const lines = [...screen.getByTestId('order-detail').querySelectorAll('li')].map((li) => li.textContent);
    expect(lines[0]).toMatch(/SO1001 .*refunded after it was taken/);
    expect(lines[2]).toMatch(/SO1001_3 .*reversed/);
    expect(lines[2]).not.toMatch(/refunded/);
  });
});
