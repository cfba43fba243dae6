/** Where the terminal keeps its config, journal and logs: SCANPAY_DATA_DIR, else the OS's per-user data folder. */
import { chmodSync, mkdirSync, statSync } from 'node:fs';
import { homedir, platform } from 'node:os';
import { join } from 'node:path';

export function defaultDataDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.SCANPAY_DATA_DIR) return env.SCANPAY_DATA_DIR;
  switch (platform()) {
    case 'win32':
      return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'ScanPay Kiosk');
    case 'darwin':
      return join(homedir(), 'Library', 'Application Support', 'ScanPay Kiosk');
    default:
      return join(env.XDG_DATA_HOME ?? join(homedir(), '.local', 'share'), 'scanpay-kiosk');
  }
}

/** Files in the data dir that hold payments or secrets. */
const PRIVATE_FILES = ['config.json', 'settings.json', 'journal.sqlite', 'journal.marker'] as const;

/**
 * Makes the data dir owner-only whoever starts the service (systemd sets UMask=0077, a cashier's
 * desktop session or a shell usually 0022): umask 077 for every file the process creates from now
 * on (journal -wal/-shm, logs, backups), then explicit modes on what exists: dir 0700, files 0600.
 * A data dir this user does not own is left as it is (chmod would fail); POSIX modes do not apply
 * on Windows, where the per-user AppData folder is already private.
 */
export function secureDataDir(dir: string): void {
  process.umask(0o077);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  // Only when the mode differs: even a chmod to the same mode moves the file's status-change time,
  // which the journal's clean-close record and the start's verdict compare (core/journal/journal-clean-close.ts).
  const chmod = (path: string, mode: number) => {
    try {
      const stat = statSync(path, { throwIfNoEntry: false });
      if (stat && (stat.mode & 0o777) !== mode) chmodSync(path, mode);
    } catch {
      // not ours to change
    }
  };
  chmod(dir, 0o700);
  for (const name of PRIVATE_FILES) chmod(join(dir, name), 0o600);
}
