/**
 * Unanswered refund asks survive a page reload: both refund stores keep them in the page's storage,
 * per sale, until answered (renderer/src/state/ask-shelf.ts). A new store over the same storage is the
 * reloaded page: its next press repeats the ask (number and amount), whatever is typed. Bounded in
 * number and age; the PIN is never stored.
 */
import { describe, expect, it } from 'vitest';
import type { RefundResult, StoreOrderView } from '../../../core/common/contract/api-contract.ts';
import { askShelf } from '../../../renderer/src/state/ask-shelf.ts';
import { createRefundStore, refundAskShelf } from '../../../renderer/src/state/refund-store.ts';
import { createStoreRefundStore, storeAskShelf } from '../../../renderer/src/state/store-refund-store.ts';
import { defaultBridge } from '../fixtures/render-app.tsx';
import { anOrder, anOrderDetail, T0 } from '../fixtures/views.ts';

/** A Storage over a Map, as the page's localStorage. */
function memoryStorage() {
  const items = new Map<string, string>();
  return {
    items,
    getItem: (k: string) => items.get(k) ?? null,
    setItem: (k: string, v: string) => void items.set(k, v),
    removeItem: (k: string) => void items.delete(k),
  };
}

const sale = anOrder({ out_trade_no: 'SO1001', total_fee: 1250, status: 1, refunded_fee: 0 });
type Ask = { out_refund_no?: string; refund_fee: number; request_id?: string };

function serviceThatLosesTheFirstReply() {
  let calls = 0;
  return defaultBridge()
    .on('getOrder', () => anOrderDetail(sale))
    .on('refund', (r): RefundResult => {
      calls += 1;
      if (calls === 1)
        throw Object.assign(new Error('no answer'), { code: 'service_unreachable', message: 'x' });
      return {
        out_trade_no: 'SO1001',
        out_refund_no: String(r.out_refund_no),
        refund_fee: Number(r.refund_fee),
        status: 'succeeded',
        order: { ...sale, status: 2, refunded_fee: Number(r.refund_fee) },
      };
    });
}

async function press(store: ReturnType<typeof createRefundStore>, amount: string) {
  await store.getState().find('SO1001');
  store.getState().setAmount(amount);
  store.getState().setPin('135792468');
  await store.getState().submit();
}

describe('this till’s refund after a page reload', () => {
  it('the reloaded page repeats the unanswered ask; once answered, the next is a new one', async () => {
    const storage = memoryStorage();
    const bridge = serviceThatLosesTheFirstReply();
    await press(createRefundStore(bridge, undefined, refundAskShelf(storage)), '5');
    expect([...storage.items.values()].join()).not.toContain('135792468');

    const reloaded = createRefundStore(bridge, undefined, refundAskShelf(storage));
    await press(reloaded, '9');
    const asks = bridge.callsOf('refund') as Ask[];
    expect(asks[1]).toMatchObject({ out_refund_no: asks[0]!.out_refund_no, refund_fee: 500 });
    expect(reloaded.getState().result?.status).toBe('succeeded');

    const again = createRefundStore(bridge, undefined, refundAskShelf(storage));
    await press(again, '1');
    const third = (bridge.callsOf('refund') as Ask[])[2]!;
    expect(third.refund_fee).toBe(100);
    expect(third.out_refund_no).not.toBe(asks[0]!.out_refund_no);
  });
});

describe('a store refund after a page reload', () => {
  it('repeats the unanswered ask with its request id and amount', async () => {
    const storage = memoryStorage();
    const storeSale: StoreOrderView = {
      terminal_id: 'T8',
      order_no: 'T8X1',
      total_fee: 1200,
      refunded_fee: 0,
      status: 1,
      tender: 'wxpay',
      paid_at: T0,
      created_at: T0,
    };
    let calls = 0;
    const bridge = defaultBridge()
      .on('findStoreOrder', () => ({ orders: [storeSale] }))
      .on('storeRefund', (r) => {
        calls += 1;
        if (calls === 1) throw Object.assign(new Error('no answer'), { code: 'hub_no_answer', message: 'x' });
        return {
          request_id: String(r.request_id),
          terminal_id: 'T8',
          order_no: 'T8X1',
          out_refund_no: 'T8X1H1',
          refund_fee: Number(r.refund_fee),
          state: 'requested',
        };
      });
    const ask = async (store: ReturnType<typeof createStoreRefundStore>, amount: string) => {
      await store.getState().find('T8X1');
      store.getState().setAmount(amount);
      store.getState().setPin('135792468');
      await store.getState().submit();
    };
    await ask(createStoreRefundStore(bridge, storeAskShelf(storage)), '4');
    await ask(createStoreRefundStore(bridge, storeAskShelf(storage)), '7');
    const asks = bridge.callsOf('storeRefund') as Ask[];
    expect(asks[1]).toMatchObject({ request_id: asks[0]!.request_id, refund_fee: 400 });
    expect([...storage.items.values()].join()).not.toContain('135792468');
  });
});

describe('askShelf', () => {
  it('keeps at most 20 sales, each at most a day, and drops what does not parse', () => {
    const storage = memoryStorage();
    let now = T0;
    const shelf = askShelf<{ n: number }>(
      'asks',
      (v) => (typeof (v as { n?: unknown })?.n === 'number' ? (v as { n: number }) : null),
      storage,
      () => now,
    );
    for (let n = 0; n < 25; n++) {
      now += 1000;
      shelf.put(`S${n}`, { n });
    }
    expect(shelf.get('S24')).toEqual({ n: 24 });
    expect(shelf.get('S4')).toBeNull(); // the five oldest went
    expect(Object.keys(JSON.parse(storage.getItem('asks')!))).toHaveLength(20);
    now += 24 * 3600_000;
    expect(shelf.get('S24')).toBeNull();
    storage.setItem('asks', JSON.stringify({ X: { ask: { n: 'nope' }, at: now } }));
    expect(shelf.get('X')).toBeNull();
    storage.setItem('asks', 'not json');
    expect(shelf.get('X')).toBeNull();
  });
});
