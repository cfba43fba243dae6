/** Scratch data directories and journal files for the journal tests. */
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
