/**
 * `scanpay backup [--data DIR] [--out DIR]`: a backup of the data directory while the service or the
 * desktop app keeps running: an online copy of the journal (see core/journal/backup-journal.ts)
 * plus config.json and settings.json, into `<out>/scanpay-backup-<time>/` (default out:
 * `<data>/backups`; put it on another disk or machine). Prints one JSON line and exits 0, or the
 * error as JSON and exits 1. Key and certificate files that config.json names as `file:`, and its
 * `keychain:` entries, are listed, not copied: they belong in the operator's own secret storage.
 */
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { toErrorShape } from '../../common/errors.ts';
import { backupJournal } from '../../journal/backup-journal.ts';
import { defaultDataDir } from '../../service/data-dir.ts';
import { type CliCommand, parseArgs } from '../cli-command.ts';

const SIDE_FILES = ['config.json', 'settings.json'] as const;

/**
 * Secrets config.json keeps elsewhere: `file:` paths and `keychain:` entries (the references only,
 * never their contents), so the operator knows what a restore also needs.
 */
function referencedFiles(configPath: string): string[] {
  if (!existsSync(configPath)) return [];
  const found = new Set<string>();
  const walk = (value: unknown): void => {
    if (typeof value === 'string' && value.startsWith('file:')) found.add(value.slice(5));
    else if (typeof value === 'string' && value.startsWith('keychain:')) found.add(value);
    else if (Array.isArray(value)) value.forEach(walk);
    else if (value && typeof value === 'object') Object.values(value).forEach(walk);
  };
  try {
    walk(JSON.parse(readFileSync(configPath, 'utf8')));
  } catch {
    // An unreadable config is still copied as it is; the service reports what is wrong with it.
  }
  return [...found];
}

function stamp(now: Date): string {
  return now.toISOString().replace(/[-:]/g, '').replace('T', '-').replace(/\..*$/, '');
}

export const command: CliCommand = {
  async run(args) {
    const { flags } = parseArgs(args);
    const dataDir = flags.data ?? defaultDataDir();
    const outRoot = flags.out ?? join(dataDir, 'backups');
    let dir: string | undefined;
    try {
      let candidate = join(outRoot, `scanpay-backup-${stamp(new Date())}`);
      for (let n = 2; existsSync(candidate); n++)
        candidate = join(outRoot, `scanpay-backup-${stamp(new Date())}-${n}`);
      // config.json may hold inline secrets and the journal holds the store's payments: owner only.
      mkdirSync(candidate, { recursive: true, mode: 0o700 });
      dir = candidate;
      const journal = await backupJournal(join(dataDir, 'journal.sqlite'), join(dir, 'journal.sqlite'));
      chmodSync(journal.path, 0o600);
      const files: string[] = [];
      for (const name of SIDE_FILES) {
        if (!existsSync(join(dataDir, name))) continue;
        copyFileSync(join(dataDir, name), join(dir, name));
        chmodSync(join(dir, name), 0o600);
        files.push(name);
      }
      console.log(
        JSON.stringify({
          ok: true,
          dir,
          journal: { pages: journal.pages, bytes: journal.bytes, orders: journal.orders },
          files,
          not_copied: referencedFiles(join(dataDir, 'config.json')),
        }),
      );
      return 0;
    } catch (error) {
      // A failed backup leaves nothing that could later be mistaken for one.
      if (dir) rmSync(dir, { recursive: true, force: true });
      console.log(JSON.stringify({ ok: false, error: toErrorShape(error) }));
      return 1;
    }
  },
};
