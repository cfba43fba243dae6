/** The settings view carries the configured wedge scanner's settings to the browser's detector. */
import { describe, expect, it } from 'vitest';
import { ScannerConfigSchema } from '../../core/scanners/scanner-config.ts';
import { wedgeView } from '../../core/service/api/settings.ts';

describe('the settings view of the wedge scanner', () => {
  it('gives the first wedge scanner of the configuration, with its defaults filled in', () => {
    const scanners = [
      ScannerConfigSchema.parse({ kind: 'hid', vendorId: 7851, productId: 4352 }),
      ScannerConfigSchema.parse({ kind: 'wedge', requireSuffix: true, minLength: 12 }),
    ];
    expect(wedgeView(scanners)).toEqual({
      max_key_gap_ms: 45,
      end_timeout_ms: 100,
      min_length: 12,
      require_suffix: true,
    });
  });

  it('is null when no wedge scanner is configured', () => {
    expect(wedgeView([ScannerConfigSchema.parse({ kind: 'serial', path: '/dev/ttyACM0' })])).toBeNull();
  });
});
