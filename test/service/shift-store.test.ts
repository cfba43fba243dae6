/**
 * Shift queries run through the journal's watched statements: a storage fault while opening or
 * closing a shift turns the journal unhealthy (so no new charge starts) and surfaces typed.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { newOrderRecord } from '../../core/engine/order-input.ts';
import { JournalError } from '../../core/journal/journal-errors.ts';
import { SqliteJournal } from '../../core/journal/sqlite-journal.ts';
import { ShiftStore } from '../../core/service/shift-store.ts';

let dir: string;
let journal: SqliteJournal;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'scanpay-shifts-'));
  journal = new SqliteJournal(join(dir, 'journal.sqlite'));
});
afterEach(() => {
  journal.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('shift store', () => {
  it('opens and closes a shift with its 交班报表', () => {
    const shifts = new ShiftStore(journal);
    const opened = shifts.open('Ann', 5000, 1000);
    expect(shifts.current()?.shift_id).toBe(opened.shift_id);
    const report = shifts.close(5100, 2000);
    expect(report.closed_at).toBe(2000);
    expect(report.lines.find((l) => l.tender === 'cash')).toMatchObject({
      expected_fee: 5000,
      counted_fee: 5100,
      difference_fee: 100,
    });
    expect(shifts.current()).toBeNull();
  });

  it('blind count: only cash is counted; e-wallet totals come from the journal, never as a shortfall', () => {
    const shifts = new ShiftStore(journal);
    const shift = shifts.open('Ann', 10_000, 1000);
    const sale = (no: string, fee: number, tender: 'cash' | 'wxpay' | 'alipay') =>
      journal.insertOrder(
        newOrderRecord(
          { total_fee: fee, subject: 'Shop', shift_id: shift.shift_id },
          no,
          'p',
          1500,
          tender,
          1,
        ),
      );
    sale('C1', 2_000, 'cash');
    sale('W1', 1_288, 'wxpay');
    sale('A1', 3_500, 'alipay');
    const report = shifts.close(7_500, 2000);
    expect(report.lines).toEqual([
      {
        tender: 'cash',
        counted_by: 'cashier',
        expected_fee: 12_000,
        counted_fee: 7_500,
        difference_fee: -4_500,
      },
      { tender: 'wxpay', counted_by: 'journal', expected_fee: 1_288, counted_fee: 1_288, difference_fee: 0 },
      { tender: 'alipay', counted_by: 'journal', expected_fee: 3_500, counted_fee: 3_500, difference_fee: 0 },
    ]);
    expect(report.counted).toEqual({ cash: 7_500 });
  });

  it('refuses a cash count that is not whole fen, and the shift stays open', () => {
    const shifts = new ShiftStore(journal);
    shifts.open('Ann', 0, 1000);
    expect(() => shifts.close(12.5, 2000)).toThrow(expect.objectContaining({ code: 'amount_invalid' }));
    expect(() => shifts.close(-1, 2000)).toThrow(expect.objectContaining({ code: 'amount_invalid' }));
    expect(shifts.current()).not.toBeNull();
  });

  it('a full disk while keeping shifts makes the journal unhealthy and fails typed', () => {
    const shifts = new ShiftStore(journal);
    const { page_count } = journal.db.prepare('PRAGMA page_count').get() as { page_count: number };
    journal.db.exec(`PRAGMA max_page_count = ${page_count}`);
    let failure: unknown;
    for (let n = 0; n < 5000 && failure === undefined; n++) {
      try {
        shifts.open(`cashier ${'x'.repeat(200)} ${n}`, 100, n * 2);
        shifts.close(100, n * 2 + 1);
      } catch (error) {
        failure = error;
      }
    }
    expect(failure).toBeInstanceOf(JournalError);
    expect((failure as JournalError).code).toBe('journal_unavailable');
    expect(journal.health().ok).toBe(false);
    expect(journal.health().fault?.sqlite).toBe('SQLITE_FULL');
  });
});
