/**
 * Shift queries run through the journal's watched statements: a storage fault while opening or
 * closing a shift turns the journal unhealthy (so no new charge starts) and surfaces typed.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
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
  it('opens and closes a shift with its Z report', () => {
    const shifts = new ShiftStore(journal);
    const opened = shifts.open('Ann', 5000, 1000);
    expect(shifts.current()?.shift_id).toBe(opened.shift_id);
    const report = shifts.close({ cash: 5100 }, 2000);
    expect(report.closed_at).toBe(2000);
    expect(report.lines.find((l) => l.tender === 'cash')).toMatchObject({
      expected_fee: 5000,
      counted_fee: 5100,
      difference_fee: 100,
    });
    expect(shifts.current()).toBeNull();
  });

  it('a full disk while keeping shifts makes the journal unhealthy and fails typed', () => {
    const shifts = new ShiftStore(journal);
    const { page_count } = journal.db.prepare('PRAGMA page_count').get() as { page_count: number };
    journal.db.exec(`PRAGMA max_page_count = ${page_count}`);
    let failure: unknown;
    for (let n = 0; n < 5000 && failure === undefined; n++) {
      try {
        shifts.open(`cashier ${'x'.repeat(200)} ${n}`, 100, n * 2);
        shifts.close({ cash: 100 }, n * 2 + 1);
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
