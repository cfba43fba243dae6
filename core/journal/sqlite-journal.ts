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
 *
 * Its parts: the guarded statement cache and transactions (./journal-statements.ts), the row writes
 * (./journal-row-writes.ts), reading attempts back (./journal-attempt-reads.ts), the order list
 * (./journal-order-list.ts) and the hub outbox rows (./journal-outbox.ts).
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import type { TimelineEntry } from '../common/contract/views.ts';
import type { AttemptState } from '../domain/attempt-state.ts';
import type { CallbackRecord, OrderRecord, RefundRecord } from '../domain/order.ts';
import type { Journal, OrderFilter, OrderPatch } from '../ports/journal.ts';
import { readAttemptRow } from './journal-attempt-reads.ts';
import { FaultWatch, type JournalFault, type JournalHealth } from './journal-health.ts';
import { listOrderRows } from './journal-order-list.ts';
import { JournalOutbox, type OutboxKind, type OutboxRow } from './journal-outbox.ts';
import {
  insertAttemptRow,
  insertOrderRow,
  insertStep,
  patchOrderRow,
  putCallbackRow,
  updateAttemptRow,
  upsertRefundRow,
} from './journal-row-writes.ts';
import {
  ATTEMPT_ROW,
  RECENT_POLLED_ATTEMPTS,
  type Row,
  toCallback,
  toOrder,
  toRefund,
} from './journal-rows.ts';
import { type GuardedStatement, GuardedStatements, type Statements } from './journal-statements.ts';
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

export type { GuardedStatement } from './journal-statements.ts';

export class SqliteJournal implements Journal {
  readonly db: DatabaseSync;
  readonly migration: MigrationReport;
  private readonly statements: GuardedStatements;
  private readonly faults = new FaultWatch();
  private readonly hubOutbox: JournalOutbox;

  constructor(path: string, options: SqliteJournalOptions = {}) {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    this.db = new DatabaseSync(path);
    this.statements = new GuardedStatements(this.db, (work) => this.guard(work));
    try {
      this.db.exec('PRAGMA busy_timeout = 5000');
      options.beforeMigrate?.(this.db);
      this.db.exec(`PRAGMA synchronous = ${options.synchronous ?? 'FULL'}`);
      this.db.exec('PRAGMA foreign_keys = ON');
      // Before WAL: a journal this release refuses (newer, unrecognised) is left exactly as it was.
      this.migration = migrate(this.db);
      this.db.exec('PRAGMA journal_mode = WAL');
      this.hubOutbox = new JournalOutbox(
        this.stmt,
        (work) => this.transaction(work),
        options.outbox ?? false,
      );
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
    return this.statements.writes;
  }

  health(): JournalHealth {
    return this.faults.health();
  }

  /** Called once, at the first storage fault. */
  onFault(listener: (fault: JournalFault) => void): () => void {
    return this.faults.onFault(listener);
  }

  /** Damage found by the integrity check run apart (core/service/journal-watch.ts): new charges stop. */
  reportDamage(problems: readonly string[]): void {
    this.faults.report(
      'SQLITE_CORRUPT',
      `the journal's integrity check found damage (${problems.join('; ')}): new charges are stopped`,
      new Error(problems.join('; ')),
    );
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
  private readonly stmt: Statements = (sql) => this.statements.stmt(sql);

  /** Runs `work` in one IMMEDIATE transaction: all of it is durable, or none. */
  transaction<T>(work: () => T): T {
    return this.statements.transaction(work);
  }

  /** Inside a transaction: the hub outbox row for a row just changed (no-op if no hub was ever configured). */
  private changed(kind: OutboxKind, ref: string, at: number): void {
    this.hubOutbox.changed(kind, ref, at);
  }

  /** `work` alone when there is no outbox (as before); with one, `work` and its outbox rows in one transaction. */
  private withOutbox(work: () => void): void {
    if (this.hubOutbox.enabled) this.transaction(work);
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

  // The forwarder's and the service's side of the outbox (HubOutbox, OutboxTerminals): ./journal-outbox.ts.
  outboxBatch(limit: number): OutboxRow[] {
    return this.hubOutbox.batch(limit);
  }
  outboxAck(seq: number): void {
    this.hubOutbox.ack(seq);
  }
  outboxRenumber(firstReused: number, lastSeq: number): void {
    this.hubOutbox.renumber(firstReused, lastSeq);
  }
  outboxTerminals(): { terminalId: string; waiting: number }[] {
    return this.hubOutbox.terminals();
  }
  outboxUnder(terminalId: string): void {
    this.hubOutbox.under(terminalId);
  }
  outboxCount(): number {
    return this.hubOutbox.count();
  }

  createAttempt(order: OrderRecord, attempt: AttemptState, authCodeHash: string | null, at: number): void {
    this.faults.refuseNewCharge();
    this.transaction(() => {
      if (!this.getOrder(order.orderNo)) {
        insertOrderRow(this.stmt, order);
        this.changed('order', order.orderNo, at);
      }
      insertAttemptRow(this.stmt, attempt, authCodeHash);
      insertStep(
        this.stmt,
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
      insertOrderRow(this.stmt, order);
      this.changed('order', order.orderNo, order.updatedAt);
    });
  }

  recordIntent(outTradeNo: string, op: string, at: number): void {
    this.guard(() => insertStep(this.stmt, outTradeNo, at, 'intent', op, ''));
  }

  // The parameters are the port's (core/ports/journal.ts documents them), not a second copy of the list.
  recordOutcome(...[attempt, op, summary, orderPatch, callback]: Parameters<Journal['recordOutcome']>): void {
    this.transaction(() => {
      updateAttemptRow(this.stmt, attempt);
      insertStep(this.stmt, attempt.outTradeNo, attempt.updatedAt, 'outcome', op, summary);
      this.changed('attempt', attempt.outTradeNo, attempt.updatedAt);
      if (orderPatch) {
        patchOrderRow(this.stmt, attempt.orderNo, orderPatch, attempt.updatedAt);
        this.changed('order', attempt.orderNo, attempt.updatedAt);
      }
      if (callback) putCallbackRow(this.stmt, callback);
    });
  }

  recordOutcomeWithRefund(
    ...[attempt, op, summary, orderPatch, refund]: Parameters<Journal['recordOutcomeWithRefund']>
  ): void {
    this.transaction(() => {
      updateAttemptRow(this.stmt, attempt);
      insertStep(this.stmt, attempt.outTradeNo, attempt.updatedAt, 'outcome', op, summary);
      this.changed('attempt', attempt.outTradeNo, attempt.updatedAt);
      patchOrderRow(this.stmt, attempt.orderNo, orderPatch, attempt.updatedAt);
      this.changed('order', attempt.orderNo, attempt.updatedAt);
      upsertRefundRow(this.stmt, refund);
      this.changed('refund', refund.outRefundNo, refund.updatedAt);
    });
  }

  patchOrder(orderNo: string, patch: OrderPatch, at: number): void {
    this.withOutbox(() => {
      patchOrderRow(this.stmt, orderNo, patch, at);
      this.changed('order', orderNo, at);
    });
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

  /** A row → its attempt, an unreadable snapshot rebuilt and kept aside (./journal-attempt-reads.ts). */
  private toAttempt(row: Row): AttemptState {
    return readAttemptRow(
      this.stmt,
      (work) => this.guard(work),
      row,
      (orderNo) => this.getOrder(orderNo),
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
    return listOrderRows(this.db, (work) => this.guard(work), filter);
  }

  putRefund(refund: RefundRecord, orderPatch?: OrderPatch): void {
    this.transaction(() => {
      upsertRefundRow(this.stmt, refund);
      this.changed('refund', refund.outRefundNo, refund.updatedAt);
      if (orderPatch) {
        patchOrderRow(this.stmt, refund.orderNo, orderPatch, refund.updatedAt);
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

  refusedSettledRefunds(limit: number): RefundRecord[] {
    // Refunds are few next to steps: the failed ones are scanned, each checked through the
    // steps_attempt and refunds_order indexes (no schema change).
    return (
      this.stmt(
        `SELECT * FROM refunds r WHERE r.status = 'failed'
           AND EXISTS (SELECT 1 FROM steps s WHERE s.out_trade_no = r.out_trade_no AND s.op = 'settle_mark_refund')
           AND NOT EXISTS (SELECT 1 FROM refunds n WHERE n.order_no = r.order_no AND n.out_trade_no = r.out_trade_no
             AND (n.created_at > r.created_at OR (n.created_at = r.created_at AND n.out_refund_no > r.out_refund_no)))
           AND NOT EXISTS (SELECT 1 FROM steps c WHERE c.out_trade_no = r.out_trade_no
             AND c.op = 'settle_close_refund' AND c.at >= r.updated_at)
         ORDER BY r.updated_at, r.out_refund_no LIMIT ?`,
      ).all(limit) as Row[]
    ).map(toRefund);
  }

  putCallback(callback: CallbackRecord): void {
    this.guard(() => putCallbackRow(this.stmt, callback));
  }

  putCallbacks(callbacks: readonly CallbackRecord[]): void {
    if (callbacks.length === 0) return;
    this.transaction(() => {
      for (const callback of callbacks) putCallbackRow(this.stmt, callback);
    });
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
      putCallbackRow(this.stmt, callback);
      insertStep(this.stmt, step.outTradeNo, step.at, 'outcome', step.op, step.summary);
    });
  }

  close(): void {
    if (this.db.isOpen) this.db.close();
  }
}
