/**
 * `scanpay backup [--data DIR] [--out DIR]`: a backup of the data directory while the service or the
 * desktop app keeps running: an online copy of the journal (see core/journal/backup-journal.ts)
 * plus config.json and settings.json, into `<out>/scanpay-backup-<time>/` (default out:
 * `<data>/backups`; put it on another disk or machine). Prints one JSON line and exits 0, or the
 * error as JSON and exits 1. Key and certificate files that config.json names as `file:`, and its
 * `keychain:` entries, are listed, not copied: they belong in the operator's own secret storage.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { toErrorShape } from '../../common/errors.ts';
import { writeBackup } from '../../journal/journal-backups.ts';
import { defaultDataDir } from '../../service/data-dir.ts';
import { type CliCommand, parseArgs } from '../cli-command.ts';

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

export const command: CliCommand = {
  async run(args) {
    const { flags } = parseArgs(args, { values: ['data', 'out'] });
    const dataDir = flags.data ?? defaultDataDir();
    const outRoot = flags.out ?? join(dataDir, 'backups');
    try {
      const { dir, journal, files } = await writeBackup(dataDir, outRoot, 'scanpay-backup', new Date());
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
      console.log(JSON.stringify({ ok: false, error: toErrorShape(error) }));
      return 1;
    }
  },
};
