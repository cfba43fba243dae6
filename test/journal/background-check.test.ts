/**
 * The start-up integrity check in a child process (core/journal/journal-check.ts): it passes a
 * sound journal, never passes a damaged one, and the journal it guards is neither opened nor
 * written before its verdict; a damaged journal is refused with the same error as the inline
 * check, through the API and through `scanpay serve` (exit 78, nothing taken, nothing changed).
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CHECK_APART_BYTES, type StartCheck, startJournalCheck } from '../../core/journal/journal-check.ts';
import { JournalError } from '../../core/journal/journal-errors.ts';
import { JOURNAL_MARKER, openCheckedJournal, openJournal } from '../../core/journal/open-journal.ts';
import {
  corruptRootPage,
  dataDirWithPreviousRelease,
  removeScratch,
  scratchDir,
  serveOnce,
} from './journal-files.ts';

afterEach(removeScratch);

/** A used data dir: release 0.1.0's journal, opened once (migrated, marker written). */
function usedDataDir(): string {
  const dir = dataDirWithPreviousRelease();
  openJournal(dir).close();
  return dir;
}

const corrupt = corruptRootPage;

async function refusalOf(opening: Promise<unknown>): Promise<JournalError> {
  const error = await opening.then(
    () => new Error('the journal was opened'),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(JournalError);
  return error as JournalError;
}

function inlineRefusal(dir: string): JournalError {
  try {
    openJournal(dir).close();
  } catch (error) {
    return error as JournalError;
  }
  throw new Error('the journal was opened');
}

/** The fixture journals are small: the tests check them apart all the same. */
const APART = { minBytes: 1 };

describe('the integrity check in a child process', () => {
  it('passes a sound journal, which then opens with its open attempts', async () => {
    const dir = usedDataDir();
    const check = startJournalCheck(dir, APART);
    await expect(check).resolves.toMatchObject({ verdict: 'passed' });
    const journal = await openCheckedJournal(dir, check);
    expect(journal.unresolvedAttempts().map((a) => a.orderNo)).toEqual(['FIX-REVERSE', 'FIX-PAYING']);
    journal.close();
  });

  it('leaves a journal smaller than CHECK_APART_BYTES to the inline check', async () => {
    const dir = usedDataDir();
    expect(statSync(join(dir, 'journal.sqlite')).size).toBeLessThan(CHECK_APART_BYTES);
    await expect(startJournalCheck(dir)).resolves.toEqual({ verdict: 'none' });
  });

  it('does not pass where there is no journal yet, and a new data dir still gets one', async () => {
    const dir = scratchDir();
    const check = startJournalCheck(dir, APART);
    await expect(check).resolves.toEqual({ verdict: 'none' });
    (await openCheckedJournal(dir, check)).close();
    expect(existsSync(join(dir, JOURNAL_MARKER))).toBe(true);
  });

  it('does not pass a journal whose page fails quick_check, which is refused as the inline check refuses it', async () => {
    const dir = usedDataDir();
    corrupt(dir, 'orders', 8, 4);
    const before = readFileSync(join(dir, 'journal.sqlite'));
    const check = startJournalCheck(dir, APART);
    await expect(check).resolves.toEqual({ verdict: 'none' });
    const error = await refusalOf(openCheckedJournal(dir, check));
    expect(error.code).toBe('journal_damaged');
    expect(error.message).toMatch(/is damaged \(quick_check: .*out of range/);
    expect(error.message).toBe(inlineRefusal(dir).message);
    expect(readFileSync(join(dir, 'journal.sqlite')).equals(before)).toBe(true);
  });

  it('does not pass a journal with a page SQLite cannot read', async () => {
    const dir = usedDataDir();
    corrupt(dir, 'attempts', 0, 4096);
    const check = startJournalCheck(dir, APART);
    await expect(check).resolves.toEqual({ verdict: 'none' });
    const error = await refusalOf(openCheckedJournal(dir, check));
    expect(error.code).toBe('journal_damaged');
    expect(error.message).toMatch(/is damaged \(database disk image is malformed\)/);
  });

  it('opens nothing and writes nothing before the check has answered', async () => {
    const dir = scratchDir();
    let answer: (verdict: StartCheck) => void = () => undefined;
    const check = new Promise<StartCheck>((resolve) => {
      answer = resolve;
    });
    const opening = openCheckedJournal(dir, check);
    await new Promise((resolve) => setImmediate(resolve));
    expect(existsSync(join(dir, 'journal.sqlite'))).toBe(false);
    expect(existsSync(join(dir, JOURNAL_MARKER))).toBe(false);
    answer({ verdict: 'none' });
    (await opening).close();
    expect(existsSync(join(dir, JOURNAL_MARKER))).toBe(true);
  });

  it('scanpay serve refuses a journal that fails quick_check: exit 78, the refusal on stderr, the file unchanged', () => {
    const dir = usedDataDir();
    corrupt(dir, 'orders', 8, 4);
    const before = readFileSync(join(dir, 'journal.sqlite'));
    const run = serveOnce(dir);
    expect(run.status).toBe(78);
    expect(run.stderr).toMatch(
      /^scanpay serve: refusing to start: .*is damaged \(quick_check: .*out of range/,
    );
    expect(JSON.parse(run.stdout.trim())).toMatchObject({ ok: false, error: { code: 'journal_damaged' } });
    expect(readFileSync(join(dir, 'journal.sqlite')).equals(before)).toBe(true);
  });
});
