// @vitest-environment jsdom
/**
 * A refund the provider refused as final is shown with its reason: on 待处理 (a supervisor's
 * mark_refund refused, e.g. NOTENOUGH: asked again or closed as refunded another way) and on the
 * ordinary refund screen.
 */
import { act, cleanup, fireEvent, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { RefundView, RefusedRefundView } from '../../../core/common/contract/views.ts';
import { AttentionScreen } from '../../../renderer/src/screens/attention-screen.tsx';
import { RefundScreen } from '../../../renderer/src/screens/refund-screen.tsx';
import { defaultBridge, renderWithStores } from '../fixtures/render-app.tsx';
import { anAttempt, anOrder, anOrderDetail, T0 } from '../fixtures/views.ts';

afterEach(cleanup);

const input = (testId: string, value: string) =>
  fireEvent.change(screen.getByTestId(testId), { target: { value } });
const button = (testId: string) => screen.getByTestId(testId) as HTMLButtonElement;

function aRefund(over: Partial<RefundView> = {}): RefundView {
  return {
    out_refund_no: 'SO1001R1',
    out_trade_no: 'SO1001A1',
    refund_fee: 1500,
    status: 'failed',
    reason: null,
    created_at: T0,
    updated_at: T0,
    failure: { code: 'NOTENOUGH', message: '基本账户余额不足，请充值后重新发起' },
    ...over,
  };
}

const refused: RefusedRefundView = { order_no: 'SO1001', refund: aRefund() };

function setup(settled: RefundView) {
  const bridge = defaultBridge()
    .on('listRefusedRefunds', () => [refused])
    .on('settleAttention', () => ({
      attempt: anAttempt({ phase: 'paid', out_trade_no: 'SO1001A1', updated_at: T0 + 5 }),
      evidence: {
        out_trade_no: 'SO1001A1',
        provider: 'wxpay',
        provider_says: 'paid',
        paid_fee: 1500,
        transaction_id: 'TX1',
        checked_at: T0 + 5,
      },
      refund: settled,
    }));
  renderWithStores(<AttentionScreen />, { bridge });
  return bridge;
}

function fillSupervisor() {
  input('refused-by', '店长 李');
  input('refused-reason', '顾客要求退款');
  input('refused-pin', '24681357');
}

describe('待处理: a supervisor refund the provider refused', () => {
  it('is listed with its amount, order and the provider reason', async () => {
    setup(aRefund());
    await act(async () => {});
    const item = screen.getByTestId('refused-refund');
    expect(item.textContent).toMatch(/¥15\.00/);
    expect(item.textContent).toMatch(/SO1001/);
    expect(item.textContent).toMatch(/NOTENOUGH: 基本账户余额不足/);
    expect(screen.queryByTestId('attention-empty')).toBeNull();
  });

  it('both decisions wait for who, why and the PIN, each saying why', async () => {
    setup(aRefund());
    await act(async () => {});
    for (const id of ['refused-mark_refund', 'refused-close_refund']) {
      expect(button(id).disabled).toBe(true);
      expect(button(id).title).not.toBe('');
    }
    fillSupervisor();
    expect(button('refused-mark_refund').disabled).toBe(false);
    expect(button('refused-close_refund').disabled).toBe(false);
  });

  it('closed as refunded another way: sends close_refund with who, why and PIN; it leaves the list', async () => {
    const bridge = setup(aRefund());
    await act(async () => {});
    fillSupervisor();
    await act(async () => fireEvent.click(button('refused-close_refund')));
    expect(bridge.callsOf('settleAttention')).toEqual([
      {
        out_trade_no: 'SO1001',
        action: 'close_refund',
        by: '店长 李',
        reason: '顾客要求退款',
        pin: '24681357',
      },
    ]);
    expect(screen.queryByTestId('refused-refund')).toBeNull();
  });

  it('asked again and refused again: stays, with the new reason', async () => {
    setup(
      aRefund({
        out_refund_no: 'SO1001R2',
        failure: { code: 'ACQ.SELLER_BALANCE_NOT_ENOUGH', message: '卖家余额不足' },
      }),
    );
    await act(async () => {});
    fillSupervisor();
    await act(async () => fireEvent.click(button('refused-mark_refund')));
    const item = screen.getByTestId('refused-refund');
    expect(item.textContent).toMatch(/ACQ\.SELLER_BALANCE_NOT_ENOUGH: 卖家余额不足/);
    expect(item.textContent).not.toMatch(/NOTENOUGH: 基本/);
  });

  it('asked again and accepted (pending or succeeded): it leaves the list', async () => {
    setup(aRefund({ out_refund_no: 'SO1001R2', status: 'pending', failure: null }));
    await act(async () => {});
    fillSupervisor();
    await act(async () => fireEvent.click(button('refused-mark_refund')));
    expect(screen.queryByTestId('refused-refund')).toBeNull();
  });
});

describe('待处理: mark_refund from the settle panel refused at once', () => {
  it('the payment leaves the list and its refused refund shows at once, with the reason (no reload)', async () => {
    const bridge = defaultBridge()
      .on('listUnresolved', () => [
        anAttempt({
          phase: 'needs_attention',
          out_trade_no: 'SO1001A1',
          attention: { code: 'reversal_exhausted', message: 'x' },
        }),
      ])
      .on('checkAttention', () => ({
        out_trade_no: 'SO1001A1',
        provider: 'wxpay',
        provider_says: 'paid',
        paid_fee: 1500,
        transaction_id: 'TX1',
        checked_at: T0,
      }))
      .on('settleAttention', () => ({
        attempt: anAttempt({ phase: 'paid', out_trade_no: 'SO1001A1', updated_at: T0 + 5 }),
        evidence: {
          out_trade_no: 'SO1001A1',
          provider: 'wxpay',
          provider_says: 'paid',
          paid_fee: 1500,
          transaction_id: 'TX1',
          checked_at: T0 + 5,
        },
        refund: aRefund(),
      }));
    renderWithStores(<AttentionScreen />, { bridge });
    await act(async () => {});
    await act(async () => fireEvent.click(button('settle-check')));
    input('settle-by', '店长 李');
    input('settle-reason', '顾客不要了');
    input('settle-pin', '24681357');
    await act(async () => fireEvent.click(button('settle-mark_refund')));
    expect(screen.queryByTestId('attention-item')).toBeNull();
    expect(screen.getByTestId('refused-refund').textContent).toMatch(/NOTENOUGH: 基本账户余额不足/);
  });
});

describe('refund screen: a refund the provider refused as final', () => {
  it('shows the provider reason, not just "failed"', async () => {
    const failed = aRefund({ out_refund_no: 'SO1001Rx', out_trade_no: 'SO1001', refund_fee: 1250 });
    const bridge = defaultBridge()
      .on('getOrder', () => anOrderDetail({ status: 1, paid_out_trade_no: 'SO1001' }))
      .on('refund', () => ({
        out_trade_no: 'SO1001',
        out_refund_no: 'SO1001Rx',
        refund_fee: 1250,
        status: 'failed',
        order: anOrder({ status: 1, paid_out_trade_no: 'SO1001', refunds: [failed] }),
      }));
    renderWithStores(<RefundScreen />, { bridge });
    input('refund-lookup', 'SO1001');
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Find' })));
    input('refund-pin', '24681357');
    await act(async () => fireEvent.click(screen.getByTestId('refund-submit')));
    const result = screen.getByTestId('refund-result');
    expect(result.dataset.status).toBe('failed');
    expect(result.textContent).toMatch(/NOTENOUGH: 基本账户余额不足/);
  });
});
