/**
 * The refund right per terminal: a till token asks the hub for a refund of another till's sale
 * (POST /api/terminal/refunds) or looks such a sale up (GET /api/terminal/orders) only when the
 * owner gave that terminal the right (`scanpay hub add-terminal --refunds`, `grant-refunds`). A
 * token lifted from an unattended QR device gets `hub_refund_not_granted` and asks nothing. Tills
 * enrolled before the right existed get none at migration. An optional daily cap bounds what one
 * till may ask per Beijing day.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { refuseRefund } from '../../core/hub/hub-refunds.ts';
import { HUB_MIGRATIONS, migrateHub } from '../../core/hub/hub-schema.ts';
import { type RunningHub, startHub } from '../../core/hub/hub-server.ts';
import {
  enrolTerminal,
  hashToken,
  newTerminalToken,
  setRefundRight,
} from '../../core/hub/terminal-tokens.ts';
import { HUB_KEY } from './hub-keys.ts';
import { getJson, postJson } from './hub-processes.ts';
import { type PgCluster, startPgCluster } from './pg-cluster.ts';

const ADMIN = 'admin-token-for-the-refund-right-01';
// 2026-11-30 12:00 Beijing time.
const NOON = Date.UTC(2026, 10, 30, 4, 0, 0);
let cluster: PgCluster;
let hub: RunningHub;
const tokens: Record<string, string> = {};

function sale(seq: number, orderNo: string, fen: number) {
  return {
    seq,
    kind: 'order' as const,
    ref: orderNo,
    at: NOON,
    payload: {
      order_no: orderNo,
      pid: 'm1',
      total_fee: fen,
      subject: 'massage 30 min',
      type: 'misc',
      status: 1,
      tender: 'wxpay',
      provider: 'wxpay',
      transaction_id: `42000000012026113000000000${seq}`,
      paid_out_trade_no: orderNo,
      paid_at: NOON + 1000,
      refunded_fee: 0,
      cashier: 'amy',
      shift_id: 'S1',
      created_at: NOON,
      updated_at: NOON + 2000,
    },
  };
}

const lookUp = (orderNo: string, token: string) =>
  getJson(`${hub.url}/api/terminal/orders?order_no=${orderNo}`, token);
const ask = (token: string, body: Record<string, unknown>) =>
  postJson(`${hub.url}/api/terminal/refunds`, { terminal_id: 'T8', ...body }, token);
async function requestsOf(orderNo: string): Promise<unknown[]> {
  const { body } = await getJson(`${hub.url}/api/refunds`, ADMIN);
  return body.refunds.filter((r: { order_no: string }) => r.order_no === orderNo);
}

beforeAll(async () => {
  cluster = await startPgCluster();
  const databaseUrl = await cluster.createDatabase('hub_refund_right');
  // A hub of the release before the right: T7 was enrolled there and used to ask store refunds.
  const old = new pg.Pool({ connectionString: databaseUrl, max: 1 });
  await migrateHub(old, HUB_MIGRATIONS.slice(0, 4));
  tokens.T7 = newTerminalToken();
  await old.query('INSERT INTO hub_terminals (terminal_id, token_hash, enrolled_at) VALUES ($1, $2, $3)', [
    'T7',
    hashToken(tokens.T7),
    NOON,
  ]);
  await old.end();

  hub = await startHub({
    databaseUrl,
    adminToken: ADMIN,
    host: '127.0.0.1',
    port: 0,
    poolMax: 2,
    now: () => NOON,
    configKey: HUB_KEY,
  });
  tokens.T8 = await enrolTerminal(hub.pool, 'T8', NOON);
  // QR1 is an unattended massage chair: enrolled without the right (the default).
  tokens.QR1 = await enrolTerminal(hub.pool, 'QR1', NOON);
  tokens.T9 = await enrolTerminal(hub.pool, 'T9', NOON, { refunds: true });
  const res = await postJson(
    `${hub.url}/api/ingest`,
    {
      terminal_id: 'T8',
      status: { version: '0.1.0', ready: true, queue_length: 0, needs_attention: 0 },
      changes: [sale(1, 'T8A1', 1200), sale(2, 'T8A2', 3000), sale(3, 'T8A3', 900)],
    },
    tokens.T8,
  );
  expect(res.status).toBe(200);
});
afterAll(async () => {
  await hub?.close();
  await cluster?.stop();
});

describe('the refund right of a terminal', () => {
  it('a terminal enrolled without it can neither look up nor refund another till’s sale', async () => {
    const found = await lookUp('T8A1', tokens.QR1!);
    expect(found).toMatchObject({
      status: 403,
      body: { ok: false, error: { code: 'hub_refund_not_granted' } },
    });
    expect(JSON.stringify(found.body)).not.toContain('1200');
    const asked = await ask(tokens.QR1!, {
      request_id: 'qr1-stolen-0001',
      order_no: 'T8A1',
      refund_fee: 1200,
    });
    expect(asked).toMatchObject({
      status: 403,
      body: { ok: false, error: { code: 'hub_refund_not_granted' } },
    });
    expect(await requestsOf('T8A1')).toEqual([]);
  });

  it('a terminal enrolled with it may, and the owner sees who has it', async () => {
    expect((await lookUp('T8A1', tokens.T9!)).body.orders).toHaveLength(1);
    const asked = await ask(tokens.T9!, {
      request_id: 'till-T9-right-01',
      order_no: 'T8A1',
      refund_fee: 200,
    });
    expect(asked).toMatchObject({
      status: 200,
      body: { refund: { state: 'requested', requested_by: 'till T9' } },
    });
    const { body } = await getJson(`${hub.url}/api/terminals`, ADMIN);
    const right = Object.fromEntries(
      body.terminals.map((t: { terminal_id: string; refunds: boolean }) => [t.terminal_id, t.refunds]),
    );
    expect(right).toEqual({ QR1: false, T7: false, T8: false, T9: true });
    // The QR device's two refused tries (a lifted token at work?) are counted for the owner to see.
    const qr1 = body.terminals.find((t: { terminal_id: string }) => t.terminal_id === 'QR1');
    expect(qr1).toMatchObject({ refunds_refused: 2, refunds_refused_at: NOON });
    const t9 = body.terminals.find((t: { terminal_id: string }) => t.terminal_id === 'T9');
    expect(t9).toMatchObject({ refunds_refused: 0, refunds_refused_at: null });
  });

  it('a terminal enrolled before the right existed has none until the owner grants it', async () => {
    expect((await lookUp('T8A2', tokens.T7!)).status).toBe(403);
    expect(await setRefundRight(hub.pool, 'T7', { refunds: true, dailyCapFen: null })).toBe(true);
    expect((await lookUp('T8A2', tokens.T7!)).body.orders).toHaveLength(1);
    expect(await setRefundRight(hub.pool, 'T7', { refunds: false, dailyCapFen: null })).toBe(true);
    const asked = await ask(tokens.T7!, {
      request_id: 'till-T7-right-01',
      order_no: 'T8A2',
      refund_fee: 100,
    });
    expect(asked.body.error.code).toBe('hub_refund_not_granted');
    expect(await setRefundRight(hub.pool, 'NOSUCH', { refunds: true, dailyCapFen: null })).toBe(false);
  });

  it('the owner grants and takes back the right with the admin token', async () => {
    const grant = (body: unknown, token = ADMIN) =>
      postJson(`${hub.url}/api/terminals/refund-right`, body, token);
    expect((await grant({ terminal_id: 'T8', refunds: true }, tokens.T8)).status).toBe(401);
    expect((await lookUp('T8A1', tokens.T8!)).status).toBe(403);
    const granted = await grant({ terminal_id: 'T8', refunds: true, daily_refund_cap_fen: 5000 });
    expect(granted).toMatchObject({
      status: 200,
      body: { ok: true, terminal_id: 'T8', refunds: true, daily_refund_cap_fen: 5000 },
    });
    expect((await lookUp('T8A1', tokens.T8!)).status).toBe(200);
    expect((await grant({ terminal_id: 'T8', refunds: false })).body).toMatchObject({ refunds: false });
    expect((await lookUp('T8A1', tokens.T8!)).status).toBe(403);
    expect((await grant({ terminal_id: 'NOPE', refunds: true })).status).toBe(404);
    expect((await grant({ terminal_id: 'T8', refunds: false, daily_refund_cap_fen: 5000 })).status).toBe(400);
    expect((await grant({ terminal_id: 'T8', refunds: true, daily_refund_cap_fen: 0 })).status).toBe(400);
  });

  it('with a daily cap, a till asks at most that much per day, whatever the orders', async () => {
    expect(await setRefundRight(hub.pool, 'T7', { refunds: true, dailyCapFen: 1000 })).toBe(true);
    const first = await ask(tokens.T7!, {
      request_id: 'till-T7-cap-0001',
      order_no: 'T8A2',
      refund_fee: 700,
    });
    expect(first.status).toBe(200);
    const over = await ask(tokens.T7!, { request_id: 'till-T7-cap-0002', order_no: 'T8A3', refund_fee: 400 });
    expect(over).toMatchObject({
      status: 409,
      body: { error: { code: 'hub_refund_cap_reached', details: { daily_cap_fen: 1000, left_fen: 300 } } },
    });
    expect(await requestsOf('T8A3')).toEqual([]);
    // The same request again is answered as before, and does not count twice.
    const again = await ask(tokens.T7!, {
      request_id: 'till-T7-cap-0001',
      order_no: 'T8A2',
      refund_fee: 700,
    });
    expect(again.body.refund.out_refund_no).toBe(first.body.refund.out_refund_no);
    const rest = await ask(tokens.T7!, { request_id: 'till-T7-cap-0003', order_no: 'T8A3', refund_fee: 300 });
    expect(rest.status).toBe(200);
    // A request the selling till refused moved no money: it no longer counts against the cap.
    const full = await ask(tokens.T7!, { request_id: 'till-T7-cap-0004', order_no: 'T8A2', refund_fee: 100 });
    expect(full.body.error.details.left_fen).toBe(0);
    expect(await refuseRefund(hub.pool, 'T8', first.body.refund.out_refund_no, 'cash_refund', NOON)).toBe(
      true,
    );
    expect(
      (await ask(tokens.T7!, { request_id: 'till-T7-cap-0005', order_no: 'T8A2', refund_fee: 700 })).status,
    ).toBe(200);
    // The owner's own refunds are not the till's: no cap on the admin path.
    const owner = await postJson(
      `${hub.url}/api/refunds`,
      {
        request_id: 'owner-cap-00001',
        terminal_id: 'T8',
        order_no: 'T8A2',
        refund_fee: 2000,
        requested_by: 'owner',
      },
      ADMIN,
    );
    expect(owner.status).toBe(200);
  });
});
