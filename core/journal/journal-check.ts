/**
 * The journal's full `PRAGMA quick_check` in a child process, so that it never holds the service's
 * event loop: at start, while the service loads its modules, reads its config and reaches the sandbox
 * (issue 20: on a 100,000-order journal the check was most of the extra start-up time;
 * docs/benchmarks.md, "Start-up"), and while it runs (core/service/journal-watch.ts).
 *
 * At start the answer is one of three:
 * - `trusted`: the journal was closed cleanly after a passed check and nothing changed it since
 *   (journal-clean-close.ts). It opens at once; the service then runs the check apart, a second later.
 * - `passed`: the child opened its own read-only connection, ran the same check openJournal runs, and
 *   found the journal readable and "ok".
 * - `none`: anything else (no record and a small journal, problems found, a page SQLite cannot read,
 *   a file it cannot open, a child that fails to start). openJournal then runs the check itself on
 *   its own connection, as it always did: a damaged journal is refused with exactly the same message
 *   and exit status, before anything is written to it, and a passed check never stands in for one that
 *   did not run.
 * openJournal waits for this answer before it opens the journal for writing, so nothing writes to
 * the file between the check (or the record's verdict) and the open.
 *
 * Why a child process and not a worker thread: measured, a worker left 3 MiB more idle RSS in the
 * service as deployed (7 MiB with Node's defaults), memory glibc keeps after the worker ends; a
 * child gives all of it back when it exits. Why only for a journal of CHECK_APART_BYTES or more:
 * starting Node again costs about 30–50 ms of CPU, more than the check of a small journal. Not inside
 * Electron, whose packaged binary cannot run as plain Node (its RunAsNode fuse is off). The child's
 * code is a short string (`node -e`) rather than a file: a file would be one more entry point of
 * the esbuild bundle (build/scripts/build-service.js) for a dozen lines that need only node:sqlite.
 * The child maps the file (`mmap_size`): measured, the check of a 121 MB journal then spends ~15 ms
 * of system time instead of ~80 copying pages (docs/benchmarks.md).
 */
import { spawn } from 'node:child_process';
import { statSync } from 'node:fs';
import { setPriority } from 'node:os';
import { join } from 'node:path';
import { JOURNAL_FILE } from './journal-backups.ts';
import { journalState, trustedCleanClose } from './journal-clean-close.ts';

/** Journals smaller than this are checked inline by openJournal (a few tens of ms at most). */
export const CHECK_APART_BYTES = 32 * 1024 * 1024;

/**
 * How the start may open the journal; see the header. `checkedAt`: when it last passed a full check.
 * `state`: the file and its WAL as the verdict saw them (journalState); openJournal checks the journal
 * itself when they are no longer so at the open (anything may have written it in between).
 */
export type StartCheck =
  | { readonly verdict: 'trusted'; readonly checkedAt: number; readonly state: string }
  | { readonly verdict: 'passed'; readonly checkedAt: number; readonly state: string }
  | { readonly verdict: 'none' };

/**
 * What a check apart found: sound; the problems it listed (damage); `ok: null` when SQLite answered
 * with an error that is neither damage nor another connection's lock (the file could not be opened or
 * read: an I/O error, a file it cannot open), so nothing is known of the journal and nothing may vouch
 * for it; or null when the check did not run (no child process, ended by a stop, the journal busy).
 */
export type ApartCheck =
  | { readonly ok: true }
  | { readonly ok: false; readonly problems: readonly string[] }
  | { readonly ok: null; readonly error: string }
  | null;

/**
 * The check openJournal runs (open-journal.ts, quickCheck), on a read-only connection. Prints the
 * problems as JSON (at most 5, as openJournal asks for) and exits 0 when it ran, 1 when it could not.
 */
const CHILD_SOURCE = `
const { DatabaseSync } = require('node:sqlite');
try {
  const db = new DatabaseSync(process.argv[1], { readOnly: true });
  try {
    db.exec('PRAGMA busy_timeout = 5000');
    db.exec('PRAGMA mmap_size = 1073741824');
    const rows = db.prepare('PRAGMA quick_check(5)').all();
    process.stdout.write(JSON.stringify(rows.map((row) => String(row.quick_check))));
  } finally {
    db.close();
  }
} catch (error) {
  process.stdout.write(JSON.stringify({ error: String(error && error.message) }));
}
`;

/**
 * Runs the full check of the journal at `path` in a child process and resolves with what it found
 * (never rejects). A page SQLite cannot read is a problem found, like any line quick_check prints.
 * `signal` ends it (a stopping service does not wait for it): the answer is then null. `background`
 * runs it at the lowest CPU priority (nice 19).
 */
export function checkJournalApart(
  path: string,
  options: { readonly signal?: AbortSignal; readonly background?: boolean } = {},
): Promise<ApartCheck> {
  const { signal } = options;
  if (process.versions.electron !== undefined) return Promise.resolve(null);
  return new Promise((resolve) => {
    try {
      const child = spawn(process.execPath, ['-e', CHILD_SOURCE, path], {
        stdio: ['ignore', 'pipe', 'ignore'],
        ...(signal ? { signal, killSignal: 'SIGKILL' as const } : {}),
      });
      let out = '';
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
        if (out.length < 64 * 1024) out += chunk;
      });
      // A check while the service runs is background work: the lowest CPU priority, so that the
      // till's own work and the programs talking to it go first (a 2-core board has no core to spare).
      if (options.background && child.pid !== undefined) lowestPriority(child.pid);
      // Aborted (or killed), the child has not necessarily exited yet when 'error' fires: wait for
      // 'close', unless it never started.
      child.once('error', () => {
        if (child.pid === undefined) resolve(null);
      });
      // Exit status 0: the child finished on its own and printed its whole answer, even if a stop
      // began meanwhile (damage it found must still count). Killed by the stop: no status, no answer.
      child.once('close', (code) => resolve(code === 0 ? verdictOf(out) : null));
    } catch {
      resolve(null);
    }
  });
}

function lowestPriority(pid: number): void {
  try {
    setPriority(pid, 19);
  } catch {
    // Not allowed here (or not supported): it runs at normal priority, which is only slower for others.
  }
}

function verdictOf(out: string): ApartCheck {
  let parsed: unknown;
  try {
    parsed = JSON.parse(out);
  } catch {
    return null;
  }
  if (Array.isArray(parsed)) {
    const lines = parsed.map((line) => String(line).replace(/\s*\n\s*/g, ' '));
    return lines.length === 1 && lines[0] === 'ok'
      ? { ok: true }
      : { ok: false, problems: lines.filter((l) => l !== 'ok') };
  }
  const error = (parsed as { error?: unknown } | null)?.error;
  if (typeof error !== 'string') return null;
  // SQLite's own words for a page it cannot read: damage, not a check that could not run.
  if (/malformed|not a database|corrupt/i.test(error)) return { ok: false, problems: [error] };
  // SQLITE_BUSY / SQLITE_LOCKED: another connection held the journal past the busy timeout. A busy,
  // healthy journal: the check simply did not run.
  if (/database (table )?is locked|busy/i.test(error)) return null;
  return { ok: null, error };
}

/**
 * Decides how the start may open `<dataDir>/journal.sqlite` (see the header) and never rejects.
 * `none` without starting anything where openJournal's own check is the better deal: no journal
 * yet, a small one, or Electron.
 */
export async function startJournalCheck(
  dataDir: string,
  options: { readonly minBytes?: number; readonly now?: () => number } = {},
): Promise<StartCheck> {
  const now = options.now ?? Date.now;
  const path = join(dataDir, JOURNAL_FILE);
  const size = statSync(path, { throwIfNoEntry: false })?.size ?? 0;
  if (size < (options.minBytes ?? CHECK_APART_BYTES) || size === 0) return { verdict: 'none' };
  if (process.versions.electron !== undefined) return { verdict: 'none' };
  // Taken first: a change while the record is read or the child checks makes it differ at the open.
  const state = journalState(dataDir);
  if (state === null) return { verdict: 'none' };
  const trustedSince = trustedCleanClose(dataDir, now());
  if (trustedSince !== null) return { verdict: 'trusted', checkedAt: trustedSince, state };
  const started = now();
  const found = await checkJournalApart(path);
  return found?.ok ? { verdict: 'passed', checkedAt: started, state } : { verdict: 'none' };
}
