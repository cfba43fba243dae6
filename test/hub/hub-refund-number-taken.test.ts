/**
 * A store refund whose out_refund_no the till already holds for another refund. The hub numbers its
 * requests `<order>H<n>`, and a till's own refund may carry any valid number, that one included
 * (an integrator's numbering). The till then already knows the number, so it must not take the
 * request for one it started (it would never carry it out), and the hub must not close the request
 * as succeeded on the strength of a refund of another amount: the owner would be told 5 yuan went
 * back to the customer when 1 fen did.
 */
import { describe, expect, it } from 'vitest';
import { SignedRefundOrderSchema } from '../../core/hub/refund-signature.ts';
import { enrolTerminal } from '../../core/hub/terminal-tokens.ts';
import type { Caller } from '../../core/service/api/access-policy.ts';
import { hubAndTillForTests } from './hub-and-till.ts';
import { eventually, getJson, postJson } from './hub-processes.ts';

const ADMIN = 'admin-token-for-the-number-tests-1';
const ERP: Caller = { kind: 'integrator', keyId: 'erp', permissions: ['refund'], client: 'key:erp' };
const store = hubAndTillForTests({ database: 'hub_refund_number', terminalId: 'T8', adminToken: ADMIN });
const { sell, ask, request } = store;

describe('a store refund whose number the till already used for another refund', () => {
  it('is refused by the till, never closed as succeeded, and refunds nothing more', async () => {
    await sell('HN0', 100);
    await sell('HN1', 1000);
    // The hub's numbering, learnt from a first request: the next one is HN1H<n+1>.
    const first = await ask({ request_id: 'owner-num-0001', order_no: 'HN0', refund_fee: 50 });
    expect(first.status).toBe(200);
    const n = Number(/H(\d+)$/.exec(first.body.refund.out_refund_no as string)![1]);
    await eventually('first request succeeded', async () =>
      (await request(first.body.refund.out_refund_no))?.state === 'succeeded' ? true : undefined,
    );
    const taken = `HN1H${n + 1}`;
    const local = await store.till.service.invoke(ERP, 'refund', {
      out_trade_no: 'HN1',
      out_refund_no: taken,
      refund_fee: 1,
    });
    expect(local).toMatchObject({ ok: true, value: { status: 'succeeded', refund_fee: 1 } });
    await eventually('the 1 fen refund at the hub', async () => {
      const { body } = await getJson(`${store.hub.url}/api/orders?terminal=T8`, ADMIN);
      const order = body.orders.find((o: { order_no: string }) => o.order_no === 'HN1');
      return order?.refunded_fee === 1 ? true : undefined;
    });

    const second = await ask({ request_id: 'owner-num-0002', order_no: 'HN1', refund_fee: 500 });
    expect(second.status).toBe(200);
    expect(second.body.refund.out_refund_no).toBe(taken);
    // Another refund at the till afterwards: its change reaches the hub and settles requests.
    const other = await store.till.service.invoke(ERP, 'refund', { out_trade_no: 'HN0', refund_fee: 10 });
    expect(other).toMatchObject({ ok: true });

    const closed = await eventually('the request closed', async () => {
      const state = await request(taken);
      return state && state.state !== 'requested' ? state : undefined;
    });
    expect(closed).toMatchObject({ state: 'refused', detail: 'out_refund_no_reused' });
    const after = await store.till.call('queryRefund', { out_trade_no: 'HN1' });
    expect(after.body.refunded_fee).toBe(1);
  });
});

describe("a till's refusal of a signed request's number", () => {
  it('is taken by the hub for every number the till takes in a signed request', async () => {
    // The till refuses, back to the hub, a signed number its refund service cannot send (over the
    // providers' 64): that refusal must not be answered 400 and re-sent with every answer for ever.
    const longest = `${'N'.repeat(120)}H1234567`;
    expect(longest).toHaveLength(128);
    expect(SignedRefundOrderSchema.shape.out_refund_no.safeParse(longest).success).toBe(true);
    expect(SignedRefundOrderSchema.shape.out_refund_no.safeParse(`${longest}9`).success).toBe(false);
    const token = await enrolTerminal(store.hub.pool, 'T9', Date.now());
    const refuse = (outRefundNo: string) =>
      postJson(
        `${store.hub.url}/api/terminal/refund-refusal`,
        { out_refund_no: outRefundNo, code: 'validation_failed' },
        token,
      );
    const taken = await refuse(longest);
    expect(taken).toMatchObject({ status: 200, body: { ok: true, closed: false } });
    const tooLong = await refuse(`${longest}9`);
    expect(tooLong).toMatchObject({ status: 400, body: { ok: false, error: { code: 'hub_bad_request' } } });
  });
});
