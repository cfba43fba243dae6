/**
 * A refund ask whose reply was lost, then the page reloaded (or Electron restarted the window): the
 * page's memory of the unanswered ask is gone, but the service journaled the refund before calling the
 * provider and lists it on the order as pending. The refund store takes that pending refund as the next
 * ask (same out_refund_no, same amount), so the next press repeats it instead of refunding twice; the
 * service refuses a new number meanwhile (refund_in_flight) and the store then picks up the pending one.
 */
import { describe, expect, it } from 'vitest';
import type { RefundResult } from '../../../core/common/contract/api-contract.ts';
import type { RefundView } from '../../../core/common/contract/views.ts';
import { createRefundStore, pendingAsk } from '../../../renderer/src/state/refund-store.ts';
import { defaultBridge } from '../fixtures/render-app.tsx';
import { anOrder, anOrderDetail, T0 } from '../fixtures/views.ts';

type Ask = { out_trade_no: string; out_refund_no?: string; refund_fee: number };

const pending = (over: Partial<RefundView> = {}): RefundView => ({
  out_refund_no: 'SO1001R0a1b2c3d4e5f6a7b',
  out_trade_no: 'SO1001',
  refund_fee: 500,
  status: 'pending',
  reason: null,
  created_at: T0,
  updated_at: T0,
  failure: null,
  ...over,
});
const sale = (refunds: RefundView[]) =>
  anOrder({ out_trade_no: 'SO1001', paid_out_trade_no: 'SO1001', total_fee: 1250, status: 1, refunds });

function service(refunds: () => RefundView[], refund?: (ask: Ask) => RefundResult) {
  return defaultBridge()
    .on('getOrder', () => anOrderDetail(sale(refunds())))
    .on(
      'refund',
      (r) =>
        refund?.(r as Ask) ?? {
          out_trade_no: 'SO1001',
          out_refund_no: String(r.out_refund_no),
          refund_fee: Number(r.refund_fee),
          status: 'succeeded',
          order: { ...sale([]), status: 2, refunded_fee: Number(r.refund_fee) },
        },
    );
}

async function pressRefund(store: ReturnType<typeof createRefundStore>, amount: string) {
  store.getState().setAmount(amount);
  store.getState().setPin('123456');
  await store.getState().submit();
}

describe('a refund left unanswered before a page reload', () => {
  it('a fresh page (new store) repeats the refund the service holds as pending, whatever amount is typed', async () => {
    const bridge = service(() => [pending()]);
    const store = createRefundStore(bridge); // the reloaded page: nothing in memory
    await store.getState().find('SO1001');
    expect(pendingAsk(store.getState().order!)).toEqual({
      outTradeNo: 'SO1001',
      outRefundNo: 'SO1001R0a1b2c3d4e5f6a7b',
      fee: 500,
    });
    await pressRefund(store, '9');
    expect(bridge.callsOf('refund')).toEqual([
      expect.objectContaining({ out_refund_no: 'SO1001R0a1b2c3d4e5f6a7b', refund_fee: 500 }),
    ]);
  });

  it('a pending refund of a second payment (another trade) is not this sale’s ask', async () => {
    const bridge = service(() => [pending({ out_trade_no: 'SO1001_2', out_refund_no: 'SO1001_2D1' })]);
    const store = createRefundStore(bridge);
    await store.getState().find('SO1001');
    expect(pendingAsk(store.getState().order!)).toBeNull();
    await pressRefund(store, '3');
    const [ask] = bridge.callsOf('refund') as Ask[];
    expect(ask).toMatchObject({ refund_fee: 300 });
    expect(ask!.out_refund_no).not.toBe('SO1001_2D1');
  });

  it('refused with refund_in_flight (the page had a stale order): the next press repeats the pending one', async () => {
    let held: RefundView[] = [];
    let calls = 0;
    const bridge = service(
      () => held,
      () => {
        calls += 1;
        if (calls === 1) {
          // Another window's ask is unanswered at the provider: the service refuses a new number.
          held = [pending()];
          throw Object.assign(new Error('in flight'), { code: 'refund_in_flight', message: 'x' });
        }
        return {
          out_trade_no: 'SO1001',
          out_refund_no: 'SO1001R0a1b2c3d4e5f6a7b',
          refund_fee: 500,
          status: 'succeeded',
          order: { ...sale([]), status: 2, refunded_fee: 500 },
        };
      },
    );
    const store = createRefundStore(bridge);
    await store.getState().find('SO1001');
    await pressRefund(store, '2');
    expect(store.getState().error?.code).toBe('refund_in_flight');
    await pressRefund(store, '2');
    const asks = bridge.callsOf('refund') as Ask[];
    expect(asks[1]).toMatchObject({ out_refund_no: 'SO1001R0a1b2c3d4e5f6a7b', refund_fee: 500 });
    expect(store.getState().result?.status).toBe('succeeded');
  });
});
