/**
 * A store refund whose ask got no answer (the hub took it, the reply was lost) may have been taken.
 * Whatever the cashier does next on that sale (types the amount again, looks the number up again,
 * presses Refund again) asks the same refund with the same request_id, so the hub answers the first
 * ask instead of taking a second refund. Only an answered ask ends it.
 */
import { describe, expect, it } from 'vitest';
import type { StoreOrderView } from '../../../core/common/contract/api-contract.ts';
import { createStoreRefundStore } from '../../../renderer/src/state/store-refund-store.ts';
import { defaultBridge } from '../fixtures/render-app.tsx';
import { T0 } from '../fixtures/views.ts';

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

function hubThatLosesTheFirstReply() {
  let asks = 0;
  return defaultBridge()
    .on('findStoreOrder', () => ({ orders: [sale] }))
    .on('storeRefund', (r) => {
      asks += 1;
      if (asks === 1) throw Object.assign(new Error('no answer'), { code: 'hub_no_answer', message: 'x' });
      return {
        request_id: String(r.request_id),
        terminal_id: 'T8',
        order_no: 'T8X1',
        out_refund_no: 'T8X1H1',
        refund_fee: Number(r.refund_fee),
        state: 'requested',
      };
    });
}

type Ask = { request_id: string; refund_fee: number };

describe('a store refund with no answer', () => {
  it('typing the amount again asks the same refund, not a second one', async () => {
    const bridge = hubThatLosesTheFirstReply();
    const store = createStoreRefundStore(bridge);
    await store.getState().find('T8X1');
    store.getState().setAmount('5');
    store.getState().setPin('123456');
    await store.getState().submit();
    expect(store.getState().error?.code).toBe('hub_no_answer');
    store.getState().setAmount('5.00');
    store.getState().setPin('123456');
    await store.getState().submit();
    const asks = bridge.callsOf('storeRefund') as Ask[];
    expect(asks).toHaveLength(2);
    expect(asks[1]!.request_id).toBe(asks[0]!.request_id);
    expect(asks[1]!.refund_fee).toBe(500);
    expect(store.getState().result?.refund_fee).toBe(500);
  });

  it('a changed amount still repeats the unanswered ask first', async () => {
    const bridge = hubThatLosesTheFirstReply();
    const store = createStoreRefundStore(bridge);
    await store.getState().find('T8X1');
    store.getState().setAmount('5');
    await store.getState().submit();
    store.getState().setAmount('7');
    await store.getState().submit();
    const asks = bridge.callsOf('storeRefund') as Ask[];
    expect(asks.map((a) => a.refund_fee)).toEqual([500, 500]);
    expect(asks[1]!.request_id).toBe(asks[0]!.request_id);
    // Answered: the next refund of the sale is a new ask.
    store.getState().setAmount('1');
    await store.getState().submit();
    const third = (bridge.callsOf('storeRefund') as Ask[])[2]!;
    expect(third.refund_fee).toBe(100);
    expect(third.request_id).not.toBe(asks[0]!.request_id);
  });

  it('looking the same sale up again keeps the unanswered ask; another sale does not take it', async () => {
    const bridge = hubThatLosesTheFirstReply();
    const store = createStoreRefundStore(bridge);
    await store.getState().find('T8X1');
    store.getState().setAmount('5');
    await store.getState().submit();
    await store.getState().find('T8X1');
    await store.getState().submit();
    const asks = bridge.callsOf('storeRefund') as Ask[];
    expect(asks[1]).toMatchObject({ request_id: asks[0]!.request_id, refund_fee: 500 });
  });
});
