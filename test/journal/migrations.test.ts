/**
 * Schema migrations keyed by PRAGMA user_version: a new journal gets every step, release 0.1.0's
 * journal is adopted (not re-created: its rows stay), a newer journal is refused untouched, and a
 * step that fails leaves the file exactly as it was.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterEach, describe, expect, it } from 'vitest';
import { JournalError } from '../../core/journal/journal-errors.ts';
import { MIGRATIONS, migrate } from '../../core/journal/migrations.ts';
import { SqliteJournal } from '../../core/journal/sqlite-journal.ts';
import { dataDirWithPreviousRelease, removeScratch, scratchDir } from './journal-files.ts';

afterEach(removeScratch);

function version(path: string): number {
  const db = new DatabaseSync(path, { readOnly: true });
  try {
    return Number((db.prepare('PRAGMA user_version').get() as { user_version: number }).user_version);
  } finally {
    db.close();
  }
}

function tables(db: DatabaseSync): string[] {
  return (
    db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as {
      name: string;
    }[]
  ).map((r) => r.name);
}

describe('journal migrations', () => {
  it('creates a new journal at the latest version with every table', () => {
    const path = join(scratchDir(), 'journal.sqlite');
    const journal = new SqliteJournal(path);
    expect(journal.migration).toEqual({
      from: 0,
      to: MIGRATIONS.length,
      adopted: false,
      applied: MIGRATIONS.map((m) => `${m.version} ${m.name}`),
    });
    expect(tables(journal.db)).toEqual(
      expect.arrayContaining(['orders', 'attempts', 'steps', 'refunds', 'callbacks', 'unreadable_snapshots']),
    );
    journal.close();
    expect(version(path)).toBe(MIGRATIONS.length);
  });

  it('reopening a current journal applies nothing', () => {
    const path = join(scratchDir(), 'journal.sqlite');
    new SqliteJournal(path).close();
    const again = new SqliteJournal(path);
    expect(again.migration).toMatchObject({ from: MIGRATIONS.length, to: MIGRATIONS.length, applied: [] });
    again.close();
  });

  it("adopts release 0.1.0's journal (user_version 0, tables present) as version 1 and keeps its rows", () => {
    const dir = dataDirWithPreviousRelease();
    const path = join(dir, 'journal.sqlite');
    expect(version(path)).toBe(0);
    const journal = new SqliteJournal(path);
    expect(journal.migration).toEqual({
      from: 0,
      to: MIGRATIONS.length,
      adopted: true,
      applied: MIGRATIONS.slice(1).map((m) => `${m.version} ${m.name}`),
    });
    expect(journal.getOrder('FIX-PAID')).toMatchObject({ status: 1, totalFee: 1200 });
    expect(journal.unresolvedAttempts().map((a) => [a.orderNo, a.phase])).toEqual([
      ['FIX-REVERSE', 'reversing'],
      ['FIX-PAYING', 'polling'],
    ]);
    journal.close();
    expect(version(path)).toBe(MIGRATIONS.length);
  });

  it('refuses a journal from a newer release and leaves it byte for byte as it was', () => {
    const path = join(scratchDir(), 'journal.sqlite');
    new SqliteJournal(path).close();
    const db = new DatabaseSync(path);
    db.exec(`PRAGMA user_version = ${MIGRATIONS.length + 5}`);
    // A newer release might keep a rollback journal: refusing must not even switch it to WAL.
    db.exec('PRAGMA journal_mode = DELETE');
    db.close();
    const before = readFileSync(path);
    let error: unknown;
    try {
      new SqliteJournal(path);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(JournalError);
    expect(error).toMatchObject({
      code: 'journal_too_new',
      details: { found: MIGRATIONS.length + 5, supported: MIGRATIONS.length },
    });
    expect((error as Error).message).toMatch(/newer release/);
    expect(readFileSync(path).equals(before)).toBe(true);
  });

  it('refuses unversioned tables that are not release 0.1.0 journal tables', () => {
    const path = join(scratchDir(), 'journal.sqlite');
    const db = new DatabaseSync(path);
    db.exec('CREATE TABLE orders (x)');
    db.close();
    expect(() => new SqliteJournal(path)).toThrow(
      expect.objectContaining({
        code: 'journal_unrecognised',
        details: { missing: ['attempts', 'steps', 'refunds', 'callbacks'] },
      }),
    );
  });

  it('rolls every step back when one fails: version and tables as before', () => {
    const db = new DatabaseSync(join(scratchDir(), 'journal.sqlite'));
    const failing = [
      ...MIGRATIONS,
      {
        version: MIGRATIONS.length + 1,
        name: 'adds a table',
        up: (d: DatabaseSync) => d.exec('CREATE TABLE extra (x)'),
      },
      {
        version: MIGRATIONS.length + 2,
        name: 'fails',
        up: () => {
          throw new Error('step failed');
        },
      },
    ];
    expect(() => migrate(db, failing)).toThrow('step failed');
    expect(Number((db.prepare('PRAGMA user_version').get() as { user_version: number }).user_version)).toBe(
      0,
    );
    expect(tables(db)).toEqual([]);
    expect(db.isTransaction).toBe(false);
    db.close();
  });

  it('runs only the steps newer than the file', () => {
    const db = new DatabaseSync(join(scratchDir(), 'journal.sqlite'));
    migrate(db);
    const next = [
      ...MIGRATIONS,
      {
        version: MIGRATIONS.length + 1,
        name: 'adds a column',
        up: (d: DatabaseSync) => d.exec('ALTER TABLE orders ADD COLUMN extra TEXT'),
      },
    ];
    expect(migrate(db, next)).toEqual({
      from: MIGRATIONS.length,
      to: MIGRATIONS.length + 1,
      adopted: false,
      applied: [`${MIGRATIONS.length + 1} adds a column`],
    });
    db.close();
  });

  it('rejects a migration list with a gap (a mistake when adding a step)', () => {
    const db = new DatabaseSync(':memory:');
    expect(() => migrate(db, [{ ...MIGRATIONS[0]!, version: 2 }])).toThrow(/expected 1/);
    db.close();
  });
});
