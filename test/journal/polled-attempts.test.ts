/**
 * The journal read behind poll learning's start-up (core/engine/poll-tuner.ts): of the N most recent
 * orders, only the finished payment-code attempts that sent a query, newest order first. SQLite
 * picks them out (docs/benchmarks.md, issue 20: parsing every recent snapshot in JavaScript was
 * most of a start over a large journal); a row whose snapshot cannot be read still comes back,
 * rebuilt and set aside as every other read of it does.
 */
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { AttemptState } from '../../core/domain/attempt-state.ts';
import { SqliteJournal } from '../../core/journal/sqlite-journal.ts';
import { firstMicropayAttempt, newOrderRecord } from '../fakes/journal-records.ts';
import { removeScratch, scratchDir } from './journal-files.ts';

afterEach(removeScratch);

type Ending = Pick<AttemptState, 'phase' | 'queryCount'> & Partial<AttemptState>;

/** Order `orderNo` created at `at` with one attempt per ending (indexes 1, 2, …), each journaled and ended. */
function orderWithAttempts(journal: SqliteJournal, orderNo: string, at: number, endings: Ending[]): void {
  const order = newOrderRecord(orderNo, 500, at);
  endings.forEach((ending, i) => {
    const first = firstMicropayAttempt(order, at);
    const attempt: AttemptState = {
      ...first,
      outTradeNo: `${orderNo}-${i + 1}`,
      attemptIndex: i + 1,
      ...ending,
      updatedAt: at + 5000,
    };
    journal.createAttempt(order, { ...first, outTradeNo: attempt.outTradeNo, attemptIndex: i + 1 }, null, at);
    journal.recordOutcome(attempt, ending.phase, 'test');
  });
}

describe('recentPolledAttempts', () => {
  it('returns the polled, finished payment-code attempts of the most recent orders, newest first', () => {
    const journal = new SqliteJournal(join(scratchDir(), 'journal.sqlite'));
    try {
      // Oldest first; with a limit of 5 orders, O1 is beyond it.
      orderWithAttempts(journal, 'O1', 1_000, [{ phase: 'paid', queryCount: 2 }]);
      orderWithAttempts(journal, 'O2', 2_000, [{ phase: 'paid', queryCount: 0 }]);
      orderWithAttempts(journal, 'O3', 3_000, [
        { phase: 'failed', queryCount: 4 },
        { phase: 'reversed', queryCount: 15 },
      ]);
      orderWithAttempts(journal, 'O4', 4_000, [{ phase: 'paid', queryCount: 3, mode: 'qr' }]);
      orderWithAttempts(journal, 'O5', 5_000, [
        { phase: 'reversed', queryCount: 15 },
        { phase: 'paid', queryCount: 1 },
      ]);
      orderWithAttempts(journal, 'O6', 6_000, [{ phase: 'paid', queryCount: 2 }]);
      journal.db.prepare("UPDATE attempts SET state = '{not json' WHERE out_trade_no = 'O6-1'").run();

      const found = journal.recentPolledAttempts(5);

      expect(found.map((a) => a.outTradeNo)).toEqual(['O6-1', 'O5-1', 'O5-2', 'O3-2']);
      expect(found[1]).toMatchObject({ phase: 'reversed', queryCount: 15, mode: 'micropay' });
      expect(found[2]).toMatchObject({ phase: 'paid', queryCount: 1 });
      // The unreadable row: rebuilt from its columns and kept aside, as any other read of it would.
      expect(found[0]!.attention?.code).toBe('journal_snapshot_unreadable');
      expect(journal.unreadableSnapshots().map((row) => row.outTradeNo)).toEqual(['O6-1']);
      // The whole history once the limit covers it.
      expect(journal.recentPolledAttempts(100).map((a) => a.outTradeNo)).toEqual([
        'O6-1',
        'O5-1',
        'O5-2',
        'O3-2',
        'O1-1',
      ]);
    } finally {
      journal.close();
    }
  });
});
