/**
 * A store refund whose out_refund_no the till already holds for another refund. The hub numbers its
 * requests `<order>H<n>`, and a till's own refund may carry any valid number, that one included
 * (an integrator's numbering). The till then already knows the number, so it must not take the
 * request for one it started (it would never carry it out), and the hub must not close the request
 * as succeeded on the strength of a refund of another amount: the owner would be told 5 yuan went
 * back to the customer when 1 fen did.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningHub, startHub } from '../../core/hub/hub-server.ts';
import { SignedRefundOrderSchema } from '../../core/hub/refund-signature.ts';
import { enrolTerminal } from '../../core/hub/terminal-tokens.ts';
import type { Caller } from '../../core/service/api/access-policy.ts';
import { type ServiceHarness, startServiceHarness } from '../service/service-harness.ts';
import { HUB_KEY, HUB_PUBLIC_PEM } from './hub-keys.ts';
import { eventually, getJson, postJson } from './hub-processes.ts';
import { type PgCluster, startPgCluster } from './pg-cluster.ts';

const ADMIN = 'admin-token-for-the-number-tests-1';
const ERP: Caller = { kind: 'integrator', keyId: 'erp', permissions: ['refund'], client: 'key:erp' };
let cluster: PgCluster;
let hub: RunningHub;
let till: ServiceHarness;

beforeAll(async () => {
  cluster = await startPgCluster();
  hub = await startHub({
    databaseUrl: await cluster.createDatabase('hub_refund_number'),
    adminToken: ADMIN,
    host: '127.0.0.1',
    port: 0,
    poolMax: 4,
    configKey: HUB_KEY,
  });
  const token = await enrolTerminal(hub.pool, 'T8', Date.now());
  till = await startServiceHarness({
    config: {
      terminal_id: 'T8',
      hub: { url: hub.url, token, config_public_key: HUB_PUBLIC_PEM, heartbeat_ms: 1000 },
    },
  });
});
afterAll(async () => {
  await till?.close();
  await hub?.close();
  await cluster?.stop();
});

async function sell(orderNo: string, fen: number): Promise<void> {
  const code = await till.walletCode('wxpay', 'instant');
  const paid = await till.call('createPayment', {
    data: { out_trade_no: orderNo, total_fee: fen, subject: 'tea', auth_code: code },
  });
  expect(paid.body).toMatchObject({ code: 0, attempt: { phase: 'paid' } });
  await eventually(`${orderNo} at the hub`, async () => {
    const { body } = await getJson(`${hub.url}/api/orders?terminal=T8`, ADMIN);
    return body.orders.some(
      (o: { order_no: string; status: number }) => o.order_no === orderNo && o.status === 1,
    )
      ? true
      : undefined;
  });
}

const ask = (body: Record<string, unknown>) =>
  postJson(`${hub.url}/api/refunds`, { terminal_id: 'T8', requested_by: 'owner', ...body }, ADMIN);

async function request(outRefundNo: string): Promise<{ state: string; detail: string | null } | undefined> {
  const { body } = await getJson(`${hub.url}/api/refunds`, ADMIN);
  return body.refunds.find((r: { out_refund_no: string }) => r.out_refund_no === outRefundNo);
}

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
    const local = await till.service.invoke(ERP, 'refund', {
      out_trade_no: 'HN1',
      out_refund_no: taken,
      refund_fee: 1,
    });
    expect(local).toMatchObject({ ok: true, value: { status: 'succeeded', refund_fee: 1 } });
    await eventually('the 1 fen refund at the hub', async () => {
      const { body } = await getJson(`${hub.url}/api/orders?terminal=T8`, ADMIN);
      const order = body.orders.find((o: { order_no: string }) => o.order_no === 'HN1');
      return order?.refunded_fee === 1 ? true : undefined;
    });

    const second = await ask({ request_id: 'owner-num-0002', order_no: 'HN1', refund_fee: 500 });
    expect(second.status).toBe(200);
    expect(second.body.refund.out_refund_no).toBe(taken);
    // Another refund at the till afterwards: its change reaches the hub and settles requests.
    const other = await till.service.invoke(ERP, 'refund', { out_trade_no: 'HN0', refund_fee: 10 });
    expect(other).toMatchObject({ ok: true });

    const closed = await eventually('the request closed', async () => {
      const state = await request(taken);
      return state && state.state !== 'requested' ? state : undefined;
    });
    expect(closed).toMatchObject({ state: 'refused', detail: 'out_refund_no_reused' });
    const after = await till.call('queryRefund', { out_trade_no: 'HN1' });
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
    const token = await enrolTerminal(hub.pool, 'T9', Date.now());
    const refuse = (outRefundNo: string) =>
      postJson(
        `${hub.url}/api/terminal/refund-refusal`,
        { out_refund_no: outRefundNo, code: 'validation_failed' },
        token,
      );
    const taken = await refuse(longest);
    expect(taken).toMatchObject({ status: 200, body: { ok: true, closed: false } });
    const tooLong = await refuse(`${longest}9`);
    expect(tooLong).toMatchObject({ status: 400, body: { ok: false, error: { code: 'hub_bad_request' } } });
  });
});
