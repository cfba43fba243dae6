/**
 * Ways a journal could change after the start's verdict (journal-check.ts, startJournalCheck) or
 * after the clean-close record (journal-clean-close.ts) and still be opened unchecked: each must end
 * in the check openJournal runs itself, which refuses a damaged journal before anything writes to it.
 */
import { mkdirSync, renameSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterEach, describe, expect, it } from 'vitest';
import { type ApartCheck, checkJournalApart, startJournalCheck } from '../../core/journal/journal-check.ts';
import {
  journalState,
  pastLastChangeTick,
  timesInWholeSeconds,
  trustedCleanClose,
  writeCleanClose,
} from '../../core/journal/journal-clean-close.ts';
import { openCheckedJournal, openJournal } from '../../core/journal/open-journal.ts';
import type { ServiceLogger } from '../../core/service/file-logger.ts';
import { watchJournal } from '../../core/service/journal-watch.ts';
import { corruptRootPage, dataDirWithPreviousRelease, removeScratch, scratchDir } from './journal-files.ts';

/** The fixture journals are small: the tests let the start check them apart all the same. */
const APART = { minBytes: 1 };

afterEach(() => removeScratch());

/** A used data dir whose journal was opened (migrated, marker written) and closed cleanly, with its record. */
async function vouchedDataDir(): Promise<string> {
  const dir = dataDirWithPreviousRelease();
  openJournal(dir).close();
  await pastLastChangeTick(dir);
  expect(writeCleanClose(dir, Date.now())).toBe(true);
  return dir;
}

describe('a journal changed between the start’s verdict and the open', () => {
  it('the record vouched, then another program wrote damage: the open checks and refuses', async () => {
    const dir = await vouchedDataDir();
    const verdict = await startJournalCheck(dir, APART);
    expect(verdict).toMatchObject({ verdict: 'trusted' });
    // While the service loads its config, something else writes the file (here: damage).
    corruptRootPage(dir, 'attempts_code', 8, 4);
    await expect(openCheckedJournal(dir, Promise.resolve(verdict))).rejects.toMatchObject({
      code: 'journal_damaged',
      message: expect.stringMatching(/quick_check/),
    });
  });

  it('the check apart passed, then another program wrote damage: the open checks and refuses', async () => {
    const dir = dataDirWithPreviousRelease();
    openJournal(dir).close();
    const verdict = await startJournalCheck(dir, APART);
    expect(verdict).toMatchObject({ verdict: 'passed' });
    corruptRootPage(dir, 'attempts_code', 8, 4);
    await expect(openCheckedJournal(dir, Promise.resolve(verdict))).rejects.toMatchObject({
      code: 'journal_damaged',
    });
  });

  it('a journal exactly as the verdict saw it opens without a second check, after either verdict', async () => {
    for (const verdict of ['trusted', 'passed'] as const) {
      const dir = dataDirWithPreviousRelease();
      openJournal(dir).close();
      // Damage the verdict did not see: only a second check would refuse it, so the open shows none ran.
      corruptRootPage(dir, 'attempts_code', 8, 4);
      const state = journalState(dir);
      expect(state).not.toBeNull();
      const journal = await openCheckedJournal(
        dir,
        Promise.resolve({ verdict, checkedAt: Date.now(), state: state! }),
      );
      journal.close();
    }
  });
});

describe('the state the verdict carries', () => {
  it('is not moved by the check apart itself, also over a crashed writer’s WAL', async () => {
    const dir = dataDirWithPreviousRelease();
    openJournal(dir).close();
    const crashed = openJournal(dir); // never closed here before the check: its WAL holds frames
    crashed.db.exec(
      'CREATE TABLE IF NOT EXISTS written_before_the_crash (x); INSERT INTO written_before_the_crash VALUES (1)',
    );
    const verdict = await startJournalCheck(dir, APART);
    // As root, SQLite gives the WAL it opens the database's owner (fchown), which moves its ctime.
    expect(verdict).toEqual({ verdict: 'passed', checkedAt: expect.any(Number), state: journalState(dir) });
    crashed.close();
  });
});

describe('a journal reached through a symbolic link', () => {
  it('does not vouch while the WAL beside the link’s target holds frames (SQLite keeps it there)', async () => {
    const dir = dataDirWithPreviousRelease();
    mkdirSync(join(dir, 'disk'));
    renameSync(join(dir, 'journal.sqlite'), join(dir, 'disk', 'journal.sqlite'));
    symlinkSync(join(dir, 'disk', 'journal.sqlite'), join(dir, 'journal.sqlite'));
    openJournal(dir).close();
    await pastLastChangeTick(dir);
    expect(writeCleanClose(dir, Date.now())).toBe(true);
    expect(trustedCleanClose(dir)).not.toBeNull();
    // A writer that did not close cleanly: its frames are in the target's WAL, not beside the link.
    writeFileSync(join(dir, 'disk', 'journal.sqlite-wal'), Buffer.alloc(32, 1));
    expect(trustedCleanClose(dir)).toBeNull();
  });
});

const quiet: ServiceLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };

/** A trusted start's journal, opened, with a watch whose checks apart answer as `checkApart` says. */
async function watched(
  checkApart: Parameters<typeof watchJournal>[0]['checkApart'],
  options: { readonly logger?: ServiceLogger; readonly stopWaitMs?: number } = {},
) {
  const dir = await vouchedDataDir();
  const start = await startJournalCheck(dir, APART);
  const journal = await openCheckedJournal(dir, Promise.resolve(start));
  const watch = watchJournal({
    dataDir: dir,
    backupDir: join(dir, 'backups'),
    journal,
    start,
    openedAt: Date.now(),
    firstCheckAfterMs: 0,
    logger: options.logger ?? quiet,
    checkApart,
    stopWaitMs: options.stopWaitMs ?? 200,
  });
  return { dir, start, journal, watch };
}

describe('a check apart that could not read the journal', () => {
  it('is not damage when another connection holds the journal locked: charges go on', async () => {
    const dir = dataDirWithPreviousRelease();
    const holder = new DatabaseSync(join(dir, 'journal.sqlite'));
    try {
      holder.exec('PRAGMA locking_mode = EXCLUSIVE; BEGIN EXCLUSIVE; CREATE TABLE held (x)');
      // SQLITE_BUSY after the child's busy timeout: the check could not run, nothing was found.
      await expect(checkJournalApart(join(dir, 'journal.sqlite'))).resolves.toBeNull();
    } finally {
      holder.exec('ROLLBACK');
      holder.close();
    }
  }, 20_000);

  it('says what SQLite answered when it could not open or read the file', async () => {
    const notADir = join(scratchDir('apart'), 'file');
    writeFileSync(notADir, '');
    await expect(checkJournalApart(join(notADir, 'journal.sqlite'))).resolves.toEqual({
      ok: null,
      error: expect.stringMatching(/unable to open/),
    });
  });

  it('after such an answer the stop writes no record: the next start checks before it opens', async () => {
    const logged: string[] = [];
    const logger: ServiceLogger = {
      info: (message) => logged.push(message),
      warn: (message) => logged.push(message),
      error: (message) => logged.push(message),
    };
    const answers: ApartCheck[] = [{ ok: null, error: 'disk I/O error' }];
    const { dir, start, journal, watch } = await watched(async () => answers.shift() ?? null, { logger });
    expect(start).toMatchObject({ verdict: 'trusted' });
    await watch.lastCheck();
    await watch.stop();
    journal.close();
    expect(await watch.closed()).toBe(false);
    expect(trustedCleanClose(dir)).toBeNull();
    expect(logged).toContainEqual(expect.stringMatching(/journal check could not read the journal/));
    // Charges were not stopped for it: only damage found stops them.
    expect(journal.health().fault).toBeNull();
  });

  it('a check that did not run at all (no child process) carries the older check forward', async () => {
    const { dir, start, journal, watch } = await watched(async () => null);
    await watch.lastCheck();
    await watch.stop();
    journal.close();
    expect(await watch.closed()).toBe(true);
    expect(trustedCleanClose(dir)).toBe(start.verdict === 'trusted' ? start.checkedAt : -1);
  });
});

describe('a file system that keeps file times in whole seconds', () => {
  // ext3, ext4 with 128-byte inodes (mke2fs's choice for file systems under 512 MB), FAT: a change in
  // the same second as the record keeps every time it holds. Checked by hand on a loop-mounted
  // `mkfs.ext4 -I 128`: a page overwritten right after the record was still vouched for.
  it('is recognised from the journal’s times, so the stop writes no record there', () => {
    const second = 1_796_104_567_000_000_000n;
    expect(timesInWholeSeconds({ mtimeNs: second, ctimeNs: second })).toBe(true);
    expect(timesInWholeSeconds({ mtimeNs: second, ctimeNs: second + 272_000_123n })).toBe(false);
    expect(timesInWholeSeconds({ mtimeNs: second + 4_000_000n, ctimeNs: second })).toBe(false);
  });

  it('a journal on a file system with finer times still gets its record', async () => {
    const dir = await vouchedDataDir();
    expect(trustedCleanClose(dir)).not.toBeNull();
  });
});

describe('the stop and a check apart still running', () => {
  it('ends the check and waits for it before the journal closes; the older check is carried forward', async () => {
    let ended = false;
    const { dir, start, journal, watch } = await watched(
      (_path, options) =>
        new Promise((resolve) =>
          options?.signal?.addEventListener('abort', () =>
            setTimeout(() => {
              ended = true;
              resolve(null);
            }, 20),
          ),
        ),
    );
    await watch.stop();
    expect(ended).toBe(true);
    journal.close();
    expect(await watch.closed()).toBe(true);
    expect(trustedCleanClose(dir)).toBe(start.verdict === 'trusted' ? start.checkedAt : -1);
  });

  it('damage a check found as the stop began still keeps the record from being written', async () => {
    const { dir, journal, watch } = await watched(
      (_path, options) =>
        new Promise((resolve) =>
          // The child had finished and found damage; its answer is read only after the stop began.
          options?.signal?.addEventListener('abort', () => resolve({ ok: false, problems: ['page 9: bad'] })),
        ),
    );
    await watch.stop();
    journal.close();
    expect(await watch.closed()).toBe(false);
    expect(trustedCleanClose(dir)).toBeNull();
  });

  it('damage found while a fault listener throws (its own read of the damaged journal) ends the check, not the process', async () => {
    let answer: (found: ApartCheck) => void = () => undefined;
    const { dir, journal, watch } = await watched(() => new Promise((resolve) => (answer = resolve)));
    journal.onFault(() => {
      throw new Error('database disk image is malformed'); // the status bar's read hit the damage too
    });
    answer({ ok: false, problems: ['page 9: bad'] });
    await expect(watch.lastCheck()).resolves.toBeUndefined();
    expect(journal.health().fault).toMatchObject({ code: 'journal_unavailable', sqlite: 'SQLITE_CORRUPT' });
    await watch.stop();
    journal.close();
    expect(await watch.closed()).toBe(false);
    expect(trustedCleanClose(dir)).toBeNull();
  });

  it('does not hang on a check that does not end; it then writes no record', async () => {
    const { dir, journal, watch } = await watched(() => new Promise(() => undefined));
    await watch.stop();
    journal.close();
    expect(await watch.closed()).toBe(false);
    expect(trustedCleanClose(dir)).toBeNull();
  });
});
