/**
 * What the supervisor switches from Settings for the peripherals (auto-print, voice on/off and
 * volume), in `<data dir>/peripherals.json` so config.json is never rewritten. Config gives the
 * defaults; a stored value wins. Written atomically (temp file + rename) with mode 0600.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface PeripheralSettingsValues {
  readonly auto_print: boolean;
  readonly voice_enabled: boolean;
  readonly voice_volume: number;
}

export class PeripheralSettings {
  private readonly path: string;
  private values: PeripheralSettingsValues;

  constructor(dataDir: string, defaults: PeripheralSettingsValues) {
    this.path = join(dataDir, 'peripherals.json');
    let stored: Partial<PeripheralSettingsValues> = {};
    if (existsSync(this.path)) {
      try {
        // `null` parses too: anything but an object is no stored values.
        stored = (JSON.parse(readFileSync(this.path, 'utf8')) ?? {}) as Partial<PeripheralSettingsValues>;
      } catch {
        stored = {}; // an unreadable file falls back to config's values; the next save rewrites it
      }
    }
    this.values = {
      auto_print: typeof stored.auto_print === 'boolean' ? stored.auto_print : defaults.auto_print,
      voice_enabled:
        typeof stored.voice_enabled === 'boolean' ? stored.voice_enabled : defaults.voice_enabled,
      voice_volume:
        Number.isInteger(stored.voice_volume) && stored.voice_volume! >= 0 && stored.voice_volume! <= 100
          ? stored.voice_volume!
          : defaults.voice_volume,
    };
  }

  get(): PeripheralSettingsValues {
    return this.values;
  }

  update(patch: Partial<PeripheralSettingsValues>): PeripheralSettingsValues {
    this.values = { ...this.values, ...patch };
    const tmp = `${this.path}.tmp`;
    writeFileSync(tmp, JSON.stringify(this.values, null, 2), { mode: 0o600 });
    renameSync(tmp, this.path);
    return this.values;
  }
}
