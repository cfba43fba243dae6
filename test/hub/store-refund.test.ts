/**
 * A store-level refund: the owner asks the hub to refund an order sold at a till; the hub fixes the
 * out_refund_no once (a repeated request answers the first), the till that sold the order carries
 * it out with that out_refund_no, and the outcome comes back through the outbox. Money leaves once
 * however often the request is repeated or redelivered; the hub refuses more than is left, and the
 * till refuses what it cannot do (a refund already made at the till), closing the request.
 */
import { describe, expect, it } from 'vitest';
import { hubAndTillForTests } from './hub-and-till.ts';
import { eventually, getJson } from './hub-processes.ts';

const ADMIN = 'admin-token-for-the-refund-tests-1';
const store = hubAndTillForTests({ database: 'hub_refund', terminalId: 'T7', adminToken: ADMIN });
const { sell, ask } = store;
const requestState = async (outRefundNo: string) => (await store.request(outRefundNo))?.state;

describe('refunds started at the hub', () => {
  it('refund once at the till that sold the order, however often the owner asks', async () => {
    await sell('HR1', 1000);
    const first = await ask({
      request_id: 'owner-req-0001',
      order_no: 'HR1',
      refund_fee: 400,
      reason: 'cold tea',
    });
    expect(first.status).toBe(200);
    const outRefundNo = first.body.refund.out_refund_no as string;
    const again = await ask({
      request_id: 'owner-req-0001',
      order_no: 'HR1',
      refund_fee: 400,
      reason: 'cold tea',
    });
    expect(again.body.refund.out_refund_no).toBe(outRefundNo);
    // More than is left (1000 − 400 asked) is refused at the hub before any till is involved.
    const tooMuch = await ask({ request_id: 'owner-req-0002', order_no: 'HR1', refund_fee: 700 });
    expect(tooMuch).toMatchObject({ status: 409, body: { error: { code: 'hub_conflict' } } });
    // The same request_id for another refund is a conflict, not a second refund.
    expect((await ask({ request_id: 'owner-req-0001', order_no: 'HR1', refund_fee: 100 })).status).toBe(409);

    await eventually('refund succeeded', async () =>
      (await requestState(outRefundNo)) === 'succeeded' ? true : undefined,
    );
    const local = await store.till.call('queryRefund', { out_trade_no: 'HR1' });
    expect(local.body.refunds.map((r: { out_refund_no: string }) => r.out_refund_no)).toEqual([outRefundNo]);
    expect(local.body.refunded_fee).toBe(400);
    // The hub keeps asking nothing more, and its copy of the order shows the refund.
    await eventually('order refunded at the hub', async () => {
      const { body } = await getJson(`${store.hub.url}/api/orders?terminal=T7`, ADMIN);
      const order = body.orders.find((o: { order_no: string }) => o.order_no === 'HR1');
      return order?.refunded_fee === 400 && order.status === 2 ? true : undefined;
    });
    const later = await store.till.call('queryRefund', { out_trade_no: 'HR1' });
    expect(later.body.refunds).toHaveLength(1);
  });

  it('is refused by the till when it cannot make it (a cash sale), and the request closes with the reason', async () => {
    const cash = await store.till.call('recordCashSale', { total_fee: 800 });
    expect(cash.body.ok).toBe(true);
    const orderNo = cash.body.value.out_trade_no as string;
    await eventually('cash sale at the hub', async () => {
      const { body } = await getJson(`${store.hub.url}/api/orders?terminal=T7&wallet=cash`, ADMIN);
      return body.orders.some((o: { order_no: string }) => o.order_no === orderNo) ? true : undefined;
    });
    const asked = await ask({ request_id: 'owner-req-0003', order_no: orderNo, refund_fee: 300 });
    expect(asked.status).toBe(200);
    const outRefundNo = asked.body.refund.out_refund_no as string;
    await eventually('request refused', async () =>
      (await requestState(outRefundNo)) === 'refused' ? true : undefined,
    );
    const { body } = await getJson(`${store.hub.url}/api/refunds`, ADMIN);
    expect(
      body.refunds.find((r: { out_refund_no: string }) => r.out_refund_no === outRefundNo),
    ).toMatchObject({
      detail: 'cash_refund',
    });
    const local = await store.till.call('queryRefund', { out_trade_no: orderNo });
    expect(local.body).toMatchObject({ code: 0, refunds: [], refunded_fee: 0, status: 1 });
  });
});
