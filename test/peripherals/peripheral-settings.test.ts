/**
 * `<data dir>/peripherals.json` is read at every start, before the till takes a payment: whatever
 * it holds (an operator's edit, a file emptied by a disk fault), the service starts with config's
 * values rather than not at all.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PeripheralSettings } from '../../core/service/peripherals/peripheral-settings.ts';

const DEFAULTS = { auto_print: true, voice_enabled: true, voice_volume: 80 };

describe('stored peripheral settings', () => {
  it.each(['null', '[]', '"text"', '{"auto_print": "yes"}', '{not json'])(
    'falls back to the defaults when the file holds %s',
    (text) => {
      const dir = mkdtempSync(join(tmpdir(), 'scanpay-psettings-'));
      writeFileSync(join(dir, 'peripherals.json'), text);
      expect(new PeripheralSettings(dir, DEFAULTS).get()).toEqual(DEFAULTS);
    },
  );

  it('keeps a stored value that is valid', () => {
    const dir = mkdtempSync(join(tmpdir(), 'scanpay-psettings-'));
    writeFileSync(join(dir, 'peripherals.json'), '{"auto_print": false, "voice_volume": 30}');
    expect(new PeripheralSettings(dir, DEFAULTS).get()).toEqual({
      ...DEFAULTS,
      auto_print: false,
      voice_volume: 30,
    });
  });
});
