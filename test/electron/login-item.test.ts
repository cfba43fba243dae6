import { describe, expect, it, vi } from 'vitest';
import { applyStartAtLogin } from '../../electron/login-item.ts';

describe('start at login', () => {
  it('registers the packaged app on Windows', () => {
    const app = { isPackaged: true, setLoginItemSettings: vi.fn() };
    expect(applyStartAtLogin(app, 'win32', 'C:\\Program Files\\ScanPay Kiosk\\ScanPay Kiosk.exe')).toBe(true);
    expect(app.setLoginItemSettings).toHaveBeenCalledWith({
      openAtLogin: true,
      path: 'C:\\Program Files\\ScanPay Kiosk\\ScanPay Kiosk.exe',
      args: [],
    });
  });

  it('leaves Linux to the XDG autostart entry and never registers a development run', () => {
    const packaged = { isPackaged: true, setLoginItemSettings: vi.fn() };
    expect(applyStartAtLogin(packaged, 'linux', '/opt/scanpay/scanpay-kiosk')).toBe(false);
    const dev = { isPackaged: false, setLoginItemSettings: vi.fn() };
    expect(applyStartAtLogin(dev, 'win32', 'electron.exe')).toBe(false);
    expect(packaged.setLoginItemSettings).not.toHaveBeenCalled();
    expect(dev.setLoginItemSettings).not.toHaveBeenCalled();
  });
});
