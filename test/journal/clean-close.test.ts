/**
 * The clean-close record (core/journal/journal-clean-close.ts) and the checks the running service
 * runs apart (core/service/journal-watch.ts): a record vouches only for a journal nothing changed
 * since a clean stop, is deleted before the journal is written again, and a start that trusted it
 * still finds damage the record could not see, a second later, stopping new charges; so does the daily check
 * of a running service.
 */
import {
  chmodSync,
  copyFileSync,
  existsSync,
  readFileSync,
  renameSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startJournalCheck } from '../../core/journal/journal-check.ts';
import {
  CLEAN_CLOSE_FILE,
  consumeCleanClose,
  pastLastChangeTick,
  TRUST_FOR_MS,
  trustedCleanClose,
  writeCleanClose,
} from '../../core/journal/journal-clean-close.ts';
import { openJournal } from '../../core/journal/open-journal.ts';
import { type KioskService, startKioskService } from '../../core/service/kiosk-service.ts';
import { corruptRootPage, dataDirWithPreviousRelease, overwrite, removeScratch } from './journal-files.ts';

/** The fixture journals are small: the tests let the start check them apart all the same. */
const APART = { minBytes: 1 };

let service: KioskService | undefined;
afterEach(async () => {
  await service?.stop();
  service = undefined;
  removeScratch();
});

/** A used data dir whose journal was opened (migrated, marker written) and closed cleanly. */
function closedDataDir(): string {
  const dir = dataDirWithPreviousRelease();
  openJournal(dir).close();
  return dir;
}

function start(dir: string, checkEveryMs?: number): Promise<KioskService> {
  return startKioskService({
    dataDir: dir,
    journalCheck: startJournalCheck(dir, APART),
    ...(checkEveryMs ? { journalCheckEveryMs: checkEveryMs } : {}),
  });
}

async function until(condition: () => Promise<boolean> | boolean, what: string): Promise<void> {
  for (let tries = 0; tries < 400; tries++) {
    if (await condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`timed out waiting for ${what}`);
}

function logLines(dir: string): { message: string; level: string; [key: string]: unknown }[] {
  return readFileSync(join(dir, 'logs', 'scanpay.log'), 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line));
}

describe('the clean-close record', () => {
  const checkedAt = Date.UTC(2026, 11, 1, 8, 0, 0);
  const now = checkedAt + 3600_000;

  it('vouches for the journal exactly as it was closed, with the time of its last passed check', () => {
    const dir = closedDataDir();
    expect(writeCleanClose(dir, checkedAt, now)).toBe(true);
    expect(trustedCleanClose(dir, now)).toBe(checkedAt);
  });

  it('does not vouch once anything wrote to the file, even with its size and modification time put back', async () => {
    const dir = closedDataDir();
    const path = join(dir, 'journal.sqlite');
    // As the service does: without it, on a kernel whose file times come from the coarse clock, a
    // change in the same tick as the close would keep the times (the test would depend on timing).
    const second = 1_796_000_000; // a whole second: utimes can put it back to the nanosecond
    utimesSync(path, second, second);
    await pastLastChangeTick(dir);
    expect(writeCleanClose(dir, checkedAt, now)).toBe(true);
    const before = statSync(path, { bigint: true });
    overwrite(path, 100, Buffer.from('ScanPay!')); // in place: the size stays
    utimesSync(path, second, second); // the modification time put back, as `touch -r` does
    const after = statSync(path, { bigint: true });
    expect([after.size, after.mtimeNs, after.ino]).toEqual([before.size, before.mtimeNs, before.ino]);
    // The status-change time moved; nothing can set it back.
    expect(trustedCleanClose(dir, now)).toBeNull();
  });

  it('does not vouch for a copy put in the file’s place (another inode), nor with a WAL holding frames beside it', () => {
    const dir = closedDataDir();
    const path = join(dir, 'journal.sqlite');
    writeCleanClose(dir, checkedAt, now);
    copyFileSync(path, `${path}.copy`);
    renameSync(`${path}.copy`, path);
    expect(trustedCleanClose(dir, now)).toBeNull();

    writeCleanClose(dir, checkedAt, now);
    expect(trustedCleanClose(dir, now)).toBe(checkedAt);
    writeFileSync(`${path}-wal`, ''); // what a read-only connection leaves: nothing pending
    expect(trustedCleanClose(dir, now)).toBe(checkedAt);
    writeFileSync(`${path}-wal`, Buffer.alloc(32, 1)); // frames a writer never checkpointed
    expect(trustedCleanClose(dir, now)).toBeNull();
  });

  it('is written only once the coarse clock that stamped the journal’s last change has moved on', async () => {
    const dir = closedDataDir();
    chmodSync(join(dir, 'journal.sqlite'), 0o600); // a change now
    const { ctimeMs } = statSync(join(dir, 'journal.sqlite'));
    await pastLastChangeTick(dir);
    // A write from here on is stamped later than the times the record will hold.
    expect(Date.now()).toBeGreaterThanOrEqual(ctimeMs + 10);
  });

  it('does not vouch with a check older than TRUST_FOR_MS or from a clock set back since', () => {
    const dir = closedDataDir();
    writeCleanClose(dir, checkedAt, now);
    expect(trustedCleanClose(dir, checkedAt + TRUST_FOR_MS)).toBe(checkedAt);
    expect(trustedCleanClose(dir, checkedAt + TRUST_FOR_MS + 1)).toBeNull();
    expect(trustedCleanClose(dir, checkedAt - 3600_000)).toBeNull();
  });

  it('a damaged or foreign record vouches for nothing and is not an error', () => {
    const dir = closedDataDir();
    for (const text of ['', '{', '{"version":1}', 'null', JSON.stringify({ version: 2 })]) {
      writeFileSync(join(dir, CLEAN_CLOSE_FILE), text);
      expect(trustedCleanClose(dir, now)).toBeNull();
    }
  });

  it('is deleted when the journal opens, so a run that crashes leaves none behind', async () => {
    const dir = closedDataDir();
    writeCleanClose(dir, Date.now());
    await expect(startJournalCheck(dir, APART)).resolves.toMatchObject({ verdict: 'trusted' });
    const journal = openJournal(dir);
    expect(existsSync(join(dir, CLEAN_CLOSE_FILE))).toBe(false);
    // A crash: the journal is never closed. The next start checks first.
    await expect(startJournalCheck(dir, APART)).resolves.toMatchObject({ verdict: 'passed' });
    journal.close();
    consumeCleanClose(dir); // nothing there: no error
  });
});

describe('the service and the record', () => {
  it('writes the record at a clean stop; the next start trusts it and still checks the journal right after', async () => {
    const dir = closedDataDir();
    service = await start(dir);
    await service.stop();
    service = undefined;
    const checkedAt = trustedCleanClose(dir);
    expect(checkedAt).not.toBeNull();
    await expect(startJournalCheck(dir, APART)).resolves.toMatchObject({ verdict: 'trusted', checkedAt });

    service = await start(dir);
    expect(existsSync(join(dir, CLEAN_CLOSE_FILE))).toBe(false);
    await until(() => logLines(dir).some((l) => l.message === 'journal check passed'), 'the check apart');
    expect((await service.api.health({})).ready).toBe(true);
    await service.stop();
    service = undefined;
    // The check of this run is the one the new record carries.
    expect(trustedCleanClose(dir)).toBeGreaterThan(checkedAt!);
  });

  it('a stop while the check apart still runs ends it, closes the journal whole and vouches again', async () => {
    const dir = closedDataDir();
    const checkedAt = Date.now() - 3600_000;
    writeCleanClose(dir, checkedAt);
    service = await start(dir);
    await service.stop(); // at once: the check after a trusted start has not even begun
    service = undefined;
    expect(statSync(join(dir, 'journal.sqlite-wal'), { throwIfNoEntry: false })?.size ?? 0).toBe(0);
    // The older check is carried forward when this run's did not finish.
    expect(trustedCleanClose(dir)).toBeGreaterThanOrEqual(checkedAt);
  });

  it('a start the record vouched for finds damage the record could not see: charges stop, the log says which backup', async () => {
    const dir = closedDataDir();
    // A page of an index the start neither reads nor writes (attempts by payment code, read when a
    // code is scanned) rotted while the till was off: the file's times did not move, the record still matches.
    corruptRootPage(dir, 'attempts_code', 8, 4);
    writeCleanClose(dir, Date.now());
    service = await start(dir);
    await until(async () => (await service!.api.health({})).ready === false, 'the journal fault');
    expect((await service.api.health({})).journal_error).toMatchObject({
      code: 'journal_unavailable',
      message: expect.stringMatching(/integrity check found damage \(.*out of range/),
    });
    await expect(
      service.engine.pay({
        total_fee: 100,
        subject: 'x',
        out_trade_no: 'AFTER-DAMAGE',
        auth_code: '134567890123456789',
      }),
    ).rejects.toMatchObject({ code: 'journal_unavailable' });
    const found = logLines(dir).find((l) => l.message.startsWith('journal check found damage'));
    expect(found).toMatchObject({
      level: 'error',
      problems: expect.arrayContaining([expect.stringMatching(/out of range/)]),
    });
    expect(found!.message).toMatch(/copy .* to .*journal\.sqlite/);
    await service.stop();
    service = undefined;
    // No record after a run with a damaged journal: the next start refuses it before opening.
    expect(existsSync(join(dir, CLEAN_CLOSE_FILE))).toBe(false);
    await expect(startJournalCheck(dir, APART)).resolves.toEqual({ verdict: 'none' });
  });

  it('a running service checks its journal again on schedule and stops charges on damage that appears later', async () => {
    const dir = closedDataDir();
    service = await start(dir, 200);
    await until(() => logLines(dir).some((l) => l.message === 'journal check passed'), 'a first daily check');
    expect((await service.api.health({})).ready).toBe(true);
    corruptRootPage(dir, 'orders_created', 8, 4);
    await until(async () => (await service!.api.health({})).ready === false, 'the damage to be found');
    expect(logLines(dir).some((l) => l.message.startsWith('journal check found damage'))).toBe(true);
  });
});
