/**
 * GET /api/terminal/orders: a till's token reads one sale of the store by its exact number, for a
 * store refund, and sees only what that refund needs (docs/security.md): which till, the amounts,
 * the status, the wallet and the times; never the cashier, the shift, the subject, the merchant or
 * the provider's transaction id, which stay with the owner's key. No pattern, no listing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningHub, startHub } from '../../core/hub/hub-server.ts';
import { enrolTerminal, revokeTerminal } from '../../core/hub/terminal-tokens.ts';
import { type PgCluster, startPgCluster } from './pg-cluster.ts';

const ADMIN = 'admin-token-for-the-lookup-test-01';
// 2026-11-30 12:00 Beijing time.
const NOON = Date.UTC(2026, 10, 30, 4, 0, 0);
let cluster: PgCluster;
let hub: RunningHub;
let sellerToken: string;
let askerToken: string;

function sale(seq: number, orderNo: string) {
  return {
    seq,
    kind: 'order' as const,
    ref: orderNo,
    at: NOON,
    payload: {
      order_no: orderNo,
      pid: 'm1',
      total_fee: 1200,
      subject: 'massage 30 min',
      type: 'misc',
      status: 2,
      tender: 'wxpay',
      provider: 'wxpay',
      transaction_id: '4200000001202611300000000001',
      paid_out_trade_no: orderNo,
      paid_at: NOON + 1000,
      refunded_fee: 200,
      cashier: 'amy',
      shift_id: 'S1',
      created_at: NOON,
      updated_at: NOON + 2000,
    },
  };
}

async function lookUp(query: string, token: string) {
  const res = await fetch(`${hub.url}/api/terminal/orders?${query}`, {
    headers: { authorization: `Bearer ${token}` },
  });
  return { status: res.status, body: (await res.json()) as { orders?: Record<string, unknown>[] } };
}

beforeAll(async () => {
  cluster = await startPgCluster();
  hub = await startHub({
    databaseUrl: await cluster.createDatabase('hub_terminal_lookup'),
    adminToken: ADMIN,
    host: '127.0.0.1',
    port: 0,
    poolMax: 2,
  });
  sellerToken = await enrolTerminal(hub.pool, 'T8', NOON);
  askerToken = await enrolTerminal(hub.pool, 'T9', NOON, { refunds: true });
  const res = await fetch(`${hub.url}/api/ingest`, {
    method: 'POST',
    headers: { authorization: `Bearer ${sellerToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      terminal_id: 'T8',
      status: { version: '0.1.0', ready: true, queue_length: 0, needs_attention: 0 },
      changes: [sale(1, 'T8X1'), sale(2, 'T8X2')],
    }),
  });
  expect(res.status).toBe(200);
});
afterAll(async () => {
  await hub?.close();
  await cluster?.stop();
});

describe("a till's look-up of another till's sale", () => {
  it('answers the one sale with what a refund needs, and nothing the owner keeps', async () => {
    const { status, body } = await lookUp('order_no=T8X1', askerToken);
    expect(status).toBe(200);
    expect(body.orders).toEqual([
      {
        terminal_id: 'T8',
        order_no: 'T8X1',
        total_fee: 1200,
        refunded_fee: 200,
        status: 2,
        tender: 'wxpay',
        paid_at: NOON + 1000,
        created_at: NOON,
      },
    ]);
  });

  it('matches the number exactly: no pattern, no listing, no other filter', async () => {
    expect((await lookUp('order_no=T8X%25', askerToken)).body.orders).toEqual([]);
    expect((await lookUp('order_no=T8X', askerToken)).body.orders).toEqual([]);
    expect((await lookUp('', askerToken)).status).toBe(400);
    expect((await lookUp('order_no=T8X1&terminal=T8', askerToken)).status).toBe(400);
    expect((await lookUp('order_no=T8X1&limit=100', askerToken)).status).toBe(400);
  });

  it('needs a live till token', async () => {
    expect((await lookUp('order_no=T8X1', 'spt_not_a_token')).status).toBe(401);
    await revokeTerminal(hub.pool, 'T9', NOON + 5000);
    expect((await lookUp('order_no=T8X1', askerToken)).status).toBe(403);
  });
});
