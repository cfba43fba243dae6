/**
 * Automatic backups: made when the newest backup is a day old (or there is none), never when a
 * fresh one exists, integrity-checked copies of the live journal with config and settings, the
 * newest N automatic ones kept and the operator's own backups never deleted.
 */
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterEach, describe, expect, it } from 'vitest';
import {
  autoBackupIfDue,
  backupStamp,
  DAY_MS,
  listBackups,
  startBackupSchedule,
} from '../../core/journal/journal-backups.ts';
import { openJournal, restoreAdvice } from '../../core/journal/open-journal.ts';
import { startServiceHarness } from '../service/service-harness.ts';
import { dataDirWithPreviousRelease, removeScratch } from './journal-files.ts';

afterEach(removeScratch);

/** An operator's `scanpay backup` folder made at `at`. */
function manualBackup(dir: string, at: number): string {
  const path = join(dir, `scanpay-backup-${backupStamp(new Date(at))}`);
  mkdirSync(path, { recursive: true });
  writeFileSync(join(path, 'journal.sqlite'), 'x');
  return path;
}

function setup() {
  const dataDir = dataDirWithPreviousRelease();
  openJournal(dataDir).close();
  writeFileSync(join(dataDir, 'config.json'), '{"terminal_id":"T7"}');
  return { dataDir, dir: join(dataDir, 'backups') };
}

describe('automatic backups', () => {
  it('makes a whole, checked copy when there is none, and none while the newest is fresh', async () => {
    const { dataDir, dir } = setup();
    const now = new Date();
    const first = await autoBackupIfDue({ dataDir, dir, keep: 7 }, now);
    expect(first.made).toMatchObject({ files: ['config.json'], journal: { orders: 3 } });
    expect(first.made!.dir).toMatch(/\/auto-\d{8}-\d{6}$/);
    const copy = new DatabaseSync(join(first.made!.dir, 'journal.sqlite'), { readOnly: true });
    expect(copy.prepare('PRAGMA integrity_check').get()).toEqual({ integrity_check: 'ok' });
    copy.close();
    expect(
      (await autoBackupIfDue({ dataDir, dir, keep: 7 }, new Date(now.getTime() + 60_000))).made,
    ).toBeNull();
  });

  it('counts a manual backup as fresh, and makes a new one when the newest is a day old', async () => {
    const { dataDir, dir } = setup();
    const made = Date.UTC(2026, 10, 20, 2, 0, 0);
    manualBackup(dir, made);
    const now = (ms: number) => new Date(made + ms);
    expect((await autoBackupIfDue({ dataDir, dir, keep: 7 }, now(DAY_MS - 1000))).made).toBeNull();
    expect((await autoBackupIfDue({ dataDir, dir, keep: 7 }, now(DAY_MS))).made).not.toBeNull();
  });

  it('keeps the newest N automatic backups and never deletes the operator’s', async () => {
    const { dataDir, dir } = setup();
    manualBackup(dir, Date.UTC(2020, 0, 1));
    const start = Date.UTC(2026, 10, 1, 2, 0, 0);
    for (let day = 0; day < 5; day++) {
      expect(
        (await autoBackupIfDue({ dataDir, dir, keep: 3 }, new Date(start + day * DAY_MS))).made,
      ).not.toBeNull();
    }
    const result = await autoBackupIfDue({ dataDir, dir, keep: 3 }, new Date(start + 5 * DAY_MS));
    expect(result.made).not.toBeNull();
    expect(readdirSync(dir).sort()).toEqual([
      'auto-20261104-020000',
      'auto-20261105-020000',
      'auto-20261106-020000',
      'scanpay-backup-20200101-000000',
    ]);
    expect(result.removed.map((d) => d.slice(-20))).toEqual(['auto-20261103-020000']);
    expect(listBackups(dir)[0]!.dir).toBe(result.made!.dir);
  });

  it('after the clock was set back, backups dated in the future neither stop new ones nor outlive them', async () => {
    const { dataDir, dir } = setup();
    // The till's clock ran a year ahead for three days (three automatic backups), then was corrected.
    const ahead = Date.UTC(2027, 10, 1, 2, 0, 0);
    for (let day = 0; day < 3; day++) {
      expect(
        (await autoBackupIfDue({ dataDir, dir, keep: 3 }, new Date(ahead + day * DAY_MS))).made,
      ).not.toBeNull();
    }
    const today = Date.UTC(2026, 10, 4, 2, 0, 0);
    const first = await autoBackupIfDue({ dataDir, dir, keep: 3 }, new Date(today));
    expect(first.made).not.toBeNull();
    // The copy made now survives its own pruning: the future-dated ones were made before it.
    expect(existsSync(first.made!.dir)).toBe(true);
    expect(first.removed.map((d) => d.slice(-20))).toEqual(['auto-20271101-020000']);
    // And the daily rhythm goes on from the corrected clock.
    expect((await autoBackupIfDue({ dataDir, dir, keep: 3 }, new Date(today + 3600_000))).made).toBeNull();
    const next = await autoBackupIfDue({ dataDir, dir, keep: 3 }, new Date(today + DAY_MS));
    expect(next.made).not.toBeNull();
    expect(existsSync(next.made!.dir) && existsSync(first.made!.dir)).toBe(true);
  });

  it('a refused start names the newest backup by the corrected clock, not one dated in the future', () => {
    const { dataDir, dir } = setup();
    manualBackup(dir, Date.now() + 365 * DAY_MS);
    const recent = manualBackup(dir, Date.now() - 3600_000);
    expect(restoreAdvice(dataDir, dir)).toContain(join(recent, 'journal.sqlite'));
  });

  it('a failed backup is logged, leaves no folder behind, and does not throw', async () => {
    const { dataDir, dir } = setup();
    const warnings: unknown[] = [];
    const schedule = startBackupSchedule(
      { dataDir: join(dataDir, 'no-such-dir'), dir, keep: 7 },
      { info: () => {}, warn: (message, fields) => warnings.push({ message, fields }) },
    );
    expect(await schedule.first).toBeNull();
    await schedule.stop();
    expect(warnings).toEqual([
      { message: 'automatic backup failed', fields: { error: expect.stringMatching(/no journal/) } },
    ]);
    expect(existsSync(dir) ? readdirSync(dir) : []).toEqual([]);
  });

  it('a backup cut short (the service killed mid-copy) is never listed, and the next run clears it', async () => {
    const { dataDir, dir } = setup();
    // What a SIGKILL in the middle of writeBackup leaves: a folder with part of a journal copy.
    const { made } = await autoBackupIfDue({ dataDir, dir, keep: 7 }, new Date(Date.UTC(2026, 10, 1)));
    const leftovers = readdirSync(dir).filter((name) => name !== made!.dir.split('/').at(-1));
    expect(leftovers).toEqual([]);
    const partial = join(dir, '.incomplete-auto-20261130-020000');
    mkdirSync(partial);
    writeFileSync(join(partial, 'journal.sqlite'), 'SQLite format 3\0 torn');
    expect(listBackups(dir).map((b) => b.dir)).toEqual([made!.dir]);
    const next = await autoBackupIfDue({ dataDir, dir, keep: 7 }, new Date(Date.UTC(2026, 10, 30, 3)));
    expect(next.made).not.toBeNull();
    expect(existsSync(partial)).toBe(false);
  });

  it('is self-contained: one journal file, no -wal or -shm beside it to forget when restoring', async () => {
    const { dataDir, dir } = setup();
    const { made } = await autoBackupIfDue({ dataDir, dir, keep: 7 }, new Date(Date.UTC(2026, 10, 1)));
    expect(readdirSync(dir)).toEqual([made!.dir.split('/').at(-1)]);
    expect(readdirSync(made!.dir).sort()).toEqual(['config.json', 'journal.sqlite']);
  });

  it('the service makes one at start where config.json says (a relative dir is inside the data dir)', async () => {
    const h = await startServiceHarness({ config: { backups: { keep: 2, dir: 'nightly' } } });
    try {
      await h.service.stop(); // waits for the backup under way
      const made = readdirSync(join(h.dataDir, 'nightly'));
      expect(made).toHaveLength(1);
      expect(made[0]).toMatch(/^auto-\d{8}-\d{6}$/);
      expect(existsSync(join(h.dataDir, 'backups'))).toBe(false);
    } finally {
      await h.close();
    }
  });
});
