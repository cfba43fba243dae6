/**
 * An online backup of the journal: a consistent copy taken while the service keeps writing, with
 * SQLite's backup API (node:sqlite `backup`) in a single step, because a write from another
 * connection restarts a stepwise backup and a busy till could restart it forever. The copy is
 * switched out of WAL mode (one self-contained file: a restore copies just that file, and reading
 * it leaves no -wal/-shm beside it) and checked with `PRAGMA integrity_check` before it is
 * reported done. Copying the file with `cp`
 * while the service runs can miss the WAL or tear a page: this is the safe way.
 */
import { existsSync, statSync } from 'node:fs';
import { backup, DatabaseSync } from 'node:sqlite';
import { ConflictError, NotFoundError, ScanPayError } from '../common/errors.ts';

export interface JournalBackup {
  readonly path: string;
  readonly pages: number;
  readonly bytes: number;
  readonly orders: number;
}

/** Pages per backup step: more than any journal has, so the copy is one step under one read lock. */
const ONE_STEP = 2 ** 30;

export async function backupJournal(source: string, destination: string): Promise<JournalBackup> {
  if (!existsSync(source)) throw new NotFoundError('journal_missing', `no journal at ${source}`);
  if (existsSync(destination))
    throw new ConflictError('backup_exists', `${destination} exists: a backup never overwrites a file`);
  const db = new DatabaseSync(source, { readOnly: true });
  let pages: number;
  try {
    db.exec('PRAGMA busy_timeout = 5000');
    pages = await backup(db, destination, { rate: ONE_STEP });
  } finally {
    db.close();
  }
  const copy = new DatabaseSync(destination);
  try {
    copy.exec('PRAGMA journal_mode = DELETE');
    const check = copy.prepare('PRAGMA integrity_check').get() as { integrity_check?: string } | undefined;
    if (check?.integrity_check !== 'ok') {
      throw new ScanPayError(
        'backup_corrupt',
        `the copy failed its integrity check: ${String(check?.integrity_check)}`,
      );
    }
    const { n } = copy.prepare('SELECT count(*) AS n FROM orders').get() as { n: number };
    return { path: destination, pages, bytes: statSync(destination).size, orders: n };
  } finally {
    copy.close();
  }
}
