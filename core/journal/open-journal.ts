/**
 * Opens the data directory's journal, refusing to start on anything that could hide recorded
 * money (docs/deploy.md, "Restore"): a journal that a used data directory should have but is
 * missing, a zero-length one, one that is not SQLite, one that fails `PRAGMA quick_check`, or one
 * from a newer release. "Used" means `journal.marker` is there (written when the journal was
 * first created or adopted), a backup or a -wal file exists, or the log shows a service ran here.
 * The refusal is a JournalError whose message says what was found and which backup to restore (or,
 * for a file this user cannot open, to fix the permissions); nothing is changed on disk. The marker
 * is the only file written, and only once the journal opened and passed its check.
 */
import {
  chmodSync,
  closeSync,
  existsSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import type { DatabaseSync } from 'node:sqlite';
import { byAgeAt, JOURNAL_FILE, listBackups } from './journal-backups.ts';
import type { StartCheck } from './journal-check.ts';
import { CLEAN_CLOSE_FILE, consumeCleanClose, journalState } from './journal-clean-close.ts';
import { JournalError } from './journal-errors.ts';
import { storageFaultOf } from './journal-health.ts';
import { SqliteJournal } from './sqlite-journal.ts';

export const JOURNAL_MARKER = 'journal.marker';
const SQLITE_HEADER = Buffer.from('SQLite format 3\0', 'latin1');

export interface OpenJournalOptions {
  /** Where backups are kept (default `<data dir>/backups`): named in the restore advice. */
  readonly backupDir?: string;
  /** Write the hub outbox (the terminal forwards to a store hub: core/journal/journal-outbox.ts). */
  readonly outbox?: boolean;
}

/** What to tell an operator whose journal cannot be used. */
export function restoreAdvice(dataDir: string, backupDir: string): string {
  const newest = byAgeAt(listBackups(backupDir), Date.now())[0];
  const journal = join(dataDir, JOURNAL_FILE);
  const from = newest
    ? `the newest backup, ${join(newest.dir, JOURNAL_FILE)} (${new Date(newest.at).toISOString()})`
    : `a backup made with \`scanpay backup\` (none found in ${backupDir})`;
  return (
    `Stop the service, move the damaged file and any ${JOURNAL_FILE}-wal/-shm aside, copy ${from} to ${journal}, ` +
    'then start again: attempts still open in it are resumed (docs/deploy.md, "Restore"). ' +
    `Do not delete ${JOURNAL_MARKER} to force an empty start: payments in the lost journal would be forgotten.`
  );
}

/**
 * Release 0.1.0 wrote no marker, but its service logged "service recovered" (the engine's start-up
 * line, written only after the journal was open) to logs/scanpay.log*: such a log is evidence that
 * a journal existed here. Read only when the journal is missing and there is no marker.
 */
const RAN_LINE = '"message":"service recovered"';

function logShowingARun(dataDir: string): string | null {
  const logs = join(dataDir, 'logs');
  if (!existsSync(logs)) return null;
  for (const name of readdirSync(logs)
    .filter((n) => /^scanpay\.log(\.\d+)?$/.test(n))
    .sort()) {
    try {
      if (readFileSync(join(logs, name), 'utf8').includes(RAN_LINE)) return join(logs, name);
    } catch {
      // unreadable log: no evidence either way
    }
  }
  return null;
}

function readHeader(path: string): Buffer {
  const fd = openSync(path, 'r');
  try {
    const header = Buffer.alloc(SQLITE_HEADER.length);
    const read = readSync(fd, header, 0, header.length, 0);
    return header.subarray(0, read);
  } finally {
    closeSync(fd);
  }
}

function quickCheck(db: DatabaseSync): string[] {
  const rows = db.prepare('PRAGMA quick_check(5)').all() as { quick_check: string }[];
  // One line each: the refusal is a single message on stderr and in the log.
  const problems = rows
    .map((row) => String(row.quick_check).replace(/\s*\n\s*/g, ' '))
    .filter((line) => line !== 'ok');
  return problems;
}

function owned(path: string): void {
  for (const file of [path, `${path}-wal`, `${path}-shm`]) {
    if (existsSync(file)) chmodSync(file, 0o600);
  }
}

export function openJournal(dataDir: string, options: OpenJournalOptions = {}): SqliteJournal {
  return open(dataDir, options, null);
}

/**
 * openJournal for the service's start: `check` is startJournalCheck(dataDir) (journal-check.ts),
 * started earlier so that it ran while the service loaded. Once it passed, or a clean-close record
 * vouched for the file (journal-clean-close.ts), the journal opens without checking first; otherwise
 * openJournal's own check runs and refuses as always.
 */
export async function openCheckedJournal(
  dataDir: string,
  check: Promise<StartCheck>,
  options: OpenJournalOptions = {},
): Promise<SqliteJournal> {
  const verdict = await check;
  return open(dataDir, options, verdict.verdict === 'none' ? null : verdict.state);
}

/**
 * `checkedState`: the journal's state (journalState) when a check passed or the clean-close record
 * vouched for it; the open skips its own check only while the journal is still exactly so.
 */
function open(dataDir: string, options: OpenJournalOptions, checkedState: string | null): SqliteJournal {
  const backupDir = options.backupDir ?? join(dataDir, 'backups');
  const path = join(dataDir, JOURNAL_FILE);
  const markerPath = join(dataDir, JOURNAL_MARKER);
  const refuse = (
    code: 'journal_missing' | 'journal_empty' | 'journal_damaged',
    found: string,
    cause?: unknown,
  ) =>
    new JournalError(
      code,
      `${found}. ${restoreAdvice(dataDir, backupDir)}`,
      { journal: path },
      cause === undefined ? undefined : { cause },
    );

  const inaccessible = (found: string, cause?: unknown) =>
    new JournalError(
      'journal_inaccessible',
      `${found}: check the owner and permissions of ${dataDir} and ${path} (they must belong to the user ` +
        'running the service and be writable by it). Nothing was changed.',
      { journal: path },
      cause === undefined ? undefined : { cause },
    );

  const marked = existsSync(markerPath);
  if (!existsSync(path)) {
    if (marked)
      throw refuse(
        'journal_missing',
        `${path} is missing, but ${markerPath} shows this data directory held a journal`,
      );
    if (existsSync(`${path}-wal`))
      throw refuse(
        'journal_missing',
        `${path} is missing, but ${path}-wal is still there (the journal's recent writes)`,
      );
    const ranBefore = logShowingARun(dataDir);
    if (ranBefore)
      throw refuse(
        'journal_missing',
        `${path} is missing, but ${ranBefore} shows a service ran on this data directory`,
      );
    if (listBackups(backupDir).length > 0)
      throw refuse('journal_missing', `${path} is missing, but ${backupDir} holds backups of a journal`);
  } else {
    const stat = statSync(path);
    if (!stat.isFile()) throw inaccessible(`${path} is not a regular file`);
    if (stat.size === 0) throw refuse('journal_empty', `${path} is empty (0 bytes)`);
    let header: Buffer;
    try {
      header = readHeader(path);
    } catch (error) {
      throw inaccessible(`${path} cannot be read (${(error as Error).message})`, error);
    }
    if (!header.equals(SQLITE_HEADER))
      throw refuse(
        'journal_damaged',
        `${path} is not a SQLite database (its first bytes are not the SQLite header)`,
      );
  }

  // Compared with no await before the open: the verdict vouches only for the journal as it saw it.
  const checkPassed = checkedState !== null && journalState(dataDir) === checkedState;
  try {
    // Whatever vouched for this start, a run that crashes from here on must be checked next time.
    consumeCleanClose(dataDir);
  } catch (error) {
    throw inaccessible(
      `${join(dataDir, CLEAN_CLOSE_FILE)} cannot be deleted (${(error as Error).message})`,
      error,
    );
  }

  let journal: SqliteJournal;
  try {
    journal = new SqliteJournal(path, {
      outbox: options.outbox ?? false,
      beforeMigrate: (db) => {
        const problems = checkPassed ? [] : quickCheck(db);
        if (problems.length > 0)
          throw refuse('journal_damaged', `${path} is damaged (quick_check: ${problems.join('; ')})`);
        // A valid file with nothing in it where a journal was: as lost as a missing one, never a fresh start.
        const tables = db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE type = 'table'").get() as {
          n: number;
        };
        if (marked && Number(tables.n) === 0)
          throw refuse('journal_empty', `${path} holds no tables, but ${markerPath} shows it held a journal`);
      },
    });
  } catch (error) {
    if (error instanceof JournalError) throw error;
    const detail = (error as { errstr?: string; message?: string })?.errstr ?? (error as Error)?.message;
    const fault = storageFaultOf(error);
    if (fault === 'SQLITE_CORRUPT' || fault === 'SQLITE_NOTADB')
      throw refuse('journal_damaged', `${path} is damaged (${detail})`, error);
    throw inaccessible(`${path} cannot be opened as a journal (${detail})`, error);
  }
  try {
    owned(path);
    if (!marked) {
      writeFileSync(
        markerPath,
        `${JSON.stringify({ journal: JOURNAL_FILE, since: new Date().toISOString() })}\n`,
        { mode: 0o600 },
      );
    }
  } catch (error) {
    journal.close();
    throw inaccessible(
      `${marked ? path : markerPath} cannot be written (${(error as Error).message})`,
      error,
    );
  }
  return journal;
}
