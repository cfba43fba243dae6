// @vitest-environment jsdom
/**
 * 待处理 follows the service's pushed order events: a supervisor's refund the provider refuses later
 * (after retries or a restart) appears as a refused-refund card while the screen is open, and one
 * that ends refunded leaves it, without the screen loading its lists again. Reloads are coalesced.
 */
import { act, cleanup, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { RefundView, RefusedRefundView } from '../../../core/common/contract/views.ts';
import { AttentionScreen } from '../../../renderer/src/screens/attention-screen.tsx';
import { defaultBridge, renderWithStores } from '../fixtures/render-app.tsx';
import { anOrder, T0 } from '../fixtures/views.ts';

afterEach(cleanup);

function aRefund(over: Partial<RefundView> = {}): RefundView {
  return {
    out_refund_no: 'SO1001R1',
    out_trade_no: 'SO1001A1',
    refund_fee: 1500,
    status: 'pending',
    reason: null,
    created_at: T0,
    updated_at: T0,
    failure: null,
    ...over,
  };
}

const refusedLater = aRefund({
  status: 'failed',
  updated_at: T0 + 60_000,
  failure: { code: 'NOTENOUGH', message: '基本账户余额不足，请充值后重新发起' },
});

const paidOrder = (refunds: readonly RefundView[]) =>
  anOrder({ status: 1, total_fee: 1500, paid_out_trade_no: 'SO1001A1', paid_at: T0, refunds });

/** A listRefusedRefunds whose answer the test sets, and whose calls it can hold open. */
function refusedSource(initial: readonly RefusedRefundView[]) {
  let answer = initial;
  let gate: Promise<void> | null = null;
  const bridge = defaultBridge().on('listRefusedRefunds', async () => {
    if (gate) await gate;
    return answer;
  });
  return {
    bridge,
    answer(next: readonly RefusedRefundView[]) {
      answer = next;
    },
    hold(): () => void {
      let open = () => {};
      gate = new Promise<void>((resolve) => {
        open = () => {
          gate = null;
          resolve();
        };
      });
      return open;
    },
  };
}

describe('待处理: refused refunds follow pushed order events', () => {
  it('a refund refused later appears as a card without reloading the screen', async () => {
    const source = refusedSource([]);
    renderWithStores(<AttentionScreen />, { bridge: source.bridge });
    await act(async () => {});
    expect(screen.queryByTestId('refused-refund')).toBeNull();
    const loadsBefore = source.bridge.callsOf('listUnresolved').length;

    source.answer([{ order_no: 'SO1001', refund: refusedLater }]);
    await act(async () => source.bridge.emit({ kind: 'order', order: paidOrder([refusedLater]) }));

    const card = screen.getByTestId('refused-refund');
    expect(card.textContent).toMatch(/NOTENOUGH/);
    expect(screen.queryByTestId('attention-empty')).toBeNull();
    // Only the refused list was asked again, not the whole screen.
    expect(source.bridge.callsOf('listUnresolved').length).toBe(loadsBefore);
  });

  it('a listed refusal that ends refunded leaves the list when its order changes', async () => {
    const source = refusedSource([{ order_no: 'SO1001', refund: refusedLater }]);
    renderWithStores(<AttentionScreen />, { bridge: source.bridge });
    await act(async () => {});
    expect(screen.getByTestId('refused-refund')).toBeTruthy();

    source.answer([]);
    const succeeded = aRefund({ out_refund_no: 'SO1001R2', status: 'succeeded', updated_at: T0 + 90_000 });
    await act(async () => source.bridge.emit({ kind: 'order', order: paidOrder([refusedLater, succeeded]) }));

    expect(screen.queryByTestId('refused-refund')).toBeNull();
  });

  it('an order event with no refund news asks nothing', async () => {
    const source = refusedSource([]);
    renderWithStores(<AttentionScreen />, { bridge: source.bridge });
    await act(async () => {});
    const before = source.bridge.callsOf('listRefusedRefunds').length;

    await act(async () => {
      source.bridge.emit({ kind: 'order', order: paidOrder([]) });
      source.bridge.emit({ kind: 'order', order: paidOrder([aRefund()]) });
    });

    expect(source.bridge.callsOf('listRefusedRefunds').length).toBe(before);
  });

  it('a burst of events while a reload is in flight costs one more reload, not one each', async () => {
    const source = refusedSource([]);
    renderWithStores(<AttentionScreen />, { bridge: source.bridge });
    await act(async () => {});
    const before = source.bridge.callsOf('listRefusedRefunds').length;

    const open = source.hold();
    source.answer([{ order_no: 'SO1001', refund: refusedLater }]);
    await act(async () => {
      for (let i = 0; i < 20; i += 1) {
        const refund = { ...refusedLater, updated_at: refusedLater.updated_at + i };
        source.bridge.emit({ kind: 'order', order: paidOrder([refund]) });
      }
    });
    expect(source.bridge.callsOf('listRefusedRefunds').length).toBe(before + 1);

    await act(async () => open());

    expect(source.bridge.callsOf('listRefusedRefunds').length).toBe(before + 2);
    expect(screen.getByTestId('refused-refund')).toBeTruthy();
  });
});
