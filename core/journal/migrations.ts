/**
 * The journal's schema as numbered migrations keyed by `PRAGMA user_version`. At open, every step
 * newer than the file's version runs, all of them in one IMMEDIATE transaction together with the
 * new user_version, so a crash mid-migration leaves the journal exactly as it was. A journal from a
 * newer release is refused (it may hold states this code cannot resume). Release 0.1.0 created the
 * version-1 tables but left user_version at 0: such a file is recognised by its tables and adopted
 * as version 1, never re-created. Hand-written rather than a migration library: node:sqlite is
 * synchronous and built in, and the only libraries on npm for it expect a different driver.
 *
 * To change the schema: append a step with the next version; never edit a released step.
 */
import type { DatabaseSync } from 'node:sqlite';
import { JournalError } from './journal-errors.ts';
import { OUTBOX_MIGRATION_SQL, OUTBOX_TERMINAL_MIGRATION_SQL } from './journal-outbox.ts';
import { REFUSED_HUB_REFUNDS_SQL } from './refused-hub-refunds.ts';

export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly up: (db: DatabaseSync) => void;
}

/** Release 0.1.0's tables. `attempts.final` has a partial index so start-up recovery reads only the unresolved rows. */
const RELEASE_0_1_0_SQL = `
CREATE TABLE IF NOT EXISTS orders (
  order_no TEXT PRIMARY KEY,
  pid TEXT NOT NULL,
  total_fee INTEGER NOT NULL CHECK (total_fee > 0),
  subject TEXT NOT NULL,
  type TEXT NOT NULL,
  custom TEXT,
  other TEXT,
  status INTEGER NOT NULL DEFAULT 0,
  tender TEXT,
  provider TEXT,
  transaction_id TEXT,
  paid_out_trade_no TEXT,
  paid_at INTEGER,
  refunded_fee INTEGER NOT NULL DEFAULT 0 CHECK (refunded_fee >= 0 AND refunded_fee <= total_fee),
  cashier TEXT,
  shift_id TEXT,
  note TEXT,
  time_expire INTEGER,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS orders_created ON orders (created_at);
CREATE INDEX IF NOT EXISTS orders_transaction ON orders (transaction_id) WHERE transaction_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS orders_shift ON orders (shift_id) WHERE shift_id IS NOT NULL;

CREATE TABLE IF NOT EXISTS attempts (
  out_trade_no TEXT PRIMARY KEY,
  order_no TEXT NOT NULL REFERENCES orders (order_no),
  attempt_index INTEGER NOT NULL,
  auth_code_hash TEXT,
  phase TEXT NOT NULL,
  final INTEGER NOT NULL,
  state TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  UNIQUE (order_no, attempt_index)
);
CREATE INDEX IF NOT EXISTS attempts_unresolved ON attempts (final) WHERE final = 0;
CREATE INDEX IF NOT EXISTS attempts_order ON attempts (order_no);
CREATE INDEX IF NOT EXISTS attempts_code ON attempts (auth_code_hash, created_at) WHERE auth_code_hash IS NOT NULL;

CREATE TABLE IF NOT EXISTS steps (
  id INTEGER PRIMARY KEY,
  out_trade_no TEXT NOT NULL,
  at INTEGER NOT NULL,
  step TEXT NOT NULL,
  op TEXT NOT NULL,
  summary TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS steps_attempt ON steps (out_trade_no, id);

CREATE TABLE IF NOT EXISTS refunds (
  out_refund_no TEXT PRIMARY KEY,
  order_no TEXT NOT NULL REFERENCES orders (order_no),
  out_trade_no TEXT NOT NULL,
  refund_fee INTEGER NOT NULL CHECK (refund_fee > 0),
  status TEXT NOT NULL,
  reason TEXT,
  refund_id TEXT,
  failure TEXT,
  attempts INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS refunds_order ON refunds (order_no);
CREATE INDEX IF NOT EXISTS refunds_pending ON refunds (status) WHERE status = 'pending';

CREATE TABLE IF NOT EXISTS callbacks (
  order_no TEXT PRIMARY KEY REFERENCES orders (order_no),
  state TEXT NOT NULL,
  source TEXT NOT NULL,
  runs INTEGER NOT NULL,
  user_order_success INTEGER,
  last_error TEXT,
  next_run_at INTEGER NOT NULL DEFAULT 0,
  updated_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS callbacks_owed ON callbacks (state) WHERE state != 'done';
`;

/** The tables release 0.1.0 created (with user_version 0): their presence identifies such a journal. */
const RELEASE_0_1_0_TABLES = ['orders', 'attempts', 'steps', 'refunds', 'callbacks'] as const;

export const MIGRATIONS: readonly Migration[] = [
  { version: 1, name: 'release 0.1.0 schema', up: (db) => db.exec(RELEASE_0_1_0_SQL) },
  {
    version: 2,
    name: 'unreadable snapshots kept aside',
    // An attempt whose stored state cannot be parsed is parked for a human; its raw text is copied
    // here first so nothing is lost even if the engine later writes a new state for it.
    up: (db) =>
      db.exec(`CREATE TABLE unreadable_snapshots (
        out_trade_no TEXT PRIMARY KEY,
        state TEXT NOT NULL,
        reason TEXT NOT NULL,
        found_at INTEGER NOT NULL
      )`),
  },
  {
    version: 3,
    name: 'daily reconciliation against the providers bills',
    // One row per merchant, provider and Beijing day reconciled (its outcome and summary), one per
    // discrepancy found (an attention item: evidence, and once a supervisor decides, who, what and
    // why), and every decision appended to reconcile_decisions so a changed mind keeps its history.
    // reconcile_matched_elsewhere: sales and refunds a bill matched although the till booked them on
    // the neighbouring day (midnight between the two clocks), so that day does not report them missing.
    // core/reconcile/reconcile-store.ts reads and writes them.
    up: (db) =>
      db.exec(`
        CREATE TABLE reconcile_runs (
          pid TEXT NOT NULL,
          provider TEXT NOT NULL,
          bill_date TEXT NOT NULL,
          status TEXT NOT NULL,
          detail TEXT,
          summary TEXT,
          tries INTEGER NOT NULL DEFAULT 0,
          updated_at INTEGER NOT NULL,
          PRIMARY KEY (pid, provider, bill_date)
        );
        CREATE TABLE reconcile_items (
          id INTEGER PRIMARY KEY,
          pid TEXT NOT NULL,
          provider TEXT NOT NULL,
          bill_date TEXT NOT NULL,
          kind TEXT NOT NULL,
          out_trade_no TEXT NOT NULL,
          out_refund_no TEXT NOT NULL DEFAULT '',
          terminal_fen INTEGER,
          provider_fen INTEGER,
          reason TEXT NOT NULL,
          evidence TEXT NOT NULL,
          state TEXT NOT NULL DEFAULT 'open',
          resolved_by TEXT,
          resolution_note TEXT,
          resolved_at INTEGER,
          found_at INTEGER NOT NULL,
          UNIQUE (pid, provider, bill_date, kind, out_trade_no, out_refund_no)
        );
        CREATE INDEX reconcile_items_day ON reconcile_items (bill_date, pid, provider);
        CREATE INDEX reconcile_items_open ON reconcile_items (state) WHERE state = 'open';
        CREATE TABLE reconcile_decisions (
          id INTEGER PRIMARY KEY,
          item_id INTEGER NOT NULL REFERENCES reconcile_items (id),
          action TEXT NOT NULL,
          decided_by TEXT NOT NULL,
          note TEXT NOT NULL,
          at INTEGER NOT NULL
        );
        CREATE TABLE reconcile_matched_elsewhere (
          pid TEXT NOT NULL,
          provider TEXT NOT NULL,
          ref TEXT NOT NULL,
          bill_date TEXT NOT NULL,
          PRIMARY KEY (pid, provider, ref)
        );
        CREATE INDEX orders_paid_at ON orders (provider, paid_at) WHERE paid_at IS NOT NULL;
      `),
  },
  {
    version: 4,
    name: 'print jobs and drawer openings',
    // Receipts that could not print wait here (with their bytes) until the printer returns;
    // `dedupe_key` makes a repeated paid/refund event print once. Every drawer opening is kept
    // with who and why, for the 交班报表 (core/service/peripherals/).
    up: (db) =>
      db.exec(`CREATE TABLE print_jobs (
        id INTEGER PRIMARY KEY,
        kind TEXT NOT NULL,
        ref TEXT,
        dedupe_key TEXT UNIQUE,
        bytes BLOB NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('pending', 'printed')),
        tries INTEGER NOT NULL DEFAULT 0,
        last_error TEXT,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        printed_at INTEGER
      );
      CREATE INDEX print_jobs_pending ON print_jobs (id) WHERE state = 'pending';
      CREATE TABLE drawer_openings (
        id INTEGER PRIMARY KEY,
        at INTEGER NOT NULL,
        who TEXT,
        reason TEXT NOT NULL,
        order_no TEXT,
        shift_id TEXT,
        delivered INTEGER NOT NULL
      );
      CREATE INDEX drawer_openings_shift ON drawer_openings (shift_id) WHERE shift_id IS NOT NULL;`),
  },
  {
    version: 5,
    name: 'hub outbox',
    // Changes waiting to be forwarded to the store hub, each with the terminal's own sequence
    // number (./journal-outbox.ts): written in the transaction of the change they describe.
    up: (db) => db.exec(OUTBOX_MIGRATION_SQL),
  },
  {
    version: 6,
    name: 'outbox rows keep their terminal id',
    // Each change waiting for the hub is sent under the terminal id it was made under, not the one
    // in force when it is sent (./journal-outbox.ts). Rows from before this step hold NULL, read as
    // "the current id": the service stamps them with its terminal id at its next start, before the
    // id can have changed since (core/service/hub-outbox-terminal.ts).
    up: (db) => db.exec(OUTBOX_TERMINAL_MIGRATION_SQL),
  },
  {
    version: 7,
    name: 'paid callback progress',
    // What a paid callback already did (a motor started) before a later step threw: kept with its
    // row, so a retry after a restart does not do it again (core/service/paid-actions). And whether
    // a supervisor ordered the run after it was held (core/engine/held-paid-actions.ts). Rows from
    // before this step recorded nothing (NULL, 0).
    up: (db) =>
      db.exec(`ALTER TABLE callbacks ADD COLUMN progress TEXT;
        ALTER TABLE callbacks ADD COLUMN run_by_person INTEGER NOT NULL DEFAULT 0;`),
  },
  {
    version: 8,
    name: 'refused hub refund requests',
    // The store hub's refund requests this till refused, until their hand-out's expiry: a captured
    // hand-out replayed after a restart is refused again, never made (./refused-hub-refunds.ts).
    // Written only on a refusal, never on a payment.
    up: (db) => db.exec(REFUSED_HUB_REFUNDS_SQL),
  },
];

export interface MigrationReport {
  /** user_version found (0 for a new file and for release 0.1.0). */
  readonly from: number;
  readonly to: number;
  /** Release 0.1.0's tables were found and taken as version 1. */
  readonly adopted: boolean;
  readonly applied: readonly string[];
}

function userVersion(db: DatabaseSync): number {
  const row = db.prepare('PRAGMA user_version').get() as { user_version: number };
  return Number(row.user_version);
}

function tableNames(db: DatabaseSync): Set<string> {
  const rows = db
    .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
    .all() as { name: string }[];
  return new Set(rows.map((row) => row.name));
}

/** Brings `db` to the newest version in `migrations` (sorted, versions 1..n without gaps). */
export function migrate(db: DatabaseSync, migrations: readonly Migration[] = MIGRATIONS): MigrationReport {
  migrations.forEach((m, i) => {
    if (m.version !== i + 1)
      throw new Error(`migration ${m.name} has version ${m.version}, expected ${i + 1}`);
  });
  const latest = migrations.length;
  db.exec('BEGIN IMMEDIATE');
  try {
    const from = userVersion(db);
    if (from > latest) {
      throw new JournalError(
        'journal_too_new',
        `the journal is at schema version ${from} but this release knows versions up to ${latest}: ` +
          'it was written by a newer release of ScanPay Kiosk. Install that release again (or newer); ' +
          'nothing was changed.',
        { found: from, supported: latest },
      );
    }
    let current = from;
    let adopted = false;
    const tables = tableNames(db);
    if (current === 0 && tables.size > 0) {
      const missing = RELEASE_0_1_0_TABLES.filter((t) => !tables.has(t));
      if (missing.length > 0) {
        throw new JournalError(
          'journal_unrecognised',
          `the journal has tables but no schema version, and lacks ${missing.join(', ')}: ` +
            'it is not a journal this release can adopt. Nothing was changed.',
          { missing },
        );
      }
      current = 1;
      adopted = true;
    }
    const applied: string[] = [];
    for (const step of migrations.slice(current)) {
      step.up(db);
      applied.push(`${step.version} ${step.name}`);
    }
    if (latest !== from) db.exec(`PRAGMA user_version = ${latest}`);
    db.exec('COMMIT');
    return { from, to: latest, adopted, applied };
  } catch (error) {
    if (db.isTransaction) db.exec('ROLLBACK');
    throw error;
  }
}
