/**
 * Start-up integrity: a used data directory whose journal is missing, empty, not SQLite or damaged
 * refuses to start with a specific message naming the newest backup, and changes nothing; a new
 * data directory gets a journal and its marker. Through the CLI: exit 78, one message, no stack trace.
 */
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readFileSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterEach, describe, expect, it } from 'vitest';
import { JournalError } from '../../core/journal/journal-errors.ts';
import { JOURNAL_MARKER, openJournal } from '../../core/journal/open-journal.ts';
import {
  corruptRootPage,
  dataDirWithPreviousRelease,
  overwrite,
  ROOT,
  removeScratch,
  scratchDir,
  serveOnce,
} from './journal-files.ts';

afterEach(removeScratch);

function refusal(dataDir: string): JournalError {
  try {
    openJournal(dataDir).close();
  } catch (error) {
    expect(error).toBeInstanceOf(JournalError);
    return error as JournalError;
  }
  throw new Error('the journal was opened');
}

/** A used data dir: the previous release's journal opened once (marker written), plus a backup folder. */
function usedDataDir(): string {
  const dir = dataDirWithPreviousRelease();
  openJournal(dir).close();
  const backup = join(dir, 'backups', 'auto-20261129-020000');
  mkdirSync(backup, { recursive: true });
  writeFileSync(join(backup, 'journal.sqlite'), readFileSync(join(dir, 'journal.sqlite')));
  utimesSync(
    join(backup, 'journal.sqlite'),
    new Date('2026-11-29T02:00:00Z'),
    new Date('2026-11-29T02:00:00Z'),
  );
  return dir;
}

describe('opening the journal at start', () => {
  it('creates a journal and its marker in a new data directory, and opens it again', () => {
    const dir = scratchDir();
    openJournal(dir).close();
    expect(existsSync(join(dir, 'journal.sqlite'))).toBe(true);
    expect(JSON.parse(readFileSync(join(dir, JOURNAL_MARKER), 'utf8'))).toMatchObject({
      journal: 'journal.sqlite',
    });
    const again = openJournal(dir);
    expect(again.migration.applied).toEqual([]);
    again.close();
  });

  it('refuses a zero-length journal, naming the newest backup', () => {
    const dir = usedDataDir();
    writeFileSync(join(dir, 'journal.sqlite'), '');
    const error = refusal(dir);
    expect(error.code).toBe('journal_empty');
    expect(error.message).toMatch(/is empty \(0 bytes\)/);
    expect(error.message).toContain(join(dir, 'backups', 'auto-20261129-020000', 'journal.sqlite'));
    expect(error.message).toMatch(/scanpay backup|newest backup/);
  });

  it('refuses a valid SQLite file with no tables where the marker says a journal was', () => {
    const dir = usedDataDir();
    const path = join(dir, 'journal.sqlite');
    for (const file of [path, `${path}-wal`, `${path}-shm`]) rmSync(file, { force: true });
    const blank = new DatabaseSync(path);
    blank.exec('CREATE TABLE t (x); DROP TABLE t;'); // a real header, and nothing in it
    blank.close();
    const before = readFileSync(path);
    const error = refusal(dir);
    expect(error.code).toBe('journal_empty');
    expect(error.message).toMatch(/holds no tables/);
    expect(readFileSync(path).equals(before)).toBe(true);
  });

  it('refuses a zero-length journal even without a marker (a truncated 0.1.0 journal)', () => {
    const dir = scratchDir();
    writeFileSync(join(dir, 'journal.sqlite'), '');
    expect(refusal(dir).code).toBe('journal_empty');
    expect(existsSync(join(dir, JOURNAL_MARKER))).toBe(false);
  });

  it('refuses a garbage header and leaves the file untouched', () => {
    const dir = usedDataDir();
    const path = join(dir, 'journal.sqlite');
    overwrite(path, 0, Buffer.from('this is not a database at all, honestly'));
    const before = readFileSync(path);
    const error = refusal(dir);
    expect(error.code).toBe('journal_damaged');
    expect(error.message).toMatch(/not a SQLite database/);
    expect(readFileSync(path).equals(before)).toBe(true);
  });

  const corrupt = corruptRootPage;

  it('refuses a journal whose page fails quick_check, quoting what it found', () => {
    const dir = usedDataDir();
    corrupt(dir, 'orders', 8, 4); // the page's cell pointers now point outside it
    const error = refusal(dir);
    expect(error.code).toBe('journal_damaged');
    expect(error.message).toMatch(/is damaged \(quick_check: .*out of range/);
  });

  it('refuses a journal with a page of garbage that SQLite cannot even read', () => {
    const dir = usedDataDir();
    corrupt(dir, 'attempts', 0, 4096);
    const error = refusal(dir);
    expect(error.code).toBe('journal_damaged');
    expect(error.message).toMatch(/is damaged \(database disk image is malformed\)/);
    expect(error.message).toContain('auto-20261129-020000');
  });

  it('refuses a missing journal when the marker says there was one', () => {
    const dir = usedDataDir();
    rmSync(join(dir, 'backups'), { recursive: true });
    rmSync(join(dir, 'journal.sqlite'));
    const error = refusal(dir);
    expect(error.code).toBe('journal_missing');
    expect(error.message).toMatch(/journal\.marker shows/);
    expect(error.message).toMatch(/none found/);
    expect(existsSync(join(dir, 'journal.sqlite'))).toBe(false);
  });

  it('refuses a missing journal when backups show there was one, even without the marker', () => {
    const dir = usedDataDir();
    rmSync(join(dir, JOURNAL_MARKER));
    rmSync(join(dir, 'journal.sqlite'));
    const error = refusal(dir);
    expect(error.code).toBe('journal_missing');
    expect(error.message).toMatch(/holds backups/);
    expect(existsSync(join(dir, 'journal.sqlite'))).toBe(false);
  });

  it('refuses a missing journal whose -wal file is still there, even in a data dir without marker or backups', () => {
    const dir = scratchDir();
    writeFileSync(join(dir, 'journal.sqlite-wal'), Buffer.alloc(4096, 1));
    const error = refusal(dir);
    expect(error.code).toBe('journal_missing');
    expect(error.message).toMatch(/journal\.sqlite-wal is still there/);
    expect(existsSync(join(dir, 'journal.sqlite'))).toBe(false);
  });

  it('refuses a missing journal in a 0.1.0 data dir (no marker yet) whose log shows a service ran on it', () => {
    const dir = scratchDir();
    mkdirSync(join(dir, 'logs'));
    writeFileSync(
      join(dir, 'logs', 'scanpay.log.1'),
      '{"at":"2026-11-01T02:00:00.000Z","level":"info","message":"service recovered","attempts":0}\n',
    );
    const error = refusal(dir);
    expect(error.code).toBe('journal_missing');
    expect(error.message).toMatch(/scanpay\.log\.1 shows a service ran/);
  });

  it('starts a new journal when the log only shows a start that never opened one', () => {
    const dir = scratchDir();
    mkdirSync(join(dir, 'logs'));
    writeFileSync(join(dir, 'logs', 'scanpay.log'), '{"level":"warn","message":"config invalid"}\n');
    openJournal(dir).close();
    expect(existsSync(join(dir, JOURNAL_MARKER))).toBe(true);
  });

  it('says the journal cannot be opened, not that it is damaged, when it is not a file it can use', () => {
    const dir = scratchDir();
    mkdirSync(join(dir, 'journal.sqlite'));
    const error = refusal(dir);
    expect(error.code).toBe('journal_inaccessible');
    expect(error.message).toMatch(/is not a regular file.*owner and permissions/);
  });

  it("starts again once the backup the refusal named is copied in, with the backup's open attempts", () => {
    const dir = usedDataDir();
    writeFileSync(join(dir, 'journal.sqlite'), '');
    const named = /copy the newest backup, (\S+journal\.sqlite) /.exec(refusal(dir).message)?.[1];
    expect(named).toBe(join(dir, 'backups', 'auto-20261129-020000', 'journal.sqlite'));
    copyFileSync(named!, join(dir, 'journal.sqlite'));
    const journal = openJournal(dir);
    expect(journal.unresolvedAttempts().map((a) => a.orderNo)).toEqual(['FIX-REVERSE', 'FIX-PAYING']);
    journal.close();
  });

  it('scanpay serve exits 78 with one plain message and no stack trace, so systemd does not restart it', () => {
    const dir = usedDataDir();
    writeFileSync(join(dir, 'journal.sqlite'), Buffer.alloc(4096, 0x41));
    const run = serveOnce(dir);
    expect(run.status).toBe(78);
    expect(run.stderr).toMatch(
      /^scanpay serve: refusing to start: .*not a SQLite database.*auto-20261129-020000/,
    );
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect(JSON.parse(run.stdout.trim())).toMatchObject({ ok: false, error: { code: 'journal_damaged' } });
    const unit = readFileSync(join(ROOT, 'build/linux/scanpay-serve.service'), 'utf8');
    expect(unit).toMatch(/^RestartPreventExitStatus=78$/m);
  });
});
