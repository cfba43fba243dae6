/**
 * A till restored from a backup (docs/deploy.md "Restore") has an outbox whose seq is behind what
 * the hub already holds for it: the backup was taken before later changes were forwarded. The hub
 * stores each (terminal, seq) once, so the restored till's new changes, numbered again from the
 * backup's seq, would be taken for redeliveries and dropped for good. The hub tells a redelivery
 * (the same change) from a reused seq (another change) and answers the latter with its last seq;
 * the till numbers its waiting changes after it and sends them again. Nothing is lost or doubled.
 */
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningHub, startHub } from '../../core/hub/hub-server.ts';
import { enrolTerminal } from '../../core/hub/terminal-tokens.ts';
import { SqliteJournal } from '../../core/journal/sqlite-journal.ts';
import { startHubForwarder } from '../../core/service/hub-forwarder.ts';
import { firstMicropayAttempt, newOrderRecord } from '../fakes/journal-records.ts';
import { eventually } from './hub-processes.ts';
import { type PgCluster, startPgCluster } from './pg-cluster.ts';

let cluster: PgCluster;
let hub: RunningHub;
let token: string;
let dir: string;

beforeAll(async () => {
  cluster = await startPgCluster();
  hub = await startHub({
    databaseUrl: await cluster.createDatabase('hub_restored_seq'),
    adminToken: 'admin-token-for-the-restore-test-01',
    host: '127.0.0.1',
    port: 0,
    poolMax: 2,
  });
  token = await enrolTerminal(hub.pool, 'T1', Date.now());
  dir = mkdtempSync(join(tmpdir(), 'scanpay-restored-'));
});
afterAll(async () => {
  await hub?.close();
  await cluster?.stop();
  rmSync(dir, { recursive: true, force: true });
});

function sale(journal: SqliteJournal, orderNo: string, fee: number, at: number): void {
  const order = newOrderRecord(orderNo, fee, at);
  journal.createAttempt(order, firstMicropayAttempt(order, at), null, at);
}

/** Forwards until the outbox is empty (what the hub acknowledged leaves it). */
async function forwardAll(journal: SqliteJournal): Promise<void> {
  const forwarder = startHubForwarder({
    url: hub.url,
    token,
    terminalId: 'T1',
    outbox: journal,
    status: () => ({ version: 'test', ready: true, needs_attention: 0 }),
    logger: { info() {}, warn() {} },
    pollMs: 20,
    backoff: { initialMs: 20, maxMs: 50 },
  });
  try {
    await eventually(
      'the outbox emptied',
      async () => (journal.outboxCount() === 0 ? true : undefined),
      15_000,
    );
  } finally {
    await forwarder.stop();
  }
}

async function hubOrders(): Promise<string[]> {
  const { rows } = await hub.pool.query<{ order_no: string }>(
    "SELECT order_no FROM hub_orders WHERE terminal_id = 'T1' ORDER BY order_no",
  );
  return rows.map((r) => r.order_no);
}

describe('a till restored from a backup', () => {
  it("forwards the changes it makes after the restore, though their seqs were the hub's already", async () => {
    const path = join(dir, 'journal.sqlite');
    const backup = join(dir, 'backup.sqlite');
    let journal = new SqliteJournal(path, { outbox: true });
    sale(journal, 'T1A', 100, 1000);
    journal.close();
    copyFileSync(path, backup); // the nightly backup: T1A waiting in its outbox
    journal = new SqliteJournal(path, { outbox: true });
    sale(journal, 'T1B', 200, 2000);
    await forwardAll(journal);
    expect(await hubOrders()).toEqual(['T1A', 'T1B']);
    journal.close();

    // The disk fails; the backup is restored (docs/deploy.md "Restore") and the till sells again.
    copyFileSync(backup, path);
    journal = new SqliteJournal(path, { outbox: true });
    sale(journal, 'T1C', 300, 3000);
    await forwardAll(journal);
    expect(await hubOrders()).toEqual(['T1A', 'T1B', 'T1C']);
    // T1A's own changes came again: a redelivery, stored once.
    const { rows } = await hub.pool.query<{ n: string }>(
      "SELECT count(*) AS n FROM hub_changes WHERE terminal_id = 'T1' AND ref LIKE 'T1A%'",
    );
    expect(Number(rows[0]!.n)).toBe(2);
    // The sequence moved past the renumbered rows: a later change reuses no seq either.
    sale(journal, 'T1D', 400, 4000);
    await forwardAll(journal);
    expect(await hubOrders()).toEqual(['T1A', 'T1B', 'T1C', 'T1D']);
    journal.close();
  });
});
