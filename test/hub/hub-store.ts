/**
 * A store for the tests that run real tills against a real hub: a throwaway PostgreSQL cluster with
 * a migrated hub database and a `scanpay sandbox` (set up in beforeAll, torn down in afterAll with
 * every process and data dir the test registered), a till started on that sandbox, one instant
 * WeChat sale, and the till's "changes waiting for the hub".
 */
import pg from 'pg';
import { afterAll, beforeAll, expect } from 'vitest';
import { migrateHub } from '../../core/hub/hub-schema.ts';
import { type JsonReply, killAll, type Proc, postJson, startScanpay } from './hub-processes.ts';
import { type PgCluster, startPgCluster } from './pg-cluster.ts';

export interface HubStore {
  /** The hub database's address (for `scanpay hub --database`). */
  readonly database: string;
  readonly pool: pg.Pool;
  readonly sandboxUrl: string;
  /** Removed in afterAll (a data dir). */
  removeLater(remove: () => void): void;
}

/** Registers the set-up and tear-down hooks; the returned store is usable from the first test on. */
export function hubStoreForTests(databaseName: string): HubStore {
  let cluster: PgCluster | undefined;
  let database = '';
  let pool: pg.Pool | undefined;
  let sandbox: Proc | undefined;
  const removals: (() => void)[] = [];
  beforeAll(async () => {
    cluster = await startPgCluster();
    database = await cluster.createDatabase(databaseName);
    pool = new pg.Pool({ connectionString: database, max: 2 });
    await migrateHub(pool);
    sandbox = await startScanpay(['sandbox', '--port', '0']);
  });
  afterAll(async () => {
    killAll();
    await pool?.end();
    await cluster?.stop();
    for (const remove of removals) remove();
  });
  return {
    get database() {
      return database;
    },
    get pool() {
      return pool!;
    },
    get sandboxUrl() {
      return String(sandbox!.line.url);
    },
    removeLater: (remove) => removals.push(remove),
  };
}

/** `scanpay serve` on the store's sandbox, forwarding to `hub` when given. */
export function startTill(store: HubStore, dir: string, hub?: { url: string; token: string }): Promise<Proc> {
  const args = ['serve', '--port', '0', '--data', dir, '--sandbox', store.sandboxUrl];
  if (hub) args.push('--hub', hub.url, '--hub-token', hub.token);
  return startScanpay(args);
}

/** One instant WeChat sale of `fen` as order `orderNo`; asserts it is paid at the till. */
export async function sellInstant(
  store: HubStore,
  till: Proc,
  orderNo: string,
  fen: number,
  subject: string,
): Promise<void> {
  const code = await postJson(`${store.sandboxUrl}/_sandbox/wallet/codes`, {
    wallet: 'wxpay',
    behavior: 'instant',
  });
  const paid = await postJson(`${till.line.url}/api/createPayment`, {
    data: { out_trade_no: orderNo, total_fee: fen, subject, auth_code: code.body.authCode },
  });
  expect(paid.body).toMatchObject({ code: 0, attempt: { phase: 'paid' } });
}

/** How many changes the till says wait for the hub. */
export async function hubWaiting(till: Proc): Promise<JsonReply> {
  return (await postJson(`${till.line.url}/api/health`, {})).body.value.hub?.waiting;
}
