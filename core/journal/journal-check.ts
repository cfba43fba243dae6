/**
 * The journal's `PRAGMA quick_check`, started early on a worker thread so that it runs while the
 * service loads its modules and reads its config, instead of after (issue 20: on a 100,000-order
 * journal the check was most of the extra start-up time; docs/benchmarks.md, "Start-up").
 *
 * It only ever says "passed": the worker opens its own read-only connection, runs the same check
 * openJournal runs, and answers true for a journal that is readable and reports "ok". Anything
 * else (problems found, a page SQLite cannot read, a file it cannot open, a worker that fails)
 * answers false, and openJournal then runs the check itself on its own connection, as it always
 * did: a damaged journal is refused with exactly the same message and exit status, before
 * anything is written to it, and a passed check never stands in for one that did not run.
 * openJournal waits for this result before it opens the journal for writing, so nothing writes
 * to the file between the check and the open.
 *
 * The worker's code is a short string evaluated by the worker (`eval: true`) rather than a file of
 * its own: a worker file would be a separate entry point of the esbuild bundle
 * (build/scripts/build-service.js) with its own path rules, for ten lines that need only
 * node:sqlite.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { JOURNAL_FILE } from './journal-backups.ts';

/** The check openJournal runs (open-journal.ts, quickCheck), on a read-only connection. */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { DatabaseSync } = require('node:sqlite');
let passed = false;
try {
  const db = new DatabaseSync(workerData.path, { readOnly: true });
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
parentPort.postMessage(passed);
`;

/**
 * Starts the check of `<dataDir>/journal.sqlite` and resolves true once it passed, false otherwise
 * (never rejects). No file, nothing to check: false, and openJournal does what it does for a
 * missing journal.
 */
export function startJournalCheck(dataDir: string): Promise<boolean> {
  const path = join(dataDir, JOURNAL_FILE);
  if (!existsSync(path)) return Promise.resolve(false);
  return new Promise((resolve) => {
    let worker: Worker;
    try {
      worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { path } });
    } catch {
      resolve(false);
      return;
    }
    worker.once('message', (passed: unknown) => resolve(passed === true));
    worker.once('error', () => resolve(false));
    // A worker that exits without a message (killed, out of memory) did not pass.
    worker.once('exit', () => resolve(false));
  });
}
