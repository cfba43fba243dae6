/**
 * What the supervisor changes from the UI (language, kiosk mode, PIN), kept in `<data dir>/settings.json`
 * so the merchant's config.json is never rewritten. The PIN is stored only as a salted scrypt hash.
 * Until a PIN is set the default is 0000, and the settings view says so (pin_set: false); the access
 * policy then refuses every supervisor action but choosing a new PIN.
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

  /**
   * Constant-time check, nothing more: throttling wrong tries is per client, in the access policy
   * (core/service/api/pin-attempts.ts), so one guesser cannot lock the supervisor out.
   */
  pinMatches(pin: string): boolean {
    const stored = this.data.pin;
    if (stored) return timingSafeEqual(scryptSync(pin, stored.salt, 32), Buffer.from(stored.hash, 'hex'));
    return pin.length === DEFAULT_PIN.length && timingSafeEqual(Buffer.from(pin), Buffer.from(DEFAULT_PIN));
  }
}
