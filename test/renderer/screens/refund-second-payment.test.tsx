// @vitest-environment jsdom
/**
 * 待处理: a second payment of an order another payment paid (paid_after_final, the check says
 * paid_twice) is settled only by refunding it (refund_payment, supervisor PIN); the other choices are
 * not offered for it, and refund_payment is not offered for any other item. Keyboard only.
 */
import { act, cleanup, fireEvent, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { AttentionEvidenceView, RefundView } from '../../../core/common/contract/views.ts';
import { AttentionScreen } from '../../../renderer/src/screens/attention-screen.tsx';
import { defaultBridge, renderWithStores } from '../fixtures/render-app.tsx';
import { anAttempt, T0 } from '../fixtures/views.ts';

afterEach(cleanup);

const input = (testId: string, value: string) =>
  fireEvent.change(screen.getByTestId(testId), { target: { value } });
const button = (testId: string) => screen.getByTestId(testId) as HTMLButtonElement;

const waiting = anAttempt({
  out_trade_no: 'SO1001',
  order_no: 'SO1001',
  phase: 'needs_attention',
  attention: {
    code: 'paid_after_final',
    message: 'the provider says paid 1500 fen after the attempt ended failed',
  },
});

function evidence(paidTwice: boolean): AttentionEvidenceView {
  return {
    out_trade_no: 'SO1001',
    provider: 'wxpay',
    provider_says: 'paid',
    paid_fee: 1500,
    transaction_id: 'TX1',
    checked_at: T0,
    paid_twice: paidTwice,
  };
}

const refund = (status: RefundView['status'], failure: RefundView['failure'] = null): RefundView => ({
  out_refund_no: 'SO1001D1',
  out_trade_no: 'SO1001',
  refund_fee: 1500,
  status,
  reason: null,
  created_at: T0,
  updated_at: T0,
  failure,
});

function setup(paidTwice: boolean, answer: RefundView = refund('succeeded')) {
  const bridge = defaultBridge()
    .on('listUnresolved', () => [waiting])
    .on('checkAttention', () => evidence(paidTwice))
    .on('settleAttention', () => ({
      attempt:
        answer.status === 'succeeded'
          ? anAttempt({ ...waiting, phase: 'reversed', attention: null, updated_at: T0 + 5 })
          : { ...waiting, updated_at: T0 + 5 },
      evidence: evidence(paidTwice),
      refund: answer,
    }));
  renderWithStores(<AttentionScreen />, { bridge });
  return bridge;
}

async function checkAndFill() {
  await act(async () => {});
  await act(async () => fireEvent.click(button('settle-check')));
  input('settle-by', 'Li');
  input('settle-reason', 'paid twice');
  input('settle-pin', 'correct horse battery');
}

describe('refunding a second payment from 待处理', () => {
  it('paid twice: only “Refund this second payment” is offered; it sends refund_payment with who, why and PIN', async () => {
    const bridge = setup(true);
    await checkAndFill();
    expect(screen.getByTestId('settle-evidence').textContent).toMatch(/second payment/);
    expect(screen.queryByTestId('settle-book_paid')).toBeNull();
    expect(screen.queryByTestId('settle-mark_refund')).toBeNull();
    const refundButton = button('settle-refund_payment');
    expect(refundButton.disabled).toBe(false);
    refundButton.focus();
    expect(document.activeElement).toBe(refundButton);
    await act(async () => fireEvent.click(refundButton));
    expect(bridge.callsOf('settleAttention')).toEqual([
      {
        out_trade_no: 'SO1001',
        action: 'refund_payment',
        by: 'Li',
        reason: 'paid twice',
        pin: 'correct horse battery',
      },
    ]);
    expect(screen.queryByTestId('attention-item')).toBeNull();
  });

  it('not paid twice: refund_payment is not offered', async () => {
    setup(false);
    await checkAndFill();
    expect(screen.queryByTestId('settle-refund_payment')).toBeNull();
    expect(button('settle-mark_refund').disabled).toBe(false);
  });

  it('the provider refused the refund: the item stays, with the provider’s reason', async () => {
    setup(true, refund('failed', { code: 'NOTENOUGH', message: '商户余额不足' }));
    await checkAndFill();
    await act(async () => fireEvent.click(button('settle-refund_payment')));
    expect(screen.getByTestId('attention-item')).toBeTruthy();
    expect(screen.getByTestId('settle-refund').textContent).toMatch(/NOTENOUGH: 商户余额不足/);
  });

  it('after a reload the check brings back the refused refund and the provider’s reason', async () => {
    const bridge = defaultBridge()
      .on('listUnresolved', () => [waiting])
      .on('checkAttention', () => ({
        ...evidence(true),
        refund: refund('failed', { code: 'NOTENOUGH', message: '商户余额不足' }),
      }));
    renderWithStores(<AttentionScreen />, { bridge });
    await act(async () => {});
    expect(screen.queryByTestId('settle-refund')).toBeNull();
    await act(async () => fireEvent.click(button('settle-check')));
    expect(screen.getByTestId('settle-refund').textContent).toMatch(/NOTENOUGH: 商户余额不足/);
  });

  it('no answer yet: the item stays and says the till keeps asking', async () => {
    setup(true, refund('pending'));
    await checkAndFill();
    await act(async () => fireEvent.click(button('settle-refund_payment')));
    expect(screen.getByTestId('attention-item')).toBeTruthy();
    expect(screen.getByTestId('settle-refund').textContent).toMatch(/no answer yet/);
  });

  it('refunded outside the till (the provider says refunded): close as unpaid clears it; booking is not offered', async () => {
    const bridge = defaultBridge()
      .on('listUnresolved', () => [waiting])
      .on('checkAttention', () => ({ ...evidence(true), provider_says: 'refunded' }))
      .on('settleAttention', () => ({
        attempt: anAttempt({ ...waiting, phase: 'reversed', attention: null, updated_at: T0 + 5 }),
        evidence: { ...evidence(true), provider_says: 'refunded' },
      }));
    renderWithStores(<AttentionScreen />, { bridge });
    await checkAndFill();
    expect(screen.queryByTestId('settle-book_paid')).toBeNull();
    const close = button('settle-close_unpaid');
    expect(close.disabled).toBe(false);
    await act(async () => fireEvent.click(close));
    expect(bridge.callsOf('settleAttention')).toEqual([
      expect.objectContaining({ out_trade_no: 'SO1001', action: 'close_unpaid', by: 'Li' }),
    ]);
    expect(screen.queryByTestId('attention-item')).toBeNull();
  });

  it('not paid twice, refunded outside the till: book as paid and refund are disabled, close as unpaid is not', async () => {
    const bridge = defaultBridge()
      .on('listUnresolved', () => [waiting])
      .on('checkAttention', () => ({ ...evidence(false), provider_says: 'refunded' }));
    renderWithStores(<AttentionScreen />, { bridge });
    await checkAndFill();
    expect(button('settle-book_paid').disabled).toBe(true);
    expect(button('settle-mark_refund').disabled).toBe(true);
    expect(button('settle-close_unpaid').disabled).toBe(false);
  });

  it('paid twice and the provider says paid: close as unpaid is shown but disabled', async () => {
    setup(true);
    await checkAndFill();
    expect(button('settle-close_unpaid').disabled).toBe(true);
    expect(button('settle-refund_payment').disabled).toBe(false);
  });
});
