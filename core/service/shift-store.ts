/**
 * Shifts: opened with a cash float, closed with a blind cash count → the 交班报表. The cashier counts
 * the drawer's cash only and is shown the expected cash and the over/short after the count (the UI
 * keeps it hidden before); WeChat and Alipay money is not in the drawer, so those lines are the
 * journal's totals, never a count. Cash sales are ordinary orders with tender `cash` (they need no
 * network, which is why they keep the till working offline). Totals are computed from the journal's
 * orders, so they cannot drift.
 * Every query runs through the journal's watched statements, so a full disk here stops new charges
 * like any other journal fault (core/journal/journal-health.ts).
 */
import { randomUUID } from 'node:crypto';
import type { ShiftTotals, ShiftView, Tender, ZReportView } from '../common/contract/views.ts';
import { ConflictError, ValidationError } from '../common/errors.ts';
import type { GuardedStatement } from '../journal/sqlite-journal.ts';

/** The journal's watched statements: every shift query goes through its storage-fault watch. */
export interface ShiftDatabase {
  watched(sql: string): GuardedStatement;
  /** The write and its hub outbox row in one transaction (core/journal/journal-outbox.ts). */
  withChange?(kind: 'shift', ref: string, at: number, work: () => void): void;
}

const TENDERS: readonly Tender[] = ['cash', 'wxpay', 'alipay'];

export class ShiftStore {
  private readonly db: ShiftDatabase;

  constructor(db: ShiftDatabase) {
    this.db = db;
    db.watched(`CREATE TABLE IF NOT EXISTS shifts (
      shift_id TEXT PRIMARY KEY, cashier TEXT NOT NULL, opened_at INTEGER NOT NULL, closed_at INTEGER,
      float_fee INTEGER NOT NULL, counted TEXT)`).run();
  }

  current(): ShiftView | null {
    const row = this.db
      .watched('SELECT * FROM shifts WHERE closed_at IS NULL ORDER BY opened_at DESC LIMIT 1')
      .get() as Record<string, unknown> | undefined;
    return row ? this.view(row) : null;
  }

  open(cashier: string, floatFee: number, now: number): ShiftView {
    if (this.current())
      throw new ConflictError('shift_already_open', 'a shift is already open: close it first');
    const shiftId = `S${now.toString(36).toUpperCase()}${randomUUID().slice(0, 4).toUpperCase()}`;
    this.write(shiftId, now, () =>
      this.db
        .watched('INSERT INTO shifts (shift_id, cashier, opened_at, float_fee) VALUES (?, ?, ?, ?)')
        .run(shiftId, cashier, now, floatFee),
    );
    return this.current()!;
  }

  /** Closes the open shift with the cash the cashier counted in the drawer (fen). */
  close(countedCashFee: number, now: number): ZReportView {
    if (!Number.isSafeInteger(countedCashFee) || countedCashFee < 0)
      throw new ValidationError('amount_invalid', 'the counted cash must be whole fen, 0 or more', {
        field: 'counted.cash',
      });
    const shift = this.current();
    if (!shift) throw new ConflictError('no_open_shift', 'no shift is open');
    const counted: Partial<Record<Tender, number>> = { cash: countedCashFee };
    this.write(shift.shift_id, now, () =>
      this.db
        .watched('UPDATE shifts SET closed_at = ?, counted = ? WHERE shift_id = ?')
        .run(now, JSON.stringify(counted), shift.shift_id),
    );
    return this.report(shift.shift_id)!;
  }

  /** A shift write, with its hub outbox row when the journal keeps one. */
  private write(shiftId: string, at: number, work: () => void): void {
    if (this.db.withChange) this.db.withChange('shift', shiftId, at, work);
    else work();
  }

  /** The newest closed shift's id (the receipt printer prints its report after a close). */
  lastClosedId(): string | null {
    const row = this.db
      .watched('SELECT shift_id FROM shifts WHERE closed_at IS NOT NULL ORDER BY closed_at DESC LIMIT 1')
      .get() as { shift_id: string } | undefined;
    return row ? String(row.shift_id) : null;
  }

  /** A closed shift's 交班报表, as close() returned it; null for an unknown or open shift. */
  report(shiftId: string): ZReportView | null {
    const row = this.db.watched('SELECT * FROM shifts WHERE shift_id = ?').get(shiftId) as
      | Record<string, unknown>
      | undefined;
    if (!row || row.closed_at === null) return null;
    const closed = this.view(row);
    const counted = closed.counted ?? {};
    const lines = TENDERS.map((tender) => {
      if (tender === 'cash') {
        const countedFee = counted.cash ?? 0;
        const expected = closed.expected_cash_fee;
        return {
          tender,
          counted_by: 'cashier' as const,
          expected_fee: expected,
          counted_fee: countedFee,
          difference_fee: countedFee - expected,
        };
      }
      // Shifts closed before the blind count may hold e-wallet counts; the journal's total is what
      // the provider holds, so the report shows it whatever was typed then.
      const net = closed.totals.find((t) => t.tender === tender)!.net_fee;
      return {
        tender,
        counted_by: 'journal' as const,
        expected_fee: net,
        counted_fee: net,
        difference_fee: 0,
      };
    });
    return { ...closed, lines };
  }

  private view(row: Record<string, unknown>): ShiftView {
    const shiftId = String(row.shift_id);
    const totals: ShiftTotals[] = TENDERS.map((tender) => {
      const sums = this.db
        .watched(
          `SELECT COUNT(*) AS n, COALESCE(SUM(total_fee), 0) AS sales, COALESCE(SUM(refunded_fee), 0) AS refunds
           FROM orders WHERE shift_id = ? AND tender = ? AND status IN (1, 2, 3)`, // isPaidStatus (core/common/order-status.ts)
        )
        .get(shiftId, tender) as { n: number; sales: number; refunds: number };
      return {
        tender,
        sales_count: Number(sums.n),
        sales_fee: Number(sums.sales),
        refunds_fee: Number(sums.refunds),
        net_fee: Number(sums.sales) - Number(sums.refunds),
      };
    });
    const floatFee = Number(row.float_fee);
    const cash = totals.find((t) => t.tender === 'cash')!;
    return {
      shift_id: shiftId,
      cashier: String(row.cashier),
      opened_at: Number(row.opened_at),
      closed_at: row.closed_at === null ? null : Number(row.closed_at),
      float_fee: floatFee,
      totals,
      expected_cash_fee: floatFee + cash.net_fee,
      counted: row.counted ? (JSON.parse(String(row.counted)) as Partial<Record<Tender, number>>) : null,
    };
  }
}
