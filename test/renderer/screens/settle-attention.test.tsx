// @vitest-environment jsdom
/** The 待处理 list: a supervisor checks with the provider, then settles only as its answer allows. */
import { act, cleanup, fireEvent, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { AttentionEvidenceView } from '../../../core/common/contract/views.ts';
import { AttentionScreen } from '../../../renderer/src/screens/attention-screen.tsx';
import { defaultBridge, renderWithStores } from '../fixtures/render-app.tsx';
import { anAttempt, T0 } from '../fixtures/views.ts';

afterEach(cleanup);

const input = (testId: string, value: string) =>
  fireEvent.change(screen.getByTestId(testId), { target: { value } });
const button = (testId: string) => screen.getByTestId(testId) as HTMLButtonElement;

function evidence(says: AttentionEvidenceView['provider_says']): AttentionEvidenceView {
  return {
    out_trade_no: 'SO1001',
    provider: 'wxpay',
    provider_says: says,
    paid_fee: says === 'paid' ? 1500 : null,
    transaction_id: says === 'paid' ? 'TX1' : null,
    checked_at: T0,
  };
}

function setup(says: AttentionEvidenceView['provider_says']) {
  const bridge = defaultBridge()
    .on('listUnresolved', () => [
      anAttempt({ phase: 'needs_attention', attention: { code: 'reversal_exhausted', message: 'x' } }),
    ])
    .on('checkAttention', () => evidence(says))
    .on('settleAttention', () => ({
      attempt: anAttempt({ phase: 'paid', updated_at: T0 + 5 }),
      evidence: evidence(says),
    }));
  renderWithStores(<AttentionScreen />, { bridge });
  return bridge;
}

describe('settling an attention item', () => {
  it('says in plain words why and what to do, never the raw code', async () => {
    setup('paid');
    await act(async () => {});
    const item = screen.getByTestId('attention-item');
    expect(item.textContent).toMatch(/merchant portal/);
    expect(item.textContent).not.toMatch(/reversal_exhausted|REVERSE_EXPIRE/);
  });

  it('every settlement is disabled with a visible reason until the provider has been asked', async () => {
    setup('paid');
    await act(async () => {});
    for (const id of ['settle-book_paid', 'settle-close_unpaid', 'settle-mark_refund']) {
      expect(button(id).disabled).toBe(true);
      expect(button(id).title).toMatch(/Check with the provider first/);
    }
  });

  it('provider says paid: book as paid is allowed, close as unpaid is not; the decision carries who, why and PIN', async () => {
    const bridge = setup('paid');
    await act(async () => {});
    await act(async () => fireEvent.click(button('settle-check')));
    expect(screen.getByTestId('settle-evidence').textContent).toMatch(/Paid ¥15\.00/);
    input('settle-by', 'Li');
    input('settle-reason', 'customer showed the debit');
    input('settle-pin', '2468');
    expect(button('settle-close_unpaid').disabled).toBe(true);
    expect(button('settle-close_unpaid').title).toMatch(/nothing was taken/);
    expect(button('settle-book_paid').disabled).toBe(false);
    await act(async () => fireEvent.click(button('settle-book_paid')));
    expect(bridge.callsOf('settleAttention')).toEqual([
      {
        out_trade_no: 'SO1001',
        action: 'book_paid',
        by: 'Li',
        reason: 'customer showed the debit',
        pin: '2468',
      },
    ]);
    // Settled: it leaves the list.
    expect(screen.queryByTestId('attention-item')).toBeNull();
  });

  it('provider says closed: only close as unpaid is allowed', async () => {
    setup('closed');
    await act(async () => {});
    await act(async () => fireEvent.click(button('settle-check')));
    input('settle-by', 'Li');
    input('settle-reason', 'closed at WeChat');
    input('settle-pin', '2468');
    expect(button('settle-close_unpaid').disabled).toBe(false);
    expect(button('settle-book_paid').disabled).toBe(true);
    expect(button('settle-mark_refund').disabled).toBe(true);
  });

  it('a provider that cannot answer allows nothing', async () => {
    setup('unknown');
    await act(async () => {});
    await act(async () => fireEvent.click(button('settle-check')));
    expect(screen.getByTestId('settle-evidence').textContent).toMatch(/Cannot tell right now/);
    for (const id of ['settle-book_paid', 'settle-close_unpaid', 'settle-mark_refund'])
      expect(button(id).disabled).toBe(true);
  });
});
