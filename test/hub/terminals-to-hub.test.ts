/**
 * Issue 19's end-to-end: two `scanpay serve` terminals on the built-in sandbox forward to one and
 * then two `scanpay hub` processes on a real PostgreSQL. The hub is SIGKILLed while a terminal
 * sells (selling goes on, the changes wait), that terminal is SIGKILLed with its changes still in
 * the outbox, both come back, and everything arrives; a batch delivered twice changes nothing; a
 * revoked terminal's sales stop arriving. Every order must be at the hub exactly once, paid, under
 * the terminal that sold it. (Two terminals reusing one order number is in hub-service.test.ts: on
 * one merchant the provider itself refuses a second out_trade_no.)
 */
import { describe, expect, it } from 'vitest';
import { enrolTerminal, revokeTerminal } from '../../core/hub/terminal-tokens.ts';
import {
  dataDirWith,
  eventually,
  getJson,
  type JsonReply,
  type Proc,
  postJson,
  startScanpay,
} from './hub-processes.ts';
import { hubStoreForTests, sellInstant, startTill } from './hub-store.ts';

const ADMIN = 'admin-token-for-the-e2e-hub-test-01';
const store = hubStoreForTests('hub_e2e');

function startHub(port = 0): Promise<Proc> {
  return startScanpay(['hub', '--port', String(port), '--database', store.database], {
    SCANPAY_HUB_ADMIN_TOKEN: ADMIN,
  });
}

const startTerminal = (dir: string, hub?: { url: string; token: string }) => startTill(store, dir, hub);
/** One instant WeChat sale of `fen` as order `orderNo`; asserts it is paid at the till. */
const sell = (terminal: Proc, orderNo: string, fen: number) =>
  sellInstant(store, terminal, orderNo, fen, 'hub test');

async function hubOrders(
  hubUrl: string,
): Promise<{ terminal_id: string; order_no: string; status: number; total_fee: number }[]> {
  const { body } = await getJson(`${hubUrl}/api/orders?limit=1000`, ADMIN);
  return body.orders;
}

async function health(terminal: Proc): Promise<JsonReply> {
  return (await postJson(`${terminal.line.url}/api/health`, {})).body.value;
}

describe('two terminals forwarding to the store hub', () => {
  it('every order arrives exactly once, paid, under the terminal that sold it', async () => {
    const sold: [string, string, number][] = [];
    const t1Token = await enrolTerminal(store.pool, 'T1', Date.now());
    const t2Token = await enrolTerminal(store.pool, 'T2', Date.now());
    const hubA = await startHub();
    const hubAUrl = String(hubA.line.url);
    const hubAPort = new URL(hubAUrl).port;
    const d1 = dataDirWith({ terminal_id: 'T1' });
    // T2 takes its hub from config.json rather than the command line.
    const d2 = dataDirWith({ terminal_id: 'T2', hub: { url: hubAUrl, token: t2Token } });
    store.removeLater(d1.remove);
    store.removeLater(d2.remove);
    let t1 = await startTerminal(d1.dir, { url: hubAUrl, token: t1Token });
    const t2 = await startTerminal(d2.dir);

    for (const [terminal, id] of [
      [t1, 'T1'],
      [t2, 'T2'],
    ] as const) {
      for (let i = 1; i <= 3; i++) {
        await sell(terminal, `${id}S${i}`, 100 * i + (id === 'T1' ? 1 : 2));
        sold.push([id, `${id}S${i}`, 100 * i + (id === 'T1' ? 1 : 2)]);
      }
    }
    await eventually('the first 6 orders at the hub', async () =>
      (await hubOrders(hubAUrl)).filter((o) => o.status === 1).length === 6 ? true : undefined,
    );

    // A second hub process on the same database answers the same, and takes writes too.
    const hubB = await startHub();
    expect((await hubOrders(String(hubB.line.url))).length).toBe(6);

    // Hub A dies while T1 keeps selling: the sales are paid at once and wait in T1's outbox.
    await hubA.kill();
    for (let i = 4; i <= 6; i++) {
      await sell(t1, `T1S${i}`, 100 * i + 1);
      sold.push(['T1', `T1S${i}`, 100 * i + 1]);
    }
    const waiting = await eventually('T1 to show changes waiting', async () => {
      const hub = (await health(t1)).hub;
      return hub && hub.waiting > 0 && hub.problem === 'unreachable' ? hub.waiting : undefined;
    });
    expect(waiting).toBeGreaterThanOrEqual(6);
    // …and T1 dies with them still in the outbox. Nothing of it is at the hub yet.
    await t1.kill();
    expect((await hubOrders(String(hubB.line.url))).some((o) => o.order_no === 'T1S4')).toBe(false);

    // Both come back (hub A on its old address); T1's outbox drains into it.
    const hubA2 = await startHub(Number(hubAPort));
    t1 = await startTerminal(d1.dir, { url: String(hubA2.line.url), token: t1Token });
    await eventually('T1 outbox drained', async () =>
      (await health(t1)).hub?.waiting === 0 ? true : undefined,
    );

    // The same changes delivered again (a crash after the hub's commit) store nothing new.
    const { rows } = await store.pool.query(
      "SELECT seq::int AS seq, kind, ref, payload, at::float8 AS at FROM hub_changes WHERE terminal_id = 'T1' ORDER BY seq",
    );
    const again = await postJson(
      `${hubB.line.url}/api/ingest`,
      {
        terminal_id: 'T1',
        status: { version: '0.1.0', ready: true, queue_length: 0, needs_attention: 0 },
        changes: rows,
      },
      t1Token,
    );
    expect(again.body).toMatchObject({ ok: true, stored: 0, duplicates: rows.length });

    // T2 is revoked: its next sale is paid at the till but never reaches the hub.
    await revokeTerminal(store.pool, 'T2', Date.now());
    await sell(t2, 'T2LATE', 999);
    await eventually('T2 to show its token refused', async () =>
      (await health(t2)).hub?.problem === 'token_refused' ? true : undefined,
    );

    const orders = await hubOrders(String(hubB.line.url));
    const seen = orders.map((o) => [o.terminal_id, o.order_no, o.total_fee]).sort();
    expect(seen).toEqual([...sold].sort());
    expect(orders.every((o) => o.status === 1)).toBe(true);
    const terminals = (await getJson(`${hubB.line.url}/api/terminals`, ADMIN)).body.terminals;
    // T2's last status before its revocation came from the till itself: health, scanners, printer.
    expect(terminals.find((t: { terminal_id: string }) => t.terminal_id === 'T2')).toMatchObject({
      revoked: true,
      version: '0.1.0',
      status: { ready: true, scanners: [], printer: null, config_version: 0 },
    });
    expect(terminals.find((t: { terminal_id: string }) => t.terminal_id === 'T1')).toMatchObject({
      version: '0.1.0',
      online: true,
      queue_length: 0,
    });

    await Promise.all([t1.stop(), t2.stop(), hubA2.stop(), hubB.stop()]);
  }, 120_000);
});
