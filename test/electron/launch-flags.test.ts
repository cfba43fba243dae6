import { describe, expect, it } from 'vitest';
import { kioskFlag, withLaunchFlags } from '../../electron/launch-flags.ts';

describe('kiosk-mode switch', () => {
  const config = { ui: { kiosk: false, mode: 'cashier' as const }, updates: { url: 'http://u/' } };

  it('keeps the configured mode without a flag', () => {
    expect(withLaunchFlags(config, ['/opt/ScanPay Kiosk/scanpay-kiosk'])).toBe(config);
  });

  it('--kiosk forces kiosk mode, --no-kiosk a normal window; the last flag wins', () => {
    expect(withLaunchFlags(config, ['x', '--kiosk'])).toEqual({
      ...config,
      ui: { kiosk: true, mode: 'cashier' },
    });
    expect(kioskFlag(['--kiosk', '--no-kiosk'])).toBe(false);
    expect(kioskFlag(['--no-kiosk', '--kiosk'])).toBe(true);
    expect(kioskFlag(['--kiosk=1', 'kiosk'])).toBeUndefined();
  });
});
