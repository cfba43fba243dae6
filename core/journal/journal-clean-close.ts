/**
 * The clean-close record (`journal.closed`): what lets `scanpay serve` open a large journal without
 * first waiting for `PRAGMA quick_check` over all of it (issue 20; docs/benchmarks.md, "Start over a
 * large journal"), the way a file system is not checked at mount after a clean unmount.
 *
 * The service writes it only when it stops cleanly (the journal closed, its WAL checkpointed into the
 * file, no storage fault during the run) and only if the journal passed a full check at some time:
 * `checkedAt` is when. It holds the file's identity as the operating system last saw it: device,
 * inode, size, and the modification and status-change times in nanoseconds. The status-change time
 * (ctime) moves with every write, truncation, chmod or copy over the file and cannot be set back by
 * any tool, so a journal changed by anything after the service closed it no longer matches (on a file
 * system whose times are fine enough to tell the change apart: none is written where they are whole
 * seconds, see timesInWholeSeconds).
 *
 * At the next start the record is trusted only if it parses, the file matches it exactly, no `-wal`
 * with anything in it is left (that means a writer did not close cleanly), and the check it carries is at most
 * TRUST_FOR_MS old and not from a clock's future. Whatever happens next, the record is deleted, durably,
 * before the journal is opened for writing (consumeCleanClose, from open-journal.ts): a run that then
 * crashes leaves none, and the start after it checks first.
 *
 * What the record cannot vouch for is the medium itself: a page that rots on an SD card while the
 * till is off does not change the file's times. A start that trusted the record therefore runs the
 * full check a second later in a child process (journal-check.ts, checkJournalApart), and the running
 * service repeats it every day (core/service/journal-watch.ts): damage found makes the journal
 * unhealthy, and new charges stop, exactly as a storage fault during the run does.
 */
import {
  closeSync,
  fsyncSync,
  openSync,
  readFileSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { JOURNAL_FILE } from './journal-backups.ts';

export const CLEAN_CLOSE_FILE = 'journal.closed';

/** How long a passed check vouches for a journal only clean runs of the service have changed since. */
export const TRUST_FOR_MS = 7 * 24 * 3600_000;

/** A check stamped this far after "now" means the clock was set back since: not trusted. */
const CLOCK_SLACK_MS = 5 * 60_000;

const CleanCloseRecord = z.object({
  version: z.literal(1),
  journal: z.literal(JOURNAL_FILE),
  dev: z.string(),
  ino: z.string(),
  size: z.string(),
  mtimeNs: z.string(),
  ctimeNs: z.string(),
  checkedAt: z.number().int().positive(),
  closedAt: z.number().int().positive(),
});

/** The journal file's identity, as the record keeps it (bigint stat fields as decimal strings). */
function identityOf(
  path: string,
): Omit<z.infer<typeof CleanCloseRecord>, 'version' | 'journal' | 'checkedAt' | 'closedAt'> | null {
  const stat = statSync(path, { bigint: true, throwIfNoEntry: false });
  if (!stat?.isFile()) return null;
  return {
    dev: String(stat.dev),
    ino: String(stat.ino),
    size: String(stat.size),
    mtimeNs: String(stat.mtimeNs),
    ctimeNs: String(stat.ctimeNs),
  };
}

/**
 * Where SQLite keeps the journal's WAL: beside the file the path resolves to, so beside a symbolic
 * link's target, not beside the link (SQLite's unix VFS resolves links in database names).
 */
function walPathOf(path: string): string {
  try {
    return `${realpathSync(path)}-wal`;
  } catch {
    return `${path}-wal`;
  }
}

/**
 * A WAL with frames in it means a writer did not close cleanly. An empty one is what a read-only
 * connection leaves behind (it may not delete the file): nothing in it, nothing pending.
 */
function walPending(path: string): boolean {
  return (statSync(walPathOf(path), { throwIfNoEntry: false })?.size ?? 0) > 0;
}

/**
 * The journal as the operating system shows it now, file and WAL (an empty or missing WAL counts the
 * same: a read-only check may create an empty one), as one string: the start takes it when it decides
 * how to open the journal (journal-check.ts), and the open compares it again just before it opens, so
 * that a file anything changed in between is checked by openJournal itself (open-journal.ts).
 */
export function journalState(dataDir: string): string | null {
  const path = join(dataDir, JOURNAL_FILE);
  try {
    const file = identityOf(path);
    if (!file) return null;
    const wal = statSync(walPathOf(path), { bigint: true, throwIfNoEntry: false });
    // Not the WAL's ctime: SQLite running as root gives a WAL it opens the database's owner (fchown),
    // so a read-only check moves it. Frames written change its size or modification time.
    const walState = wal && wal.size > 0n ? [String(wal.ino), String(wal.size), String(wal.mtimeNs)] : [];
    return JSON.stringify({ ...file, wal: walState });
  } catch {
    return null;
  }
}

function syncDir(dir: string): void {
  let fd: number | null = null;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // Some file systems cannot fsync a directory; the rename or unlink still happened.
  } finally {
    if (fd !== null) closeSync(fd);
  }
}

/**
 * Linux stamps file times from a coarse clock (one scheduler tick, up to 10 ms), so a write in the
 * same tick as the journal's last change would leave the times the record holds. Waiting until that
 * tick is over before the record is written closes the gap: any later write gets later times.
 */
const FILE_CLOCK_TICK_MS = 25;

/** Resolves once the coarse clock that stamped the journal's last change has moved on (see above). */
export async function pastLastChangeTick(dataDir: string): Promise<void> {
  const ctimeMs = statSync(join(dataDir, JOURNAL_FILE), { throwIfNoEntry: false })?.ctimeMs;
  if (ctimeMs === undefined) return;
  const wait = Math.min(FILE_CLOCK_TICK_MS, ctimeMs + FILE_CLOCK_TICK_MS - Date.now());
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
}

/**
 * True when both times are whole seconds: the file system keeps only seconds (ext3, ext4 with
 * 128-byte inodes, which mke2fs picks for file systems under 512 MB; FAT keeps two), so a change in
 * the same second as the record would keep every time it holds. No record is written there: the
 * start checks before it opens, as without one. (On a file system with finer times both being whole
 * seconds is about one chance in 10^18: at worst one start checks first.)
 */
export function timesInWholeSeconds(times: { readonly mtimeNs: bigint; readonly ctimeNs: bigint }): boolean {
  return times.mtimeNs % 1_000_000_000n === 0n && times.ctimeNs % 1_000_000_000n === 0n;
}

/**
 * Writes the record after a clean stop (the journal already closed). `checkedAt` is when the
 * journal last passed a full check. Written to a temporary file, flushed and renamed, so a power
 * cut leaves either no record or a whole one. Returns false (writing nothing) when the journal's
 * WAL still holds frames, the file is gone or its times are whole seconds (timesInWholeSeconds);
 * never throws: without a record the next start checks.
 */
export function writeCleanClose(dataDir: string, checkedAt: number, now = Date.now()): boolean {
  const path = join(dataDir, JOURNAL_FILE);
  try {
    if (walPending(path)) return false;
    const identity = identityOf(path);
    if (!identity) return false;
    if (timesInWholeSeconds({ mtimeNs: BigInt(identity.mtimeNs), ctimeNs: BigInt(identity.ctimeNs) }))
      return false;
    const record = { version: 1, journal: JOURNAL_FILE, ...identity, checkedAt, closedAt: now };
    const target = join(dataDir, CLEAN_CLOSE_FILE);
    const partial = `${target}.partial`;
    const fd = openSync(partial, 'w', 0o600);
    try {
      writeFileSync(fd, `${JSON.stringify(record)}\n`);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(partial, target);
    syncDir(dataDir);
    return true;
  } catch {
    return false;
  }
}

/**
 * The time of the check the record vouches with, when it can be trusted for the journal as it is
 * now (see the header), else null. Reads only; consumeCleanClose deletes it.
 */
export function trustedCleanClose(dataDir: string, now = Date.now()): number | null {
  const path = join(dataDir, JOURNAL_FILE);
  let record: z.infer<typeof CleanCloseRecord>;
  try {
    const parsed = CleanCloseRecord.safeParse(
      JSON.parse(readFileSync(join(dataDir, CLEAN_CLOSE_FILE), 'utf8')),
    );
    if (!parsed.success) return null;
    record = parsed.data;
  } catch {
    return null;
  }
  if (walPending(path)) return null;
  const identity = identityOf(path);
  if (!identity) return null;
  for (const [field, value] of Object.entries(identity)) {
    if (record[field as keyof typeof identity] !== value) return null;
  }
  if (record.checkedAt > now + CLOCK_SLACK_MS || now - record.checkedAt > TRUST_FOR_MS) return null;
  return record.checkedAt;
}

/**
 * Deletes the record, durably, before the journal is opened for writing: from here on only a
 * clean stop may vouch for the file again. Throws when it is there and cannot be deleted (the data
 * dir is not writable, so the journal could not be written either).
 */
export function consumeCleanClose(dataDir: string): void {
  const target = join(dataDir, CLEAN_CLOSE_FILE);
  if (!statSync(target, { throwIfNoEntry: false })) return;
  rmSync(target, { force: true });
  syncDir(dataDir);
}
