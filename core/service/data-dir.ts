/** Where the terminal keeps its config, journal and logs: SCANPAY_DATA_DIR, else the OS's per-user data folder. */
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
