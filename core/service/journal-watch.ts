/**
 * The journal's full integrity check while the service runs, and the clean-close record at its stop
 * (core/journal/journal-clean-close.ts).
 *
 * - After a start the clean-close record vouched for (`trusted`), the check runs apart in a child
 *   process (core/journal/journal-check.ts) TRUSTED_START_CHECK_AFTER_MS later: the record proves
 *   that nothing rewrote the file since the last check, not that its medium kept every bit. Not at
 *   once: the check's Node start and reads compete with the service's first requests for a 2-core
 *   board's CPU even at nice 19 (the first healthy answer over 100,000 orders came 10–23 ms later,
 *   docs/benchmarks.md), and no cashier sells in the first second.
 * - Every CHECK_EVERY_MS while running, the same: a till that runs for weeks is checked as often as
 *   one restarted every morning, and before this a running till was never checked at all.
 * - Damage found makes the journal unhealthy (SqliteJournal.reportDamage): ready:false, the fault on
 *   the status bar, no new charge, as a storage fault seen in a write does; the log says which backup
 *   to restore. Attempts already under way keep being resolved. Damage whose answer arrives after the
 *   stop began no longer stops anything, but still keeps the record from being written.
 * - A check that could not run (no child process: Electron; a spawn failure; the journal busy) is
 *   logged and changes nothing; the clean-close record then carries the older check's time forward,
 *   and once that is TRUST_FOR_MS old the next start checks before it opens the journal.
 * - A check in which SQLite could not open or read the journal (an I/O error: not damage it can name,
 *   so charges go on) leaves no record at the stop unless a later check passed: the next start then
 *   checks before it opens, and refuses a journal it cannot read, as it did before the record existed.
 * At a clean stop the running check is ended first (a reader's snapshot would keep the close from
 * checkpointing the whole WAL); once the journal has closed, the record is written if the journal had
 * no fault, with the time it last passed a check.
 */
import { join } from 'node:path';
import { JOURNAL_FILE } from '../journal/journal-backups.ts';
import { checkJournalApart, type StartCheck } from '../journal/journal-check.ts';
import { pastLastChangeTick, writeCleanClose } from '../journal/journal-clean-close.ts';
import { restoreAdvice } from '../journal/open-journal.ts';
import type { SqliteJournal } from '../journal/sqlite-journal.ts';
import type { ServiceLogger } from './file-logger.ts';

/** How often the running service checks its journal in full. */
export const CHECK_EVERY_MS = 24 * 3600_000;

/** When the check after a trusted start runs (see the header). */
export const TRUSTED_START_CHECK_AFTER_MS = 1_000;

/**
 * How long a stop waits for the check it ended (SIGKILL) to exit. A process stuck in a read of a
 * failing SD card does not die until the read returns: the stop goes on without it, and writes no
 * record (a reader may still hold the journal).
 */
export const STOP_WAIT_MS = 10_000;

export interface JournalWatchOptions {
  readonly dataDir: string;
  readonly backupDir: string;
  readonly journal: SqliteJournal;
  /** How the start opened the journal (startJournalCheck's answer). */
  readonly start: StartCheck;
  /** When the journal opened: the time of openJournal's own check when the start left it that one. */
  readonly openedAt: number;
  readonly logger: ServiceLogger;
  readonly now?: () => number;
  readonly everyMs?: number;
  /** How long stop() waits for an ended check's process to exit (default STOP_WAIT_MS). */
  readonly stopWaitMs?: number;
  /** Default TRUSTED_START_CHECK_AFTER_MS; 0 starts it before watchJournal returns. */
  readonly firstCheckAfterMs?: number;
  /** The check apart (default checkJournalApart; tests give the answers SQLite rarely gives). */
  readonly checkApart?: typeof checkJournalApart;
}

export interface JournalWatch {
  /** When the journal last passed a full check, if ever (this run or the one the record vouched for). */
  checkedAt(): number | null;
  /** The check running now or last started (tests wait for it). */
  lastCheck(): Promise<void>;
  /**
   * Ends the timer and the running check, if any, and resolves once its process has exited (at most
   * stopWaitMs later: then closed() writes no record): call before journal.close(), so that no reader
   * holds a snapshot while the close checkpoints the WAL.
   */
  stop(): Promise<void>;
  /** Writes the clean-close record (false when it may not): call after journal.close(). */
  closed(): Promise<boolean>;
}

export function watchJournal(options: JournalWatchOptions): JournalWatch {
  const { dataDir, journal, logger } = options;
  const now = options.now ?? Date.now;
  const path = join(dataDir, JOURNAL_FILE);
  let checkedAt: number | null =
    options.start.verdict === 'none' ? options.openedAt : options.start.checkedAt;
  let running: Promise<void> | null = null;
  let last: Promise<void> = Promise.resolve();
  let stopped = false;
  // A check the stop ended had not exited when the stop went on: no record.
  let leftRunning = false;
  // The last check that ran could not read the journal (ApartCheck ok:null): nothing vouches for it.
  let unreadable = false;
  // A check found damage (also one whose answer came after the stop began): never a record.
  let damaged = false;
  const ending = new AbortController();
  const checkApart = options.checkApart ?? checkJournalApart;

  const check = (why: string) => {
    if (running || stopped || journal.health().fault) return;
    const started = now();
    running = checkApart(path, { signal: ending.signal, background: true })
      .then((found) => {
        running = null;
        // An answer read after the stop began still counts for the record: damage found must keep it
        // from being written, whenever it arrives. Only the journal (closing) is left alone then.
        if (found === null) {
          if (!stopped) logger.warn('journal check could not run', { why });
          return;
        }
        if (found.ok === null) {
          unreadable = true;
          logger.error('journal check could not read the journal: the next start checks it before opening', {
            why,
            error: found.error,
          });
          return;
        }
        if (found.ok) {
          unreadable = false;
          checkedAt = started;
          logger.info('journal check passed', { why, ms: now() - started });
          return;
        }
        damaged = true;
        // The fault is set before its listeners run; one of them reading the damaged journal may throw.
        // That must not end the process (an unhandled rejection, below): charges are stopped all the same.
        try {
          if (!stopped) journal.reportDamage(found.problems);
        } finally {
          logger.error(`journal check found damage: ${restoreAdvice(dataDir, options.backupDir)}`, {
            why,
            problems: found.problems,
          });
        }
      })
      .catch((error: unknown) => {
        running = null;
        logger.error('journal check: handling its answer failed', { error: String(error) });
      });
    last = running;
  };

  const firstAfter = options.firstCheckAfterMs ?? TRUSTED_START_CHECK_AFTER_MS;
  let afterTrustedStart: NodeJS.Timeout | undefined;
  if (options.start.verdict === 'trusted') {
    const why = 'the start trusted the clean-close record';
    if (firstAfter <= 0) check(why);
    else afterTrustedStart = setTimeout(() => check(why), firstAfter).unref();
  }
  const timer = setInterval(() => check('daily'), options.everyMs ?? CHECK_EVERY_MS);
  timer.unref();

  return {
    checkedAt: () => checkedAt,
    lastCheck: () => last,
    async stop() {
      stopped = true;
      clearTimeout(afterTrustedStart);
      clearInterval(timer);
      ending.abort();
      if (!running) return;
      let giveUp: NodeJS.Timeout | undefined;
      const waited = await Promise.race([
        running.then(() => true),
        new Promise<false>((resolve) => {
          giveUp = setTimeout(() => resolve(false), options.stopWaitMs ?? STOP_WAIT_MS);
        }),
      ]);
      clearTimeout(giveUp);
      leftRunning = !waited;
      if (leftRunning) logger.warn('journal check did not end in time: no clean-close record');
    },
    async closed() {
      if (!stopped || leftRunning || unreadable || damaged || journal.health().fault || checkedAt === null)
        return false;
      await pastLastChangeTick(dataDir);
      return writeCleanClose(dataDir, checkedAt, now());
    },
  };
}
