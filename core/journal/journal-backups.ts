/**
 * Backups of the data directory: one folder per backup holding an online copy of the journal
 * (./backup-journal.ts, integrity-checked) plus config.json and settings.json, owner-only.
 * `scanpay backup` makes `scanpay-backup-<time>/` folders; the service makes `auto-<time>/` ones
 * daily (and at start when the newest backup is older than a day) and keeps the newest N of its
 * own, never deleting an operator's backup. The newest backup of either kind is what a refused
 * start tells the operator to restore.
 */
import { chmodSync, copyFileSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { backupJournal, type JournalBackup } from './backup-journal.ts';

export const JOURNAL_FILE = 'journal.sqlite';
const SIDE_FILES = ['config.json', 'settings.json'] as const;
const AUTO_PREFIX = 'auto-';
const INCOMPLETE = '.incomplete-';
/** `<kind>-YYYYMMDD-HHMMSS[-n]` in UTC: the name, not the mtime, dates a backup (copies keep it). */
const BACKUP_NAME = /^(?:scanpay-backup|auto)-(\d{4})(\d{2})(\d{2})-(\d{2})(\d{2})(\d{2})(?:-(\d+))?$/;
export const DAY_MS = 24 * 60 * 60 * 1000;

export interface BackupEntry {
  readonly dir: string;
  readonly auto: boolean;
  /** When it was made (ms), from its name. */
  readonly at: number;
  readonly seq: number;
}

export interface WrittenBackup {
  readonly dir: string;
  readonly journal: JournalBackup;
  readonly files: readonly string[];
}

export function backupStamp(now: Date): string {
  return now.toISOString().replace(/[-:]/g, '').replace('T', '-').replace(/\..*$/, '');
}

/** Backups in `root` that hold a journal copy, newest first. */
export function listBackups(root: string): BackupEntry[] {
  if (!existsSync(root)) return [];
  const entries: BackupEntry[] = [];
  for (const name of readdirSync(root)) {
    const match = BACKUP_NAME.exec(name);
    // A folder without a journal copy is not a backup.
    if (!match || !existsSync(join(root, name, JOURNAL_FILE))) continue;
    const [y, mo, d, h, mi, sec] = match.slice(1, 7).map(Number) as [
      number,
      number,
      number,
      number,
      number,
      number,
    ];
    entries.push({
      dir: join(root, name),
      auto: name.startsWith(AUTO_PREFIX),
      at: Date.UTC(y, mo - 1, d, h, mi, sec),
      seq: Number(match[7] ?? 1),
    });
  }
  return entries.sort((a, b) => b.at - a.at || b.seq - a.seq);
}

/**
 * Writes `<root>/<prefix>-<time>/`: journal copy, config.json and settings.json, all owner-only.
 * A failed backup leaves nothing that could later be mistaken for one.
 */
export async function writeBackup(
  dataDir: string,
  root: string,
  prefix: 'scanpay-backup' | 'auto',
  now: Date,
): Promise<WrittenBackup> {
  mkdirSync(root, { recursive: true, mode: 0o700 });
  let name = `${prefix}-${backupStamp(now)}`;
  for (let n = 2; existsSync(join(root, name)); n++) name = `${prefix}-${backupStamp(now)}-${n}`;
  // Written under a hidden name and renamed when whole: a copy cut short (the service killed
  // mid-backup) never carries a backup's name, so it is never listed or offered for a restore.
  const partial = join(root, `${INCOMPLETE}${name}`);
  const dir = join(root, name);
  rmSync(partial, { recursive: true, force: true });
  // config.json may hold inline secrets and the journal holds the store's payments: owner only.
  mkdirSync(partial, { mode: 0o700 });
  try {
    const copied = await backupJournal(join(dataDir, JOURNAL_FILE), join(partial, JOURNAL_FILE));
    chmodSync(copied.path, 0o600);
    const files: string[] = [];
    for (const side of SIDE_FILES) {
      if (!existsSync(join(dataDir, side))) continue;
      copyFileSync(join(dataDir, side), join(partial, side));
      chmodSync(join(partial, side), 0o600);
      files.push(side);
    }
    renameSync(partial, dir);
    return { dir, journal: { ...copied, path: join(dir, JOURNAL_FILE) }, files };
  } catch (error) {
    rmSync(partial, { recursive: true, force: true });
    throw error;
  }
}

/** Leftovers of automatic backups cut short; the operator's own are left to them. */
function clearIncomplete(root: string): void {
  if (!existsSync(root)) return;
  for (const name of readdirSync(root)) {
    if (name.startsWith(`${INCOMPLETE}${AUTO_PREFIX}`))
      rmSync(join(root, name), { recursive: true, force: true });
  }
}

export interface AutoBackupOptions {
  readonly dataDir: string;
  readonly dir: string;
  /** Automatic backups kept (the newest); older automatic ones are deleted. */
  readonly keep: number;
  /** A backup is due when the newest (automatic or manual) is older than this. */
  readonly maxAgeMs?: number;
}

export interface AutoBackupResult {
  readonly made: WrittenBackup | null;
  readonly removed: readonly string[];
}

/**
 * Backups newest first as of `now`: one dated after `now` was made while the clock ran ahead (it has
 * been set back since), so it is older than anything made now and goes last. Otherwise it would stop
 * every new backup (never a day old) and outrank each new one when the oldest are pruned.
 */
export function byAgeAt(backups: readonly BackupEntry[], now: number): BackupEntry[] {
  return [...backups.filter((b) => b.at <= now), ...backups.filter((b) => b.at > now)];
}

/** Makes an automatic backup if the newest one is older than `maxAgeMs`, then keeps the newest `keep`. */
export async function autoBackupIfDue(options: AutoBackupOptions, now: Date): Promise<AutoBackupResult> {
  clearIncomplete(options.dir);
  const nowMs = now.getTime();
  const newest = byAgeAt(listBackups(options.dir), nowMs)[0];
  const due = !newest || newest.at > nowMs || nowMs - newest.at >= (options.maxAgeMs ?? DAY_MS);
  const made = due ? await writeBackup(options.dataDir, options.dir, 'auto', now) : null;
  const removed: string[] = [];
  for (const old of byAgeAt(listBackups(options.dir), nowMs)
    .filter((b) => b.auto)
    .slice(options.keep)) {
    rmSync(old.dir, { recursive: true, force: true });
    removed.push(old.dir);
  }
  return { made, removed };
}

export interface BackupScheduleLogger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
}

/** How often the service checks whether a backup is due: a sleeping or powered-off till catches up. */
const CHECK_EVERY_MS = 60 * 60 * 1000;

/**
 * Runs `autoBackupIfDue` now and then hourly until stopped. A failed backup is logged and tried at
 * the next check; it never stops the service.
 */
export function startBackupSchedule(
  options: AutoBackupOptions,
  logger: BackupScheduleLogger,
): { readonly first: Promise<AutoBackupResult | null>; stop(): Promise<void> } {
  let running: Promise<AutoBackupResult | null> = Promise.resolve(null);
  const run = (): Promise<AutoBackupResult | null> => {
    running = running.then(() =>
      autoBackupIfDue(options, new Date()).then(
        (result) => {
          if (result.made)
            logger.info('automatic backup made', {
              dir: result.made.dir,
              orders: result.made.journal.orders,
              removed: result.removed.length,
            });
          return result;
        },
        (error: unknown) => {
          logger.warn('automatic backup failed', { error: String((error as Error)?.message ?? error) });
          return null;
        },
      ),
    );
    return running;
  };
  const first = run();
  const timer = setInterval(() => void run(), CHECK_EVERY_MS);
  timer.unref();
  return {
    first,
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
