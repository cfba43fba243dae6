/**
 * The supervisor PIN typed on the refund screens reaches the service as typed. A PIN may be 6 to 12
 * digits or a passphrase of 10 to 64 characters (core/common/contract/pin-rules.ts, what Settings
 * accepts as a new PIN): a refund screen that cut it to 8 digits would refuse every refund of a
 * supervisor whose PIN is longer, or a passphrase.
 */
import { describe, expect, it } from 'vitest';
import type { StoreOrderView } from '../../../core/common/contract/api-contract.ts';
import { PIN_MAX_LENGTH } from '../../../core/common/contract/pin-rules.ts';
import { createRefundStore } from '../../../renderer/src/state/refund-store.ts';
import { createStoreRefundStore } from '../../../renderer/src/state/store-refund-store.ts';
import { defaultBridge } from '../fixtures/render-app.tsx';
import { anOrder, T0 } from '../fixtures/views.ts';

const longPins = ['123456789012', 'correct horse battery', 'x'.repeat(PIN_MAX_LENGTH)];

describe('refund screens keep the PIN as typed', () => {
  it.each(longPins)('a refund here sends %j', async (pin) => {
    const order = anOrder({ status: 1, total_fee: 1200 });
    const bridge = defaultBridge().on('refund', () => ({ order: { ...order, status: 3 } }) as never);
    const store = createRefundStore(bridge);
    store.getState().pick(order);
    store.getState().setPin(pin);
    await store.getState().submit();
    expect(bridge.callsOf('refund')).toEqual([expect.objectContaining({ pin, refund_fee: 1200 })]);
  });

  it.each(longPins)('a store refund sends %j', async (pin) => {
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
    const bridge = defaultBridge()
      .on('findStoreOrder', () => ({ orders: [sale] }))
      .on('storeRefund', (r) => ({
        request_id: String(r.request_id),
        terminal_id: 'T8',
        order_no: 'T8X1',
        out_refund_no: 'R1',
        refund_fee: 1200,
        state: 'requested',
      }));
    const store = createStoreRefundStore(bridge);
    await store.getState().find('T8X1');
    store.getState().setPin(pin);
    await store.getState().submit();
    expect(bridge.callsOf('storeRefund')).toEqual([expect.objectContaining({ pin, refund_fee: 1200 })]);
  });

  it('cuts nothing a PIN may hold, and no more than the longest PIN', () => {
    const store = createRefundStore(defaultBridge());
    store.getState().setPin('y'.repeat(PIN_MAX_LENGTH + 5));
    expect(store.getState().pin).toBe('y'.repeat(PIN_MAX_LENGTH));
  });
});
