/**
 * The journal's prepared statements, cached per SQL, each run through the fault watch
 * (./journal-health.ts), and its IMMEDIATE transactions; counts the durable writes (COMMITs plus
 * statements run outside a transaction, each its own fsync under synchronous=FULL). SqliteJournal
 * (./sqlite-journal.ts) runs every statement through here.
 */
import type { DatabaseSync, SQLInputValue, StatementSync } from 'node:sqlite';

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

/** The journal's cached statements by SQL, for the modules that write rows for it. */
export type Statements = (sql: string) => GuardedStatement;

export class GuardedStatements {
  private readonly statements = new Map<string, GuardedStatement>();
  private readonly db: DatabaseSync;
  private readonly guard: <T>(work: () => T) => T;
  /** Durable writes since open (SqliteJournal.durableWrites). */
  writes = 0;

  constructor(db: DatabaseSync, guard: <T>(work: () => T) => T) {
    this.db = db;
    this.guard = guard;
  }

  /** A cached prepared statement whose every run goes through the fault guard (reads too). */
  stmt(sql: string): GuardedStatement {
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
}
