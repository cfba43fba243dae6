/**
 * The journal's `PRAGMA quick_check`, started early in a child process so that it runs while the
 * service loads its modules, reads its config and reaches the sandbox, instead of after (issue 20:
 * on a 100,000-order journal the check was most of the extra start-up time; docs/benchmarks.md,
 * "Start-up").
 *
 * It only ever says "passed": the child opens its own read-only connection, runs the same check
 * openJournal runs, and exits 0 for a journal that is readable and reports "ok". Anything else
 * (problems found, a page SQLite cannot read, a file it cannot open, a child that fails to start)
 * answers false, and openJournal then runs the check itself on its own connection, as it always
 * did: a damaged journal is refused with exactly the same message and exit status, before anything
 * is written to it, and a passed check never stands in for one that did not run. openJournal waits
 * for this answer before it opens the journal for writing, so nothing writes to the file between
 * the check and the open.
 *
 * Why a child process and not a worker thread: measured, a worker left 3 MiB more idle RSS in the
 * service as deployed (7 MiB with Node's defaults), memory glibc keeps after the worker ends; a
 * child gives all of it back when it exits. Why only for a journal of CHECK_APART_BYTES or more:
 * starting Node again costs about 50 ms of CPU, more than the check of a small journal. Not inside
 * Electron, whose packaged binary cannot run as plain Node (its RunAsNode fuse is off). The child's
 * code is a short string (`node -e`) rather than a file: a file would be one more entry point of
 * the esbuild bundle (build/scripts/build-service.js) for a dozen lines that need only node:sqlite.
 */
import { spawn } from 'node:child_process';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { JOURNAL_FILE } from './journal-backups.ts';

/** Journals smaller than this are checked inline by openJournal (a few tens of ms at most). */
export const CHECK_APART_BYTES = 32 * 1024 * 1024;

/** The check openJournal runs (open-journal.ts, quickCheck), on a read-only connection. */
const CHILD_SOURCE = `
const { DatabaseSync } = require('node:sqlite');
let passed = false;
try {
  const db = new DatabaseSync(process.argv[1], { readOnly: true });
  try {
    db.exec('PRAGMA busy_timeout = 5000');
    const rows = db.prepare('PRAGMA quick_check(5)').all();
    passed = rows.length === 1 && rows[0].quick_check === 'ok';
  } finally {
    db.close();
  }
} catch {
  passed = false;
}
process.exitCode = passed ? 0 : 1;
`;

/**
 * Starts the check of `<dataDir>/journal.sqlite` and resolves true once it passed, false otherwise
 * (never rejects). False without starting anything where openJournal's own check is the better
 * deal: no journal yet, a small one, or Electron.
 */
export function startJournalCheck(
  dataDir: string,
  options: { readonly minBytes?: number } = {},
): Promise<boolean> {
  const path = join(dataDir, JOURNAL_FILE);
  const size = statSync(path, { throwIfNoEntry: false })?.size ?? 0;
  if (size < (options.minBytes ?? CHECK_APART_BYTES) || size === 0) return Promise.resolve(false);
  if (process.versions.electron !== undefined) return Promise.resolve(false);
  return new Promise((resolve) => {
    try {
      const child = spawn(process.execPath, ['-e', CHILD_SOURCE, path], { stdio: 'ignore' });
      child.once('error', () => resolve(false));
      child.once('exit', (code) => resolve(code === 0));
    } catch {
      resolve(false);
    }
  });
}
