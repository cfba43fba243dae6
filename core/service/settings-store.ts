/**
 * What the supervisor changes from the UI (language, kiosk mode, PIN), kept in `<data dir>/settings.json`
 * so the merchant's config.json is never rewritten. The PIN is stored only as a salted scrypt hash.
 * Until a PIN is set the default is 0000, and the settings view says so (pin_set: false).
 */
import { randomBytes, scryptSync, timingSafeEqual } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const DEFAULT_PIN = '0000';

export interface StoredSettings {
  language?: 'zh-CN' | 'en';
  kiosk?: boolean;
  pin?: { salt: string; hash: string };
}

export class SettingsStore {
  private readonly path: string;
  private data: StoredSettings;
  private failures = 0;
  private lockedUntil = 0;

  constructor(dataDir: string) {
    this.path = join(dataDir, 'settings.json');
    this.data = existsSync(this.path) ? (JSON.parse(readFileSync(this.path, 'utf8')) as StoredSettings) : {};
  }

  get(): Readonly<StoredSettings> {
    return this.data;
  }

  update(patch: Partial<StoredSettings>): void {
    this.data = { ...this.data, ...patch };
    const tmp = `${this.path}.tmp`;
    writeFileSync(tmp, JSON.stringify(this.data, null, 2), { mode: 0o600 });
    renameSync(tmp, this.path);
  }

  setPin(pin: string): void {
    const salt = randomBytes(16).toString('hex');
    this.update({ pin: { salt, hash: scryptSync(pin, salt, 32).toString('hex') } });
  }

  get pinSet(): boolean {
    return this.data.pin !== undefined;
  }

  /** Constant-time check; five wrong PINs in a row lock checks for 30 s. */
  verifyPin(pin: string, now: number): boolean {
    if (now < this.lockedUntil) return false;
    const stored = this.data.pin;
    const ok = stored
      ? timingSafeEqual(scryptSync(pin, stored.salt, 32), Buffer.from(stored.hash, 'hex'))
      : pin.length === DEFAULT_PIN.length && timingSafeEqual(Buffer.from(pin), Buffer.from(DEFAULT_PIN));
    if (ok) {
      this.failures = 0;
      return true;
    }
    this.failures++;
    if (this.failures >= 5) {
      this.lockedUntil = now + 30_000;
      this.failures = 0;
    }
    return false;
  }
}
