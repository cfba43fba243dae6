/**
 * A till whose hub setting is turned off and on again (issue 19's follow-up): the orders, attempts,
 * refunds and shift changes it made while off reach the hub when it is on again, each exactly once
 * and under that till, beside a second till that stayed connected. Real `scanpay serve` processes,
 * a real `scanpay hub` and a throwaway PostgreSQL cluster.
 */
import { describe, expect, it } from 'vitest';
import { enrolTerminal } from '../../core/hub/terminal-tokens.ts';
import {
  dataDirWith,
  eventually,
  getJson,
  type JsonReply,
  type Proc,
  postJson,
  startScanpay,
} from './hub-processes.ts';
import { hubStoreForTests, hubWaiting, sellInstant, startTill } from './hub-store.ts';

const ADMIN = 'admin-token-for-the-off-and-on-test-01';
const REFUND_KEY = 'refund-key-for-the-off-and-on-test-0001';
const store = hubStoreForTests('hub_off_on');
const startTerminal = (dir: string, hub?: { url: string; token: string }) => startTill(store, dir, hub);
const sell = (till: Proc, orderNo: string, fen: number) =>
  sellInstant(store, till, orderNo, fen, 'off and on');
const waiting = hubWaiting;

describe('a till whose hub is turned off and on again', () => {
  it('forwards every change made while off, exactly once, under that till', async () => {
    const t1Token = await enrolTerminal(store.pool, 'T1', Date.now());
    const t2Token = await enrolTerminal(store.pool, 'T2', Date.now());
    const hub = await startScanpay(['hub', '--port', '0', '--database', store.database], {
      SCANPAY_HUB_ADMIN_TOKEN: ADMIN,
    });
    const hubUrl = String(hub.line.url);
    const server = { api_keys: [{ id: 'office', key: REFUND_KEY, permissions: ['refund', 'query'] }] };
    const d1 = dataDirWith({ terminal_id: 'T1', server });
    const d2 = dataDirWith({ terminal_id: 'T2' });
    store.removeLater(d1.remove);
    store.removeLater(d2.remove);
    const t2 = await startTerminal(d2.dir, { url: hubUrl, token: t2Token });

    // On: T1 sells one order and it reaches the hub.
    let t1 = await startTerminal(d1.dir, { url: hubUrl, token: t1Token });
    await sell(t1, 'T1ON1', 301);
    await eventually('T1ON1 at the hub', async () => ((await waiting(t1)) === 0 ? true : undefined));
    await t1.stop();

    // Off: T1 sells, refunds the first sale and opens and closes a shift, with no hub configured.
    t1 = await startTerminal(d1.dir);
    await sell(t1, 'T1OFF1', 302);
    const refund = await postJson(
      `${t1.line.url}/api/refund`,
      { out_trade_no: 'T1ON1', refund_fee: 100 },
      REFUND_KEY,
    );
    expect(refund.body).toMatchObject({ code: 0 });
    const opened = await postJson(`${t1.line.url}/api/openShift`, { cashier: 'dee', float_fee: 0 });
    expect(opened.body.ok).toBe(true);
    const closed = await postJson(`${t1.line.url}/api/closeShift`, { counted: { cash: 0 } });
    expect(closed.body.ok).toBe(true);
    await sell(t2, 'T2DURING', 401);
    await t1.stop();

    // On again: all of it drains to the hub.
    t1 = await startTerminal(d1.dir, { url: hubUrl, token: t1Token });
    await eventually('T1 outbox drained', async () => ((await waiting(t1)) === 0 ? true : undefined));
    await eventually('T2 outbox drained', async () => ((await waiting(t2)) === 0 ? true : undefined));

    const { body } = await getJson(`${hubUrl}/api/orders?limit=1000`, ADMIN);
    const orders = (body.orders as JsonReply[])
      .map((o) => [o.terminal_id, o.order_no, o.status, o.refunded_fee])
      .sort();
    expect(orders).toEqual([
      ['T1', 'T1OFF1', 1, 0],
      ['T1', 'T1ON1', 2, 100], // 2: partly refunded
      ['T2', 'T2DURING', 1, 0],
    ]);
    const refunds = await store.pool.query(
      'SELECT terminal_id, order_no, refund_fee::int AS refund_fee FROM hub_refunds',
    );
    expect(refunds.rows).toEqual([{ terminal_id: 'T1', order_no: 'T1ON1', refund_fee: 100 }]);
    const shifts = await store.pool.query('SELECT terminal_id, cashier, closed_at FROM hub_shifts');
    expect(shifts.rows).toHaveLength(1);
    expect(shifts.rows[0]).toMatchObject({ terminal_id: 'T1', cashier: 'dee' });
    expect(shifts.rows[0].closed_at).not.toBeNull();

    // Exactly once: T1's seqs run 1..n with no gap (every change arrived) and no change twice.
    const changes = await store.pool.query(
      "SELECT seq::int AS seq, kind, ref, payload::text AS payload FROM hub_changes WHERE terminal_id = 'T1' ORDER BY seq",
    );
    const seqs = changes.rows.map((r) => r.seq);
    expect(seqs).toEqual(seqs.map((_, i) => i + 1));
    const distinct = new Set(changes.rows.map((r) => `${r.kind}|${r.ref}|${r.payload}`));
    expect(distinct.size).toBe(changes.rows.length);
    expect(changes.rows.filter((r) => r.kind === 'shift')).toHaveLength(2);

    await Promise.all([t1.stop(), t2.stop(), hub.stop()]);
  }, 120_000);
});
