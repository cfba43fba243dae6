/**
 * Reconciliation writes and reads the journal database through the journal's watched statements and
 * transaction, so a storage fault there (a full disk, a corrupt page) turns the journal unhealthy
 * (health not ready, new charges stopped) like any other journal fault (core/journal/journal-health.ts).
 */
import { closeSync, copyFileSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Discrepancy } from '../../core/common/contract/reconcile-views.ts';
import { SqliteJournal } from '../../core/journal/sqlite-journal.ts';
import type { MatchResult } from '../../core/reconcile/match-day.ts';
import { ReconcileStore } from '../../core/reconcile/reconcile-store.ts';
import { PREVIOUS_RELEASE, removeScratch, scratchDir } from '../journal/journal-files.ts';

let journal: SqliteJournal | undefined;
afterEach(() => {
  journal?.close();
  journal = undefined;
  removeScratch();
});

function discrepancy(n: number): Discrepancy {
  return {
    kind: 'provider_only',
    pid: 'shop',
    provider: 'wxpay',
    out_trade_no: `BILL${n}`,
    out_refund_no: '',
    terminal_fen: null,
    provider_fen: 100,
    reason: 'unknown_to_terminal',
    evidence: { row: 'x'.repeat(2000) },
  } as Discrepancy;
}

function dayWith(count: number): MatchResult {
  return {
    matched: 0,
    matchedElsewhere: [],
    totals: { bill: {}, terminal: {} } as unknown as MatchResult['totals'],
    discrepancies: Array.from({ length: count }, (_, n) => discrepancy(n)),
  };
}

describe('a storage fault during reconciliation', () => {
  it('a full disk while a day is saved turns the journal unhealthy and writes none of the day', () => {
    journal = new SqliteJournal(join(scratchDir('reconcile-full'), 'journal.sqlite'));
    const store = new ReconcileStore(journal);
    expect(journal.health().ok).toBe(true);
    const { page_count } = journal.db.prepare('PRAGMA page_count').get() as { page_count: number };
    journal.db.exec(`PRAGMA max_page_count = ${page_count + 2}`);

    expect(() => store.saveDone('shop', 'wxpay', '2026-11-20', dayWith(200), 1)).toThrow(
      expect.objectContaining({ code: 'journal_unavailable', details: { sqlite: 'SQLITE_FULL' } }),
    );
    expect(journal.health()).toMatchObject({ ok: false, fault: { sqlite: 'SQLITE_FULL' } });
    expect(store.run('shop', 'wxpay', '2026-11-20')).toBeUndefined();
    expect(store.items('2026-11-20')).toEqual([]);
  });

  it('a corrupt page met while the day is read row by row turns the journal unhealthy too', () => {
    const path = join(scratchDir('reconcile-corrupt'), 'journal.sqlite');
    copyFileSync(PREVIOUS_RELEASE, path);
    journal = new SqliteJournal(path);
    const store = new ReconcileStore(journal);
    const pages = journal.db
      .prepare("SELECT rootpage FROM sqlite_master WHERE tbl_name = 'refunds' AND rootpage > 0")
      .all() as { rootpage: number }[];
    const fd = openSync(path, 'r+');
    for (const { rootpage } of pages) writeSync(fd, Buffer.alloc(4096, 0xa5), 0, 4096, (rootpage - 1) * 4096);
    closeSync(fd);

    const { refunds } = store.terminalDay('shop', 'wxpay', '2026-11-20');
    expect(() => [...refunds]).toThrow(
      expect.objectContaining({ code: 'journal_unavailable', details: { sqlite: 'SQLITE_CORRUPT' } }),
    );
    expect(journal.health()).toMatchObject({ ok: false, fault: { sqlite: 'SQLITE_CORRUPT' } });
  });
});
