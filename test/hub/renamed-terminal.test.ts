/**
 * A till whose terminal id is changed while changes it made under the old id still wait for the hub
 * (the hub was off): those changes must reach the hub under the id they were made under, never be
 * attributed to the new one. The till refuses to start under a new id while such changes wait
 * (terminal_id_changed), starts again under the old id to send them, then under the new id.
 * Real `scanpay serve` processes, a real `scanpay hub` and a throwaway PostgreSQL cluster.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { enrolTerminal } from '../../core/hub/terminal-tokens.ts';
import {
  dataDirWith,
  eventually,
  getJson,
  type JsonReply,
  type Proc,
  startScanpay,
} from './hub-processes.ts';
import { hubStoreForTests, hubWaiting, sellInstant, startTill } from './hub-store.ts';

const ADMIN = 'admin-token-for-the-renamed-terminal-01';
const store = hubStoreForTests('hub_renamed');
const startTerminal = (dir: string, hub?: { url: string; token: string }) => startTill(store, dir, hub);
const sell = (till: Proc, orderNo: string, fen: number) => sellInstant(store, till, orderNo, fen, 'renamed');
const waiting = hubWaiting;

describe('a till renamed while changes made under its old id wait for the hub', () => {
  it('sends them under the old id and refuses the new id until they are sent', async () => {
    const oldToken = await enrolTerminal(store.pool, 'T1', Date.now());
    const newToken = await enrolTerminal(store.pool, 'T9', Date.now());
    const hub = await startScanpay(['hub', '--port', '0', '--database', store.database], {
      SCANPAY_HUB_ADMIN_TOKEN: ADMIN,
    });
    const hubUrl = String(hub.line.url);
    const data = dataDirWith({ terminal_id: 'T1' });
    store.removeLater(data.remove);
    const rename = (terminalId: string) =>
      writeFileSync(join(data.dir, 'config.json'), JSON.stringify({ terminal_id: terminalId }));

    // T1 forwards one sale, then sells with its hub off: that change waits in the outbox.
    let till = await startTerminal(data.dir, { url: hubUrl, token: oldToken });
    await sell(till, 'T1ON', 301);
    await eventually('T1ON at the hub', async () => ((await waiting(till)) === 0 ? true : undefined));
    await till.stop();
    till = await startTerminal(data.dir);
    await sell(till, 'T1OFF', 302);
    await till.stop();

    // Renamed T9 (with T9's token) while T1OFF waits: refused, nothing sent under T9.
    rename('T9');
    await expect(startTerminal(data.dir, { url: hubUrl, token: newToken })).rejects.toThrow(
      /terminal_id_changed/,
    );
    // Refused without a hub too: the waiting changes would still go to the hub one day.
    await expect(startTerminal(data.dir)).rejects.toThrow(/terminal_id_changed/);
    const early = await store.pool.query(
      "SELECT count(*)::int AS n FROM hub_changes WHERE terminal_id = 'T9'",
    );
    expect(early.rows[0].n).toBe(0);

    // Back to T1 with its own token: the waiting changes go, under T1.
    rename('T1');
    till = await startTerminal(data.dir, { url: hubUrl, token: oldToken });
    await eventually('T1 outbox drained', async () => ((await waiting(till)) === 0 ? true : undefined));
    await till.stop();

    // Nothing waits: T9 starts, and what it sells is T9's.
    rename('T9');
    till = await startTerminal(data.dir, { url: hubUrl, token: newToken });
    await sell(till, 'T9NEW', 303);
    await eventually('T9NEW at the hub', async () => ((await waiting(till)) === 0 ? true : undefined));
    await till.stop();

    const { body } = await getJson(`${hubUrl}/api/orders?limit=1000`, ADMIN);
    const orders = (body.orders as JsonReply[]).map((o) => [o.terminal_id, o.order_no]).sort();
    expect(orders).toEqual([
      ['T1', 'T1OFF'],
      ['T1', 'T1ON'],
      ['T9', 'T9NEW'],
    ]);
    const attempts = await store.pool.query(
      'SELECT terminal_id, order_no FROM hub_attempts ORDER BY order_no',
    );
    expect(attempts.rows.map((r) => [r.terminal_id, r.order_no])).toEqual([
      ['T1', 'T1OFF'],
      ['T1', 'T1ON'],
      ['T9', 'T9NEW'],
    ]);
    await hub.stop();
  }, 180_000);
});
