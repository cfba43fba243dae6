/**
 * A refund of this till's own sale whose reply never came back (service restarted mid-call, a LAN
 * browser's connection cut) may have been taken: the service journals the refund before it calls the
 * provider. Whatever the cashier does next on that sale (presses Refund again, types another amount,
 * looks it up again) repeats that ask with the same out_refund_no and amount, which the service answers
 * with the first refund instead of making a second one. An answered ask ends it.
 */
import { describe, expect, it } from 'vitest';
import type { RefundResult } from '../../../core/common/contract/api-contract.ts';
import { createRefundStore } from '../../../renderer/src/state/refund-store.ts';
import { defaultBridge } from '../fixtures/render-app.tsx';
import { anOrder, anOrderDetail } from '../fixtures/views.ts';

const sale = anOrder({ out_trade_no: 'SO1001', total_fee: 1250, status: 1, refunded_fee: 0 });

type Ask = { out_trade_no: string; out_refund_no?: string; refund_fee: number };

function serviceThatLosesTheFirstReply(code = 'service_unreachable') {
  let calls = 0;
  return defaultBridge()
    .on('getOrder', () => anOrderDetail(sale))
    .on('refund', (r): RefundResult => {
      calls += 1;
      if (calls === 1) throw Object.assign(new Error('no answer'), { code, message: 'x' });
      return {
        out_trade_no: 'SO1001',
        out_refund_no: String(r.out_refund_no),
        refund_fee: Number(r.refund_fee),
        status: 'succeeded',
        order: { ...sale, status: 2, refunded_fee: Number(r.refund_fee) },
      };
    });
}

async function askAndLoseReply(store: ReturnType<typeof createRefundStore>, amount: string) {
  await store.getState().find('SO1001');
  store.getState().setAmount(amount);
  store.getState().setPin('123456');
  await store.getState().submit();
}

describe('a refund of this till’s sale with no answer', () => {
  it('every ask carries an out_refund_no, and pressing Refund again repeats it', async () => {
    const bridge = serviceThatLosesTheFirstReply();
    const store = createRefundStore(bridge);
    await askAndLoseReply(store, '5');
    expect(store.getState().error?.code).toBe('service_unreachable');
    store.getState().setPin('123456');
    await store.getState().submit();
    const asks = bridge.callsOf('refund') as Ask[];
    expect(asks).toHaveLength(2);
    expect(asks[0]!.out_refund_no).toMatch(/^[0-9A-Za-z_\-|*@]{1,64}$/);
    expect(asks[1]).toMatchObject({ out_refund_no: asks[0]!.out_refund_no, refund_fee: 500 });
    expect(store.getState().result?.refund_fee).toBe(500);
  });

  it('a retyped amount or a new lookup still repeats the unanswered ask; after the answer a new one starts', async () => {
    const bridge = serviceThatLosesTheFirstReply();
    const store = createRefundStore(bridge);
    await askAndLoseReply(store, '5');
    await store.getState().find('SO1001');
    store.getState().setAmount('7');
    store.getState().setPin('123456');
    await store.getState().submit();
    const asks = bridge.callsOf('refund') as Ask[];
    expect(asks.map((a) => a.refund_fee)).toEqual([500, 500]);
    expect(asks[1]!.out_refund_no).toBe(asks[0]!.out_refund_no);
    store.getState().setAmount('1');
    store.getState().setPin('123456');
    await store.getState().submit();
    const third = (bridge.callsOf('refund') as Ask[])[2]!;
    expect(third.refund_fee).toBe(100);
    expect(third.out_refund_no).not.toBe(asks[0]!.out_refund_no);
  });

  it('a refusal that certainly asked nothing (wrong PIN) does not pin the amount', async () => {
    const bridge = serviceThatLosesTheFirstReply('pin_invalid');
    const store = createRefundStore(bridge);
    await askAndLoseReply(store, '5');
    store.getState().setAmount('3');
    store.getState().setPin('123456');
    await store.getState().submit();
    const asks = bridge.callsOf('refund') as Ask[];
    expect(asks.map((a) => a.refund_fee)).toEqual([500, 300]);
  });

  it('a wrong PIN on the repeat says nothing of the first ask: the next try still repeats it', async () => {
    let calls = 0;
    const bridge = defaultBridge()
      .on('getOrder', () => anOrderDetail(sale))
      .on('refund', (r): RefundResult => {
        calls += 1;
        if (calls === 1)
          throw Object.assign(new Error('no answer'), { code: 'service_unreachable', message: 'x' });
        if (calls === 2) throw Object.assign(new Error('wrong PIN'), { code: 'pin_invalid', message: 'x' });
        return {
          out_trade_no: 'SO1001',
          out_refund_no: String(r.out_refund_no),
          refund_fee: Number(r.refund_fee),
          status: 'succeeded',
          order: { ...sale, status: 2, refunded_fee: Number(r.refund_fee) },
        };
      });
    const store = createRefundStore(bridge);
    await askAndLoseReply(store, '5');
    store.getState().setPin('999999');
    await store.getState().submit();
    expect(store.getState().error?.code).toBe('pin_invalid');
    store.getState().setAmount('9');
    store.getState().setPin('123456');
    await store.getState().submit();
    const asks = bridge.callsOf('refund') as Ask[];
    expect(asks.map((a) => [a.out_refund_no, a.refund_fee])).toEqual([
      [asks[0]!.out_refund_no, 500],
      [asks[0]!.out_refund_no, 500],
      [asks[0]!.out_refund_no, 500],
    ]);
  });
});
