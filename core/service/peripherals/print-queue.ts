/**
 * The print queue and the drawer log, in the journal (migration 4). A job is stored with its
 * ESC/POS bytes before it is sent, so a receipt that could not print (printer off, paper out) is
 * printed later exactly as it was made, and listed meanwhile. A job is never dropped: it stays
 * pending until printed.
 */

import type { DatabaseSync } from 'node:sqlite';
import type { PrintJobView } from '../../common/contract/peripherals-contract.ts';

/** What the contract shows of a print job (core/common/contract/peripherals-contract.ts). */
export type { PrintJobView };
export type PrintJobKind = PrintJobView['kind'];

export interface DrawerOpening {
  readonly at: number;
  readonly who: string | null;
  readonly reason: 'cash_sale' | 'manual';
  readonly order_no: string | null;
  readonly shift_id: string | null;
  readonly delivered: boolean;
}

interface JobRow {
  id: number;
  kind: string;
  ref: string | null;
  state: string;
  tries: number;
  last_error: string | null;
  created_at: number;
  printed_at: number | null;
}

function toView(row: JobRow): PrintJobView {
  return {
    id: Number(row.id),
    kind: row.kind as PrintJobKind,
    ref: row.ref,
    state: row.state as PrintJobView['state'],
    tries: Number(row.tries),
    last_error: row.last_error,
    created_at: Number(row.created_at),
    printed_at: row.printed_at === null ? null : Number(row.printed_at),
  };
}

export class PrintQueue {
  private readonly db: DatabaseSync;

  constructor(db: DatabaseSync) {
    this.db = db;
  }

  /** Stores a job; with a dedupe key already used, returns null (that receipt was made already). */
  add(
    job: { kind: PrintJobKind; ref: string | null; dedupeKey: string | null; bytes: Uint8Array },
    now: number,
  ): number | null {
    const result = this.db
      .prepare(
        `INSERT INTO print_jobs (kind, ref, dedupe_key, bytes, state, created_at, updated_at)
         VALUES (?, ?, ?, ?, 'pending', ?, ?) ON CONFLICT (dedupe_key) DO NOTHING`,
      )
      .run(job.kind, job.ref, job.dedupeKey, job.bytes, now, now);
    return Number(result.changes) === 0 ? null : Number(result.lastInsertRowid);
  }

  pending(): { id: number; bytes: Uint8Array }[] {
    return (
      this.db.prepare(`SELECT id, bytes FROM print_jobs WHERE state = 'pending' ORDER BY id`).all() as {
        id: number;
        bytes: Uint8Array;
      }[]
    ).map((row) => ({ id: Number(row.id), bytes: row.bytes }));
  }

  markPrinted(id: number, now: number): void {
    this.db
      .prepare(
        `UPDATE print_jobs SET state = 'printed', tries = tries + 1, printed_at = ?, updated_at = ?, last_error = NULL WHERE id = ?`,
      )
      .run(now, now, id);
  }

  markFailed(id: number, error: string, now: number): void {
    this.db
      .prepare('UPDATE print_jobs SET tries = tries + 1, last_error = ?, updated_at = ? WHERE id = ?')
      .run(error.slice(0, 300), now, id);
  }

  list(options: { state?: 'pending' | 'printed'; limit?: number } = {}): PrintJobView[] {
    const limit = options.limit ?? 50;
    const rows = options.state
      ? this.db
          .prepare(
            'SELECT id, kind, ref, state, tries, last_error, created_at, printed_at FROM print_jobs WHERE state = ? ORDER BY id DESC LIMIT ?',
          )
          .all(options.state, limit)
      : this.db
          .prepare(
            'SELECT id, kind, ref, state, tries, last_error, created_at, printed_at FROM print_jobs ORDER BY id DESC LIMIT ?',
          )
          .all(limit);
    return (rows as unknown as JobRow[]).map(toView);
  }

  /** Journals an opening before the pulse is sent (so a repeated event cannot open twice); returns its id. */
  recordDrawerOpening(opening: Omit<DrawerOpening, 'delivered'>): number {
    const result = this.db
      .prepare(
        'INSERT INTO drawer_openings (at, who, reason, order_no, shift_id, delivered) VALUES (?, ?, ?, ?, ?, 0)',
      )
      .run(opening.at, opening.who, opening.reason, opening.order_no, opening.shift_id);
    return Number(result.lastInsertRowid);
  }

  markDrawerDelivered(id: number): void {
    this.db.prepare('UPDATE drawer_openings SET delivered = 1 WHERE id = ?').run(id);
  }

  hasDrawerOpening(orderNo: string): boolean {
    return (
      this.db.prepare('SELECT 1 FROM drawer_openings WHERE order_no = ? LIMIT 1').get(orderNo) !== undefined
    );
  }

  drawerOpenings(shiftId: string): DrawerOpening[] {
    return (
      this.db
        .prepare(
          'SELECT at, who, reason, order_no, shift_id, delivered FROM drawer_openings WHERE shift_id = ? ORDER BY id',
        )
        .all(shiftId) as unknown as (Omit<DrawerOpening, 'delivered'> & { delivered: number })[]
    ).map((row) => ({ ...row, at: Number(row.at), delivered: Number(row.delivered) === 1 }));
  }
}
