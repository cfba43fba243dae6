/**
 * Start at login. Windows: the app registers itself (setLoginItemSettings). Linux: the deb/AppImage
 * ships an XDG autostart entry instead (build/linux/scanpay-kiosk-autostart.desktop), which the
 * operator enables or removes; calling setLoginItemSettings there does nothing.
 */

export interface LoginItemApp {
  readonly isPackaged: boolean;
  setLoginItemSettings(settings: { openAtLogin: boolean; path?: string; args?: string[] }): void;
}

export function applyStartAtLogin(app: LoginItemApp, platform: NodeJS.Platform, execPath: string): boolean {
  // A development run (electron .) must not register the dev Electron binary as a login item.
  if (platform !== 'win32' || !app.isPackaged) return false;
  app.setLoginItemSettings({ openAtLogin: true, path: execPath, args: [] });
  return true;
}
