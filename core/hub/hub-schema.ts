/**
 * The hub's PostgreSQL schema as numbered migrations, kept in `hub_schema` (one row per applied
 * step). Every start runs the steps it has not seen, all in ONE transaction that first takes
 * `pg_advisory_xact_lock(HUB_MIGRATION_LOCK)`: a second hub starting at the same moment waits on
 * the lock, then sees the steps as applied and runs none (PostgreSQL's DDL is transactional, so a
 * crash mid-migration leaves the schema as it was). A database from a newer hub is refused.
 * Hand-written rather than a migration library: a dozen lines on the `pg` pool, and the lock and
 * the single transaction are exactly the two properties asked of it.
 * https://www.postgresql.org/docs/current/functions-admin.html#FUNCTIONS-ADVISORY-LOCKS
 *
 * To change the schema: append a step with the next version; never edit a released step.
 */
import type { Pool, PoolClient } from 'pg';
import { HubError } from './hub-errors.ts';

export interface HubMigration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

/** Any fixed 64-bit key, the same in every hub release: "scanpay" in ASCII. */
export const HUB_MIGRATION_LOCK = 0x7363616e706179n;

export const HUB_MIGRATIONS: readonly HubMigration[] = [
  {
    version: 1,
    name: 'terminals, changes and the read tables (orders, attempts, refunds, shifts)',
    // hub_changes is the idempotency log: (terminal_id, seq) is the key a redelivery collides on.
    // The read tables keep the newest snapshot per row (`seq` decides: an older change that comes
    // late never overwrites a newer one). Money is integer fen, times are epoch milliseconds.
    sql: `
      CREATE TABLE hub_terminals (
        terminal_id TEXT PRIMARY KEY,
        token_hash TEXT UNIQUE,
        enrolled_at BIGINT NOT NULL,
        revoked_at BIGINT,
        last_seen BIGINT,
        last_seq BIGINT NOT NULL DEFAULT 0,
        version TEXT,
        status JSONB
      );
      CREATE TABLE hub_changes (
        terminal_id TEXT NOT NULL REFERENCES hub_terminals (terminal_id),
        seq BIGINT NOT NULL,
        kind TEXT NOT NULL,
        ref TEXT NOT NULL,
        payload JSONB NOT NULL,
        at BIGINT NOT NULL,
        received_at BIGINT NOT NULL,
        PRIMARY KEY (terminal_id, seq)
      );
      CREATE TABLE hub_orders (
        terminal_id TEXT NOT NULL,
        order_no TEXT NOT NULL,
        seq BIGINT NOT NULL,
        pid TEXT NOT NULL,
        total_fee BIGINT NOT NULL,
        subject TEXT NOT NULL,
        type TEXT NOT NULL,
        status INTEGER NOT NULL,
        tender TEXT,
        provider TEXT,
        transaction_id TEXT,
        paid_out_trade_no TEXT,
        paid_at BIGINT,
        refunded_fee BIGINT NOT NULL,
        cashier TEXT,
        shift_id TEXT,
        created_at BIGINT NOT NULL,
        updated_at BIGINT NOT NULL,
        PRIMARY KEY (terminal_id, order_no)
      );
      CREATE INDEX hub_orders_created ON hub_orders (created_at);
      CREATE TABLE hub_attempts (
        terminal_id TEXT NOT NULL,
        out_trade_no TEXT NOT NULL,
        seq BIGINT NOT NULL,
        order_no TEXT NOT NULL,
        attempt_index INTEGER NOT NULL,
        phase TEXT NOT NULL,
        final BOOLEAN NOT NULL,
        created_at BIGINT NOT NULL,
        updated_at BIGINT NOT NULL,
        PRIMARY KEY (terminal_id, out_trade_no)
      );
      CREATE INDEX hub_attempts_attention ON hub_attempts (terminal_id) WHERE phase = 'needs_attention';
      CREATE TABLE hub_refunds (
        terminal_id TEXT NOT NULL,
        out_refund_no TEXT NOT NULL,
        seq BIGINT NOT NULL,
        order_no TEXT NOT NULL,
        out_trade_no TEXT NOT NULL,
        refund_fee BIGINT NOT NULL,
        status TEXT NOT NULL,
        reason TEXT,
        refund_id TEXT,
        created_at BIGINT NOT NULL,
        updated_at BIGINT NOT NULL,
        PRIMARY KEY (terminal_id, out_refund_no)
      );
      CREATE TABLE hub_shifts (
        terminal_id TEXT NOT NULL,
        shift_id TEXT NOT NULL,
        seq BIGINT NOT NULL,
        cashier TEXT NOT NULL,
        opened_at BIGINT NOT NULL,
        closed_at BIGINT,
        float_fee BIGINT NOT NULL,
        counted JSONB,
        PRIMARY KEY (terminal_id, shift_id)
      );`,
  },
  {
    version: 2,
    name: 'store config versions',
    // Every published version is kept (the history is the rollback menu); the newest row is current.
    // `rolled_back_from` marks a version that re-publishes an older one's body.
    sql: `
      CREATE TABLE hub_store_configs (
        version INTEGER PRIMARY KEY,
        body JSONB NOT NULL,
        signature TEXT NOT NULL,
        note TEXT NOT NULL DEFAULT '',
        rolled_back_from INTEGER,
        created_at BIGINT NOT NULL
      );`,
  },
  {
    version: 3,
    name: 'refunds the hub starts',
    // The hub is the single writer of these: one row per owner's request (request_id is the
    // client's idempotency key), its out_refund_no chosen here once. The till that sold the order
    // carries it out with exactly that out_refund_no, so a repeated request, a redelivered answer
    // or a till restart can never refund twice (docs/scale.md, "Store-level refunds").
    sql: `
      CREATE TABLE hub_refund_requests (
        id SERIAL PRIMARY KEY,
        request_id TEXT NOT NULL UNIQUE,
        terminal_id TEXT NOT NULL REFERENCES hub_terminals (terminal_id),
        order_no TEXT NOT NULL,
        out_refund_no TEXT NOT NULL UNIQUE,
        refund_fee BIGINT NOT NULL CHECK (refund_fee > 0),
        reason TEXT,
        requested_by TEXT NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('requested', 'succeeded', 'failed', 'refused')),
        detail TEXT,
        created_at BIGINT NOT NULL,
        updated_at BIGINT NOT NULL
      );
      CREATE INDEX hub_refund_requests_open ON hub_refund_requests (terminal_id) WHERE state = 'requested';`,
  },
  {
    version: 4,
    name: 'reconciliation per merchant at the hub',
    // The newest result per merchant, provider and Beijing day (core/hub/hub-reconcile.ts).
    sql: `
      CREATE TABLE hub_reconcile_runs (
        pid TEXT NOT NULL,
        provider TEXT NOT NULL,
        bill_date TEXT NOT NULL,
        status TEXT NOT NULL,
        result JSONB NOT NULL,
        updated_at BIGINT NOT NULL,
        PRIMARY KEY (pid, provider, bill_date)
      );
      CREATE INDEX hub_orders_paid ON hub_orders (pid, provider, paid_at) WHERE paid_at IS NOT NULL;`,
  },
  {
    version: 5,
    name: 'refund right per terminal, its daily cap, and refund requests a till refused as unsigned',
    // may_refund decides whether a till's token may look up and ask refunds of other tills' sales
    // (core/hub/terminal-tokens.ts). Tills enrolled before this step get false: the hub cannot tell
    // a cashier till from an unattended QR device whose token sits on a device in a public place,
    // so the owner grants the right to each till that needs it (docs/scale.md, "Refund right").
    // refunds_refused counts a terminal's tries without the right (a lifted token at work?) for the owner.
    // asked_by is the till that asked a request (null: the owner), for the daily cap.
    // hub_refund_rejections: refund requests a till refused because their signature did not check
    // out (tampered or forged in transit), shown on the owner's page.
    sql: `
      ALTER TABLE hub_terminals ADD COLUMN may_refund BOOLEAN NOT NULL DEFAULT false;
      ALTER TABLE hub_terminals ADD COLUMN refund_daily_cap BIGINT CHECK (refund_daily_cap > 0);
      ALTER TABLE hub_terminals ADD COLUMN refunds_refused INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE hub_terminals ADD COLUMN refunds_refused_at BIGINT;
      ALTER TABLE hub_refund_requests ADD COLUMN asked_by TEXT;
      CREATE INDEX hub_refund_requests_asked ON hub_refund_requests (asked_by, created_at) WHERE asked_by IS NOT NULL;
      CREATE TABLE hub_refund_rejections (
        id SERIAL PRIMARY KEY,
        terminal_id TEXT NOT NULL REFERENCES hub_terminals (terminal_id),
        out_refund_no TEXT NOT NULL,
        order_no TEXT,
        refund_fee BIGINT,
        reason TEXT NOT NULL,
        at BIGINT NOT NULL
      );
      CREATE INDEX hub_refund_rejections_at ON hub_refund_rejections (at);`,
  },
  {
    version: 6,
    name: "an attempt's provider",
    // A second payment of an order (refunded from a till's 待处理 with refund_payment) may have gone
    // through another provider than the order's; its refund belongs to that provider's bill
    // (core/hub/hub-reconcile.ts). Null for attempts from tills older than the field: the order's
    // provider is used for them, as before.
    sql: 'ALTER TABLE hub_attempts ADD COLUMN provider TEXT;',
  },
];

export interface HubMigrationReport {
  readonly from: number;
  readonly to: number;
  readonly applied: readonly string[];
}

async function appliedVersion(client: PoolClient): Promise<number> {
  await client.query(
    'CREATE TABLE IF NOT EXISTS hub_schema (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())',
  );
  const { rows } = await client.query<{ v: number | null }>('SELECT max(version) AS v FROM hub_schema');
  return Number(rows[0]?.v ?? 0);
}

/** Brings the database to the newest step, under the advisory lock, in one transaction. */
export async function migrateHub(
  pool: Pool,
  migrations: readonly HubMigration[] = HUB_MIGRATIONS,
): Promise<HubMigrationReport> {
  migrations.forEach((m, i) => {
    if (m.version !== i + 1)
      throw new Error(`hub migration ${m.name} has version ${m.version}, expected ${i + 1}`);
  });
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock($1)', [HUB_MIGRATION_LOCK.toString()]);
    const from = await appliedVersion(client);
    if (from > migrations.length) {
      throw new HubError(
        'hub_schema_too_new',
        `the hub database is at schema version ${from} but this hub knows versions up to ${migrations.length}: ` +
          'a newer hub release wrote it. Run that release (or newer); nothing was changed.',
      );
    }
    const applied: string[] = [];
    for (const step of migrations.slice(from)) {
      await client.query(step.sql);
      await client.query('INSERT INTO hub_schema (version, name) VALUES ($1, $2)', [step.version, step.name]);
      applied.push(`${step.version} ${step.name}`);
    }
    await client.query('COMMIT');
    return { from, to: migrations.length, applied };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}
