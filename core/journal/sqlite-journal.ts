/**
 * The Journal on node:sqlite (built into Node 24: no native addon to rebuild for Electron).
 * WAL with synchronous=FULL: a write that returned survives a power cut, which is the point of
 * writing the intent before each provider call. Attempt state is stored as a versioned JSON
 * snapshot (./attempt-snapshot.ts) beside the indexed columns recovery and search need; the
 * schema is brought up to date by ./migrations.ts at open.
 *
 * Storage faults (disk full, I/O error, corruption) at run time are caught here: the journal turns
 * unhealthy (`health()`, `onFault`), every later new charge is refused with `journal_unavailable`
 * before anything reaches a provider, and the error is passed on typed, its cause attached.
 * Opening with the data directory's integrity checks is ./open-journal.ts.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseSync, type SQLInputValue, type StatementSync } from 'node:sqlite';
import type { TimelineEntry } from '../common/contract/views.ts';
import type { AttemptState } from '../domain/attempt-state.ts';
import { isFinal } from '../domain/attempt-state.ts';
import type { CallbackRecord, OrderRecord, RefundRecord } from '../domain/order.ts';
import type { Journal, OrderFilter, OrderPatch } from '../ports/journal.ts';
import { encodeSnapshot, parseSnapshot, rebuildUnreadable } from './attempt-snapshot.ts';
import { FaultWatch, type JournalFault, type JournalHealth } from './journal-health.ts';
import {
  appendOutbox,
  backfillOutbox,
  OUTBOX_ACK_SQL,
  OUTBOX_BATCH_SQL,
  OUTBOX_COUNT_SQL,
  type OutboxKind,
  type OutboxRow,
  outboxStarted,
  renumberOutbox,
  toOutboxRow,
} from './journal-outbox.ts';
import {
  ATTEMPT_ROW,
  RECENT_POLLED_ATTEMPTS,
  type Row,
  toCallback,
  toOrder,
  toRefund,
} from './journal-rows.ts';
import { type MigrationReport, migrate } from './migrations.ts';

export interface SqliteJournalOptions {
  /** 'FULL' (default) survives power loss; 'NORMAL' only process crashes (benchmarks compare both). */
  readonly synchronous?: 'FULL' | 'NORMAL' | 'OFF';
  /** Runs on the open connection before any migration writes (open-journal.ts's integrity check). */
  readonly beforeMigrate?: (db: DatabaseSync) => void;
  /**
   * Append every order, attempt and refund change to the hub outbox (./journal-outbox.ts), in the
   * change's own transaction. On when the terminal forwards to a hub, and also without one once a
   * hub was ever configured (outboxStarted: the changes made while it is off are kept for it).
   */
  readonly outbox?: boolean;
}

export type { JournalFault, JournalHealth } from './journal-health.ts';

/** A prepared statement whose every run goes through the journal's fault watch. */
export interface GuardedStatement {
  run(...params: SQLInputValue[]): ReturnType<StatementSync['run']>;
  get(...params: SQLInputValue[]): unknown;
  all(...params: SQLInputValue[]): unknown[];
  /**
   * Rows one at a time (a cursor), each step through the fault guard; the query starts at the first
   * step. The statement is cached per SQL: read the rows out before running the same SQL again.
   */
  iterate(...params: SQLInputValue[]): IterableIterator<unknown>;
}

export class SqliteJournal implements Journal {
  readonly db: DatabaseSync;
  readonly migration: MigrationReport;
  private readonly statements = new Map<string, GuardedStatement>();
  private readonly faults = new FaultWatch();
  private writes = 0;
  private outbox: boolean;

  constructor(path: string, options: SqliteJournalOptions = {}) {
    this.outbox = options.outbox ?? false;
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    this.db = new DatabaseSync(path);
    try {
      this.db.exec('PRAGMA busy_timeout = 5000');
      options.beforeMigrate?.(this.db);
      this.db.exec(`PRAGMA synchronous = ${options.synchronous ?? 'FULL'}`);
      this.db.exec('PRAGMA foreign_keys = ON');
      // Before WAL: a journal this release refuses (newer, unrecognised) is left exactly as it was.
      this.migration = migrate(this.db);
      this.db.exec('PRAGMA journal_mode = WAL');
      // First time this journal forwards to a hub: queue the history it already has (once).
      if (this.outbox) this.transaction(() => backfillOutbox((sql) => this.stmt(sql)));
      else this.outbox = outboxStarted((sql) => this.stmt(sql));
    } catch (error) {
      this.db.close();
      throw error;
    }
  }

  /**
   * Durable writes since open: COMMITs plus statements run outside a transaction (each its own
   * commit, its own fsync under synchronous=FULL). Tests and benches count a payment's fsyncs by it.
   */
  get durableWrites(): number {
    return this.writes;
  }

  health(): JournalHealth {
    return this.faults.health();
  }

  /** Called once, at the first storage fault. */
  onFault(listener: (fault: JournalFault) => void): () => void {
    return this.faults.onFault(listener);
  }

  private guard<T>(work: () => T): T {
    return this.faults.guard(work);
  }

  /**
   * A watched statement for a store that keeps its own table in this database (shifts): a storage
   * fault there marks the journal unhealthy like any other journal write.
   */
  watched(sql: string): GuardedStatement {
    return this.stmt(sql);
  }

  /** A cached prepared statement whose every run goes through the fault guard (reads too). */
  private stmt(sql: string): GuardedStatement {
    let statement = this.statements.get(sql);
    if (!statement) {
      const prepared = this.guard(() => this.db.prepare(sql));
      statement = {
        run: (...params) =>
          this.guard(() => {
            const result = prepared.run(...params);
            if (!this.db.isTransaction) this.writes++;
            return result;
          }),
        get: (...params) => this.guard(() => prepared.get(...params)),
        all: (...params) => this.guard(() => prepared.all(...params)),
        iterate: (...params) => this.guardedRows(() => prepared.iterate(...params)),
      };
      this.statements.set(sql, statement);
    }
    return statement;
  }

  private *guardedRows(start: () => Iterator<unknown>): IterableIterator<unknown> {
    const rows = this.guard(start);
    try {
      for (;;) {
        const step = this.guard(() => rows.next());
        if (step.done) return;
        yield step.value;
      }
    } finally {
      rows.return?.();
    }
  }

  /** Runs `work` in one IMMEDIATE transaction: all of it is durable, or none. */
  transaction<T>(work: () => T): T {
    return this.guard(() => {
      this.db.exec('BEGIN IMMEDIATE');
      try {
        const result = work();
        this.db.exec('COMMIT');
        this.writes++;
        return result;
      } catch (error) {
        if (this.db.isTransaction) this.db.exec('ROLLBACK');
        throw error;
      }
    });
  }

  /** Inside a transaction: the hub outbox row for a row just changed (no-op if no hub was ever configured). */
  private changed(kind: OutboxKind, ref: string, at: number): void {
    if (this.outbox) appendOutbox((sql) => this.stmt(sql), kind, ref, at);
  }

  /** `work` alone when there is no outbox (as before); with one, `work` and its outbox rows in one transaction. */
  private withOutbox(work: () => void): void {
    if (this.outbox) this.transaction(work);
    else this.guard(work);
  }

  /**
   * `work` (a write to a table another store keeps here: shifts) and the outbox row for the row it
   * changed, in one transaction; `work` alone when there is no hub.
   */
  withChange(kind: OutboxKind, ref: string, at: number, work: () => void): void {
    this.withOutbox(() => {
      work();
      this.changed(kind, ref, at);
    });
  }

  /** The oldest `limit` changes waiting for the hub, in seq order. */
  outboxBatch(limit: number): OutboxRow[] {
    return (this.stmt(OUTBOX_BATCH_SQL).all(limit) as Row[]).map(toOutboxRow);
  }

  /** The hub acknowledged every change up to `seq`: they leave the outbox (their seqs are never reused). */
  outboxAck(seq: number): void {
    this.stmt(OUTBOX_ACK_SQL).run(seq);
  }

  /** The hub refused reused seqs (a restored journal): number the waiting rows after its last (journal-outbox.ts). */
  outboxRenumber(firstReused: number, lastSeq: number): void {
    this.transaction(() => renumberOutbox((sql) => this.stmt(sql), firstReused, lastSeq));
  }

  outboxCount(): number {
    return Number((this.stmt(OUTBOX_COUNT_SQL).get() as Row).n);
  }

  createAttempt(order: OrderRecord, attempt: AttemptState, authCodeHash: string | null, at: number): void {
    this.faults.refuseNewCharge();
    this.transaction(() => {
      if (!this.getOrder(order.orderNo)) {
        this.insertOrderRow(order);
        this.changed('order', order.orderNo, at);
      }
      this.stmt(
        `INSERT INTO attempts (out_trade_no, order_no, attempt_index, auth_code_hash, phase, final, state, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(
        attempt.outTradeNo,
        attempt.orderNo,
        attempt.attemptIndex,
        authCodeHash,
        attempt.phase,
        isFinal(attempt) ? 1 : 0,
        encodeSnapshot(attempt),
        attempt.createdAt,
        attempt.updatedAt,
      );
      this.insertStep(
        attempt.outTradeNo,
        at,
        'intent',
        attempt.mode === 'qr' ? 'precreate' : 'charge',
        `${attempt.provider} ${attempt.totalFee} fen`,
      );
      this.changed('attempt', attempt.outTradeNo, at);
    });
  }

  insertOrder(order: OrderRecord): void {
    this.withOutbox(() => {
      this.insertOrderRow(order);
      this.changed('order', order.orderNo, order.updatedAt);
    });
  }

  private insertOrderRow(order: OrderRecord): void {
    this.stmt(
      `INSERT INTO orders (order_no, pid, total_fee, subject, type, custom, other, status, tender, provider, transaction_id,
         paid_out_trade_no, paid_at, refunded_fee, cashier, shift_id, note, time_expire, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      order.orderNo,
      order.pid,
      order.totalFee,
      order.subject,
      order.type,
      order.custom === undefined ? null : JSON.stringify(order.custom),
      order.other ? JSON.stringify(order.other) : null,
      order.status,
      order.tender,
      order.provider,
      order.transactionId,
      order.paidOutTradeNo,
      order.paidAt,
      order.refundedFee,
      order.cashier,
      order.shiftId,
      order.note,
      order.timeExpire,
      order.createdAt,
      order.updatedAt,
    );
  }

  private insertStep(
    outTradeNo: string,
    at: number,
    step: 'intent' | 'outcome',
    op: string,
    summary: string,
  ): void {
    this.stmt('INSERT INTO steps (out_trade_no, at, step, op, summary) VALUES (?, ?, ?, ?, ?)').run(
      outTradeNo,
      at,
      step,
      op,
      summary,
    );
  }

  recordIntent(outTradeNo: string, op: string, at: number): void {
    this.guard(() => this.insertStep(outTradeNo, at, 'intent', op, ''));
  }

  // The parameters are the port's (core/ports/journal.ts documents them), not a second copy of the list.
  recordOutcome(...[attempt, op, summary, orderPatch, callback]: Parameters<Journal['recordOutcome']>): void {
    this.transaction(() => {
      this.stmt(
        'UPDATE attempts SET phase = ?, final = ?, state = ?, updated_at = ? WHERE out_trade_no = ?',
      ).run(
        attempt.phase,
        isFinal(attempt) ? 1 : 0,
        encodeSnapshot(attempt),
        attempt.updatedAt,
        attempt.outTradeNo,
      );
      this.insertStep(attempt.outTradeNo, attempt.updatedAt, 'outcome', op, summary);
      this.changed('attempt', attempt.outTradeNo, attempt.updatedAt);
      if (orderPatch) {
        this.patchOrderRow(attempt.orderNo, orderPatch, attempt.updatedAt);
        this.changed('order', attempt.orderNo, attempt.updatedAt);
      }
      if (callback) this.putCallbackRow(callback);
    });
  }

  patchOrder(orderNo: string, patch: OrderPatch, at: number): void {
    this.withOutbox(() => {
      this.patchOrderRow(orderNo, patch, at);
      this.changed('order', orderNo, at);
    });
  }

  private patchOrderRow(orderNo: string, patch: OrderPatch, at: number): void {
    const columns: Record<keyof OrderPatch, string> = {
      status: 'status',
      provider: 'provider',
      tender: 'tender',
      transactionId: 'transaction_id',
      paidOutTradeNo: 'paid_out_trade_no',
      paidAt: 'paid_at',
      refundedFee: 'refunded_fee',
    };
    const sets: string[] = [];
    const values: SQLInputValue[] = [];
    for (const [key, column] of Object.entries(columns) as [keyof OrderPatch, string][]) {
      if (patch[key] !== undefined) {
        sets.push(`${column} = ?`);
        values.push(patch[key] as SQLInputValue);
      }
    }
    sets.push('updated_at = ?');
    values.push(at, orderNo);
    this.stmt(`UPDATE orders SET ${sets.join(', ')} WHERE order_no = ?`).run(...values);
  }

  getOrder(orderNo: string): OrderRecord | undefined {
    const row = this.stmt('SELECT * FROM orders WHERE order_no = ?').get(orderNo) as Row | undefined;
    return row ? toOrder(row) : undefined;
  }

  findOrder(ref: string): OrderRecord | undefined {
    const direct = this.getOrder(ref);
    if (direct) return direct;
    const viaAttempt = this.stmt('SELECT order_no FROM attempts WHERE out_trade_no = ?').get(ref) as
      | Row
      | undefined;
    if (viaAttempt) return this.getOrder(String(viaAttempt.order_no));
    const viaTransaction = this.stmt('SELECT * FROM orders WHERE transaction_id = ?').get(ref) as
      | Row
      | undefined;
    return viaTransaction ? toOrder(viaTransaction) : undefined;
  }

  getAttempt(outTradeNo: string): AttemptState | undefined {
    const row = this.guard(() => this.stmt(`${ATTEMPT_ROW} WHERE out_trade_no = ?`).get(outTradeNo)) as
      | Row
      | undefined;
    return row ? this.toAttempt(row) : undefined;
  }

  attemptsOf(orderNo: string): AttemptState[] {
    const rows = this.guard(() =>
      this.stmt(`${ATTEMPT_ROW} WHERE order_no = ? ORDER BY attempt_index`).all(orderNo),
    ) as Row[];
    return rows.map((row) => this.toAttempt(row));
  }

  recentPolledAttempts(orders: number): AttemptState[] {
    const rows = this.guard(() => this.stmt(RECENT_POLLED_ATTEMPTS).all(orders)) as Row[];
    return rows.map((row) => this.toAttempt(row));
  }

  unresolvedAttempts(): AttemptState[] {
    const rows = this.guard(() =>
      this.stmt(`${ATTEMPT_ROW} WHERE final = 0 ORDER BY created_at`).all(),
    ) as Row[];
    return rows.map((row) => this.toAttempt(row));
  }

  attemptWithCodeSince(authCodeHash: string, since: number): AttemptState | undefined {
    const row = this.guard(() =>
      this.stmt(
        `${ATTEMPT_ROW} WHERE auth_code_hash = ? AND created_at >= ? ORDER BY created_at DESC LIMIT 1`,
      ).get(authCodeHash, since),
    ) as Row | undefined;
    return row ? this.toAttempt(row) : undefined;
  }

  /** Attempts whose stored snapshot could not be read (kept as they were in `unreadable_snapshots`). */
  unreadableSnapshots(): { outTradeNo: string; reason: string; foundAt: number }[] {
    return (
      this.stmt(
        'SELECT out_trade_no, reason, found_at FROM unreadable_snapshots ORDER BY found_at',
      ).all() as Row[]
    ).map((row) => ({
      outTradeNo: String(row.out_trade_no),
      reason: String(row.reason),
      foundAt: Number(row.found_at),
    }));
  }

  /**
   * A row → its attempt. An unreadable snapshot becomes an attempt rebuilt from the columns, its
   * order and its intent step (./attempt-snapshot.ts); the raw text is copied aside first, so even
   * a later write by the engine (a supervisor's retry) loses nothing.
   */
  private toAttempt(row: Row): AttemptState {
    const text = String(row.state);
    const reading = parseSnapshot(text);
    if (reading.ok) return reading.state;
    const outTradeNo = String(row.out_trade_no);
    this.guard(() =>
      this.stmt(
        'INSERT OR IGNORE INTO unreadable_snapshots (out_trade_no, state, reason, found_at) VALUES (?, ?, ?, ?)',
      ).run(outTradeNo, text, reading.reason, Date.now()),
    );
    const intent = this.stmt(
      "SELECT op, summary FROM steps WHERE out_trade_no = ? AND step = 'intent' ORDER BY id LIMIT 1",
    ).get(outTradeNo) as Row | undefined;
    return rebuildUnreadable(
      {
        outTradeNo,
        orderNo: String(row.order_no),
        attemptIndex: Number(row.attempt_index),
        phase: String(row.phase),
        final: Number(row.final) === 1,
        createdAt: Number(row.created_at),
        updatedAt: Number(row.updated_at),
        text,
        order: this.getOrder(String(row.order_no)),
        intent: intent ? { op: String(intent.op), summary: String(intent.summary) } : undefined,
      },
      reading.reason,
    );
  }

  timeline(orderNo: string): TimelineEntry[] {
    const rows = this.stmt(
      `SELECT s.at, s.out_trade_no, s.step, s.op, s.summary FROM steps s
       JOIN attempts a ON a.out_trade_no = s.out_trade_no WHERE a.order_no = ? ORDER BY s.id`,
    ).all(orderNo) as Row[];
    return rows.map((row) => ({
      at: Number(row.at),
      out_trade_no: String(row.out_trade_no),
      step: row.step === 'intent' ? 'intent' : 'outcome',
      op: String(row.op),
      summary: String(row.summary),
    }));
  }

  listOrders(filter: OrderFilter): { orders: OrderRecord[]; total: number } {
    const where: string[] = [];
    const values: SQLInputValue[] = [];
    const add = (condition: string, value: SQLInputValue | undefined) => {
      if (value === undefined) return;
      where.push(condition);
      values.push(value);
    };
    add('created_at >= ?', filter.from);
    add('created_at < ?', filter.to);
    add('status = ?', filter.status);
    add('tender = ?', filter.tender);
    add('cashier = ?', filter.cashier);
    add('shift_id = ?', filter.shiftId);
    if (filter.search !== undefined) {
      where.push(
        '(order_no = ? OR transaction_id = ? OR order_no IN (SELECT order_no FROM attempts WHERE out_trade_no = ?))',
      );
      values.push(filter.search, filter.search, filter.search);
    }
    const clause = where.length > 0 ? `WHERE ${where.join(' AND ')}` : '';
    const total = Number(
      (this.guard(() => this.db.prepare(`SELECT COUNT(*) AS n FROM orders ${clause}`).get(...values)) as Row)
        .n,
    );
    const rows = this.guard(() =>
      this.db
        .prepare(`SELECT * FROM orders ${clause} ORDER BY created_at DESC, order_no DESC LIMIT ? OFFSET ?`)
        .all(...values, filter.limit, filter.offset),
    ) as Row[];
    return { orders: rows.map(toOrder), total };
  }

  putRefund(refund: RefundRecord, orderPatch?: OrderPatch): void {
    this.transaction(() => {
      this.stmt(
        `INSERT INTO refunds (out_refund_no, order_no, out_trade_no, refund_fee, status, reason, refund_id, failure, attempts, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT(out_refund_no) DO UPDATE SET status = excluded.status, refund_id = excluded.refund_id,
           failure = excluded.failure, attempts = excluded.attempts, updated_at = excluded.updated_at`,
      ).run(
        refund.outRefundNo,
        refund.orderNo,
        refund.outTradeNo,
        refund.refundFee,
        refund.status,
        refund.reason,
        refund.refundId,
        refund.failure ? JSON.stringify(refund.failure) : null,
        refund.attempts,
        refund.createdAt,
        refund.updatedAt,
      );
      this.changed('refund', refund.outRefundNo, refund.updatedAt);
      if (orderPatch) {
        this.patchOrderRow(refund.orderNo, orderPatch, refund.updatedAt);
        this.changed('order', refund.orderNo, refund.updatedAt);
      }
    });
  }

  refundsOf(orderNo: string): RefundRecord[] {
    return (
      this.stmt('SELECT * FROM refunds WHERE order_no = ? ORDER BY created_at, out_refund_no').all(
        orderNo,
      ) as Row[]
    ).map(toRefund);
  }

  getRefund(outRefundNo: string): RefundRecord | undefined {
    const row = this.stmt('SELECT * FROM refunds WHERE out_refund_no = ?').get(outRefundNo) as
      | Row
      | undefined;
    return row ? toRefund(row) : undefined;
  }

  pendingRefunds(): RefundRecord[] {
    return (
      this.stmt("SELECT * FROM refunds WHERE status = 'pending' ORDER BY created_at").all() as Row[]
    ).map(toRefund);
  }

  putCallback(callback: CallbackRecord): void {
    this.guard(() => this.putCallbackRow(callback));
  }

  putCallbacks(callbacks: readonly CallbackRecord[]): void {
    if (callbacks.length === 0) return;
    this.transaction(() => {
      for (const callback of callbacks) this.putCallbackRow(callback);
    });
  }

  private putCallbackRow(callback: CallbackRecord): void {
    this.stmt(
      `INSERT INTO callbacks (order_no, state, source, runs, user_order_success, last_error, next_run_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT(order_no) DO UPDATE SET state = excluded.state, source = excluded.source, runs = excluded.runs,
         user_order_success = excluded.user_order_success, last_error = excluded.last_error,
         next_run_at = excluded.next_run_at, updated_at = excluded.updated_at`,
    ).run(
      callback.orderNo,
      callback.state,
      callback.source,
      callback.runs,
      callback.userOrderSuccess === null ? null : callback.userOrderSuccess ? 1 : 0,
      callback.lastError,
      callback.nextRunAt,
      callback.updatedAt,
    );
  }

  getCallback(orderNo: string): CallbackRecord | undefined {
    const row = this.stmt('SELECT * FROM callbacks WHERE order_no = ?').get(orderNo) as Row | undefined;
    return row ? toCallback(row) : undefined;
  }

  owedCallbacks(): CallbackRecord[] {
    return (
      this.stmt("SELECT * FROM callbacks WHERE state != 'done' ORDER BY updated_at").all() as Row[]
    ).map(toCallback);
  }

  heldCallbacks(): CallbackRecord[] {
    return (
      this.stmt(
        "SELECT * FROM callbacks WHERE state = 'done' AND user_order_success IS NULL AND last_error IS NOT NULL ORDER BY updated_at",
      ).all() as Row[]
    ).map(toCallback);
  }

  recordCallbackDecision(
    callback: CallbackRecord,
    step: { readonly outTradeNo: string; readonly op: string; readonly summary: string; readonly at: number },
  ): void {
    this.transaction(() => {
      this.putCallbackRow(callback);
      this.insertStep(step.outTradeNo, step.at, 'outcome', step.op, step.summary);
    });
  }

  close(): void {
    if (this.db.isOpen) this.db.close();
  }
}
