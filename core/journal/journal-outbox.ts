/**
 * The hub outbox (journal migration 5, issue 19): every change to an order, attempt or refund
 * appends one row here holding a JSON snapshot of the changed row, written by SQLite itself
 * (json_object over the row) inside the SAME transaction as the change, so a change and its outbox
 * row are durable together or not at all, and no extra commit is added per payment. `seq` is an
 * AUTOINCREMENT key: per terminal (one journal per terminal), strictly increasing, never reused
 * after rows are deleted, which is what makes delivery idempotent at the hub on (terminal_id, seq).
 *
 * Shifts (whose table core/service/shift-store.ts creates) go the same way, through
 * SqliteJournal.withChange. Rows are written from the moment the terminal is first pointed at a hub
 * (config `hub`) and from then on whether the hub is configured or not (outboxStarted): a till whose
 * hub setting is turned off and on again forwards every change made in between, exactly once,
 * because those changes already hold their seq. A till never pointed at a hub writes none (its
 * outbox cannot grow); when it first is, backfillOutbox queues what it already has, once (an outbox
 * that never held a row has no sqlite_sequence entry: that entry is the "a hub was configured" mark,
 * kept by SQLite in the same transactions, so it needs no table of its own). The forwarder
 * (core/service/hub-forwarder.ts) reads them in seq order and deletes them once the hub has
 * acknowledged them. What a snapshot holds, and why some columns stay home: docs/scale.md.
 *
 * Each row keeps the terminal id it was made under (journal migration "outbox rows keep their
 * terminal id"), so a change is sent under that id even if the id changed before it was sent; NULL
 * (rows from before that migration, or written by a tool that opened the journal without an id)
 * means the current id, and the service stamps such rows with its own at start. A till refuses to
 * start under another id while rows of the old one wait (core/service/hub-outbox-terminal.ts,
 * docs/scale.md "A till's terminal id").
 */
import type { SQLInputValue } from 'node:sqlite';

export const OUTBOX_MIGRATION_SQL = `CREATE TABLE outbox (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  kind TEXT NOT NULL CHECK (kind IN ('order', 'attempt', 'refund', 'shift')),
  ref TEXT NOT NULL,
  payload TEXT NOT NULL,
  at INTEGER NOT NULL
)`;

/**
 * Journal migration "outbox rows keep their terminal id": the id a row was made under (NULL: from
 * before that migration, the current id).
 */
export const OUTBOX_TERMINAL_MIGRATION_SQL = 'ALTER TABLE outbox ADD COLUMN terminal_id TEXT';

export type OutboxKind = 'order' | 'attempt' | 'refund' | 'shift';

export interface OutboxRow {
  readonly seq: number;
  readonly kind: OutboxKind;
  readonly ref: string;
  /** The changed row's snapshot as JSON text. */
  readonly payload: string;
  readonly at: number;
  /** The terminal id the change was made under; null: the current one. */
  readonly terminalId: string | null;
}

interface Runner {
  run(...params: SQLInputValue[]): unknown;
}

/**
 * The snapshot columns per kind. Orders leave `custom`, `other` and `note` at the till (free text an
 * integrator may fill with customer data); attempts leave their state snapshot (provider replies)
 * but name their provider: a second payment of an order may have gone through another provider than
 * the order's, and the hub's reconciliation puts its refund in that provider's bill.
 */
const SNAPSHOT_SQL: Record<OutboxKind, string> = {
  order: `INSERT INTO outbox (kind, ref, payload, at, terminal_id)
    SELECT 'order', order_no, json_object('order_no', order_no, 'pid', pid, 'total_fee', total_fee,
      'subject', subject, 'type', type, 'status', status, 'tender', tender, 'provider', provider,
      'transaction_id', transaction_id, 'paid_out_trade_no', paid_out_trade_no, 'paid_at', paid_at,
      'refunded_fee', refunded_fee, 'cashier', cashier, 'shift_id', shift_id,
      'created_at', created_at, 'updated_at', updated_at), ?, ?
    FROM orders WHERE order_no = ?`,
  attempt: `INSERT INTO outbox (kind, ref, payload, at, terminal_id)
    SELECT 'attempt', out_trade_no, json_object('out_trade_no', out_trade_no, 'order_no', order_no,
      'attempt_index', attempt_index, 'phase', phase, 'final', final,
      'provider', json_extract(state, '$.provider'),
      'created_at', created_at, 'updated_at', updated_at), ?, ?
    FROM attempts WHERE out_trade_no = ?`,
  refund: `INSERT INTO outbox (kind, ref, payload, at, terminal_id)
    SELECT 'refund', out_refund_no, json_object('out_refund_no', out_refund_no, 'order_no', order_no,
      'out_trade_no', out_trade_no, 'refund_fee', refund_fee, 'status', status, 'reason', reason,
      'refund_id', refund_id, 'attempts', attempts, 'created_at', created_at, 'updated_at', updated_at), ?, ?
    FROM refunds WHERE out_refund_no = ?`,
  shift: `INSERT INTO outbox (kind, ref, payload, at, terminal_id)
    SELECT 'shift', shift_id, json_object('shift_id', shift_id, 'cashier', cashier, 'opened_at', opened_at,
      'closed_at', closed_at, 'float_fee', float_fee, 'counted', json(counted)), ?, ?
    FROM shifts WHERE shift_id = ?`,
};

/** Every row of `kind` already in the journal, oldest first (the first-enrolment backfill). */
const BACKFILL_SQL: Record<OutboxKind, string> = {
  order: 'SELECT order_no AS ref, updated_at AS at FROM orders ORDER BY created_at, order_no',
  attempt: 'SELECT out_trade_no AS ref, updated_at AS at FROM attempts ORDER BY created_at, out_trade_no',
  refund: 'SELECT out_refund_no AS ref, updated_at AS at FROM refunds ORDER BY created_at, out_refund_no',
  shift:
    'SELECT shift_id AS ref, COALESCE(closed_at, opened_at) AS at FROM shifts ORDER BY opened_at, shift_id',
};

interface Reader {
  all(...params: SQLInputValue[]): unknown[];
  get(...params: SQLInputValue[]): unknown;
}

/**
 * Whether this journal has ever written an outbox row (a hub was configured at some start): from
 * then on every change is written, hub or not, so nothing made while the hub is off is lost.
 */
export function outboxStarted(stmt: (sql: string) => Reader): boolean {
  return stmt("SELECT 1 AS y FROM sqlite_sequence WHERE name = 'outbox'").get() !== undefined;
}

/**
 * Queues the whole history once, when the outbox has never held a row and the journal has some.
 * Call inside a transaction. Returns how many rows were queued.
 */
export function backfillOutbox(stmt: (sql: string) => Runner & Reader): number {
  if (outboxStarted(stmt)) return 0;
  const hasShifts = stmt("SELECT 1 AS y FROM sqlite_master WHERE type = 'table' AND name = 'shifts'").get();
  let queued = 0;
  for (const kind of ['order', 'attempt', 'refund', 'shift'] as const) {
    if (kind === 'shift' && !hasShifts) continue;
    for (const row of stmt(BACKFILL_SQL[kind]).all() as { ref: string; at: number }[]) {
      appendOutbox(stmt, kind, String(row.ref), Number(row.at), null);
      queued += 1;
    }
  }
  return queued;
}

/**
 * Appends the outbox row for one changed row, made under `terminalId` (null: the current id). Call
 * inside the transaction that changed it, after the change (the snapshot is read from the row as it
 * now stands).
 */
export function appendOutbox(
  stmt: (sql: string) => Runner,
  kind: OutboxKind,
  ref: string,
  at: number,
  terminalId: string | null,
): void {
  stmt(SNAPSHOT_SQL[kind]).run(at, terminalId, ref);
}

export const OUTBOX_BATCH_SQL =
  'SELECT seq, kind, ref, payload, at, terminal_id FROM outbox ORDER BY seq LIMIT ?';
/** The terminal ids the waiting rows were made under, with how many each (NULL rows left out). */
export const OUTBOX_TERMINALS_SQL =
  'SELECT terminal_id, COUNT(*) AS n FROM outbox WHERE terminal_id IS NOT NULL GROUP BY terminal_id ORDER BY terminal_id';
/** Rows with no terminal id (from before that migration, or a tool's) take the id the service runs under. */
export const OUTBOX_STAMP_SQL = 'UPDATE outbox SET terminal_id = ? WHERE terminal_id IS NULL';
export const OUTBOX_ACK_SQL = 'DELETE FROM outbox WHERE seq <= ?';
export const OUTBOX_COUNT_SQL = 'SELECT COUNT(*) AS n FROM outbox';

/**
 * The hub holds seqs up to `lastSeq` and `firstReused` was one of them for another change (a journal
 * restored from a backup numbers again from the backup's seq): the waiting rows below `firstReused`
 * are changes the hub already holds (they leave), those from it on are numbered after `lastSeq`,
 * and the sequence moves past them so no later row reuses a seq either. Call inside a transaction.
 */
export function renumberOutbox(stmt: (sql: string) => Runner, firstReused: number, lastSeq: number): void {
  stmt('DELETE FROM outbox WHERE seq < ?').run(firstReused);
  const shift = lastSeq + 1 - firstReused;
  if (shift <= 0) return;
  // Through negative values: SQLite checks the key row by row, and seq + shift may still be taken.
  stmt('UPDATE outbox SET seq = -(seq + ?) WHERE seq >= ?').run(shift, firstReused);
  stmt('UPDATE outbox SET seq = -seq WHERE seq < 0').run();
  stmt(
    "UPDATE sqlite_sequence SET seq = max(seq, ?, (SELECT coalesce(max(seq), 0) FROM outbox)) WHERE name = 'outbox'",
  ).run(lastSeq);
}

export function toOutboxRow(row: Record<string, SQLInputValue>): OutboxRow {
  return {
    seq: Number(row.seq),
    kind: String(row.kind) as OutboxKind,
    ref: String(row.ref),
    payload: String(row.payload),
    at: Number(row.at),
    terminalId: row.terminal_id === null || row.terminal_id === undefined ? null : String(row.terminal_id),
  };
}

/**
 * The outbox as a journal keeps it (SqliteJournal holds one): whether rows are written, the terminal
 * id they are made under, and the reads, deletes and renumbering the forwarder asks for.
 */
export class JournalOutbox {
  private on: boolean;
  /** The terminal id new rows are made under (under()); null until the service says. */
  private terminalId: string | null = null;
  private readonly stmt: (sql: string) => Runner & Reader;
  private readonly transaction: <T>(work: () => T) => T;

  /** `enabled`: the terminal forwards to a hub now; rows are also written once it ever did (outboxStarted). */
  constructor(
    stmt: (sql: string) => Runner & Reader,
    transaction: <T>(work: () => T) => T,
    enabled: boolean,
  ) {
    this.stmt = stmt;
    this.transaction = transaction;
    this.on = enabled;
    // First time this journal forwards to a hub: queue the history it already has (once).
    if (this.on) this.transaction(() => backfillOutbox(this.stmt));
    else this.on = outboxStarted(this.stmt);
  }

  /** Whether changes are written to the outbox (a hub was configured at some start). */
  get enabled(): boolean {
    return this.on;
  }

  /** Inside the change's transaction: its outbox row, when rows are written. */
  changed(kind: OutboxKind, ref: string, at: number): void {
    if (this.on) appendOutbox(this.stmt, kind, ref, at, this.terminalId);
  }

  /** The oldest `limit` changes waiting for the hub, in seq order. */
  batch(limit: number): OutboxRow[] {
    return (this.stmt(OUTBOX_BATCH_SQL).all(limit) as Record<string, SQLInputValue>[]).map(toOutboxRow);
  }

  /** The hub acknowledged every change up to `seq`: they leave the outbox (their seqs are never reused). */
  ack(seq: number): void {
    this.stmt(OUTBOX_ACK_SQL).run(seq);
  }

  /** The hub refused reused seqs (a restored journal): number the waiting rows after its last (renumberOutbox). */
  renumber(firstReused: number, lastSeq: number): void {
    this.transaction(() => renumberOutbox(this.stmt, firstReused, lastSeq));
  }

  count(): number {
    return Number((this.stmt(OUTBOX_COUNT_SQL).get() as { n: number }).n);
  }

  /** The terminal ids the waiting changes were made under, and how many each (rows without one left out). */
  terminals(): { terminalId: string; waiting: number }[] {
    return (this.stmt(OUTBOX_TERMINALS_SQL).all() as Record<string, SQLInputValue>[]).map((row) => ({
      terminalId: String(row.terminal_id),
      waiting: Number(row.n),
    }));
  }

  /**
   * From now on the rows are made under `terminalId`, and the waiting rows made under no id (from
   * before the terminal-id migration, or by a tool) take it (core/service/hub-outbox-terminal.ts).
   */
  under(terminalId: string): void {
    this.terminalId = terminalId;
    // A journal that never wrote a row has none to stamp: no write at every start of a till without a hub.
    if (this.on) this.stmt(OUTBOX_STAMP_SQL).run(terminalId);
  }
}
