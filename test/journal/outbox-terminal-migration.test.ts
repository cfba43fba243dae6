/**
 * The journal migration "outbox rows keep their terminal id": the rows a version-5 journal holds
 * survive it with no terminal id ("the current one"), the service's terminal id is stamped on them
 * at start (outboxUnder) and on every later row; release 0.1.0's journal, first pointed at a hub
 * after the migration, queues its history the same way.
 */
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterEach, describe, expect, it } from 'vitest';
import { MIGRATIONS, migrate } from '../../core/journal/migrations.ts';
import { SqliteJournal } from '../../core/journal/sqlite-journal.ts';
import { newOrderRecord } from '../fakes/journal-records.ts';
import { dataDirWithPreviousRelease, removeScratch, scratchDir } from './journal-files.ts';

afterEach(removeScratch);

const BEFORE = MIGRATIONS.findIndex((m) => m.name === 'outbox rows keep their terminal id');

function outboxColumns(db: DatabaseSync): string[] {
  return (db.prepare('PRAGMA table_info(outbox)').all() as { name: string }[]).map((c) => c.name);
}

describe('journal migration: outbox rows keep their terminal id', () => {
  it('keeps a version-5 journal’s waiting rows, without an id until the service stamps its own', () => {
    expect(BEFORE).toBeGreaterThan(0);
    const path = join(scratchDir(), 'journal.sqlite');
    const old = new DatabaseSync(path);
    migrate(old, MIGRATIONS.slice(0, BEFORE));
    expect(outboxColumns(old)).not.toContain('terminal_id');
    old.exec(`INSERT INTO outbox (kind, ref, payload, at) VALUES
      ('order', 'T1A', '{"order_no":"T1A"}', 1000),
      ('order', 'T1B', '{"order_no":"T1B"}', 2000)`);
    old.close();

    const journal = new SqliteJournal(path, { outbox: true });
    expect(journal.migration).toMatchObject({ from: BEFORE, to: MIGRATIONS.length });
    expect(journal.migration.applied).toContain(`${BEFORE + 1} outbox rows keep their terminal id`);
    expect(outboxColumns(journal.db)).toContain('terminal_id');
    const rows = () => journal.outboxBatch(10).map((r) => [r.seq, r.ref, r.payload, r.terminalId]);
    // Nothing lost or queued again (the outbox had started: no backfill), and no id yet.
    expect(rows()).toEqual([
      [1, 'T1A', '{"order_no":"T1A"}', null],
      [2, 'T1B', '{"order_no":"T1B"}', null],
    ]);
    expect(journal.outboxTerminals()).toEqual([]);

    journal.outboxUnder('T1');
    journal.insertOrder(newOrderRecord('T1C', 100, 3000));
    expect(rows().map(([seq, ref, , terminalId]) => [seq, ref, terminalId])).toEqual([
      [1, 'T1A', 'T1'],
      [2, 'T1B', 'T1'],
      [3, 'T1C', 'T1'],
    ]);
    expect(journal.outboxTerminals()).toEqual([{ terminalId: 'T1', waiting: 3 }]);
    journal.close();

    // The ids are stored: reopened under another id, the rows still say T1 (the service refuses that start).
    const reopened = new SqliteJournal(path, { outbox: true });
    expect(reopened.migration.applied).toEqual([]);
    expect(reopened.outboxTerminals()).toEqual([{ terminalId: 'T1', waiting: 3 }]);
    reopened.close();
  });

  it("queues release 0.1.0's history under no id, then under the service's", () => {
    const dir = dataDirWithPreviousRelease();
    const journal = new SqliteJournal(join(dir, 'journal.sqlite'), { outbox: true });
    expect(journal.migration).toMatchObject({ from: 0, adopted: true, to: MIGRATIONS.length });
    const queued = journal.outboxBatch(100);
    // The fixture's three orders and three attempts, each once.
    expect(queued.map((r) => r.kind).sort()).toEqual([
      'attempt',
      'attempt',
      'attempt',
      'order',
      'order',
      'order',
    ]);
    expect(queued.every((r) => r.terminalId === null)).toBe(true);
    journal.outboxUnder('FIX');
    expect(journal.outboxBatch(100).map((r) => r.terminalId)).toEqual(queued.map(() => 'FIX'));
    journal.close();
  });
});
