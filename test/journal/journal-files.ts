/** Scratch data directories and journal files for the journal tests. */
import { spawnSync } from 'node:child_process';
import { closeSync, copyFileSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const PREVIOUS_RELEASE = join(ROOT, 'test/fixtures/journal/previous-release.sqlite');

const made: string[] = [];

export function scratchDir(label = 'journal'): string {
  const dir = mkdtempSync(join(tmpdir(), `scanpay-${label}-`));
  made.push(dir);
  return dir;
}

/** A data dir holding a copy of release 0.1.0's journal (the fixture itself is never written). */
export function dataDirWithPreviousRelease(): string {
  const dir = scratchDir('previous');
  copyFileSync(PREVIOUS_RELEASE, join(dir, 'journal.sqlite'));
  return dir;
}

export function removeScratch(): void {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
}

export function overwrite(path: string, offset: number, bytes: Buffer): void {
  const fd = openSync(path, 'r+');
  try {
    writeSync(fd, bytes, 0, bytes.length, offset);
  } finally {
    closeSync(fd);
  }
}

/** Overwrites `length` bytes at `offset` inside the root page of table or index `name` of dir's journal. */
export function corruptRootPage(dir: string, name: string, offset: number, length: number): void {
  const path = join(dir, 'journal.sqlite');
  const db = new DatabaseSync(path, { readOnly: true });
  const { rootpage } = db.prepare('SELECT rootpage FROM sqlite_master WHERE name = ?').get(name) as {
    rootpage: number;
  };
  const { page_size } = db.prepare('PRAGMA page_size').get() as { page_size: number };
  db.close();
  overwrite(path, (rootpage - 1) * page_size + offset, Buffer.alloc(length, 0xa5));
}

/** `scanpay serve` on dir, run until it exits (a refused journal exits at once; 20 s at most). */
export function serveOnce(dir: string) {
  return spawnSync(
    join(ROOT, 'node_modules', '.bin', 'node'),
    ['bin/scanpay.js', 'serve', '--port', '0', '--data', dir],
    {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 20_000,
    },
  );
}
