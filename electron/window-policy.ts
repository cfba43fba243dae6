/**
 * How our one window is made and fenced: isolated, sandboxed preload with no Node in the page, a
 * strict Content-Security-Policy, no navigation away from the renderer, no new windows, no
 * <webview>, every permission request denied; in kiosk mode, no way out by keyboard or window
 * controls while the till is locked (quit-guard.ts says when it is). Electron-free (types only) so
 * tests drive it with fakes.
 */
import type { BrowserWindowConstructorOptions } from 'electron';
import type { KioskLock } from './quit-guard.ts';
import { sameDocument } from './sender-policy.ts';
import type { ShellConfig } from './service-shape.ts';

/**
 * The page talks to the service over IPC only (connect-src 'none'); QR codes are data: images;
 * the bundle's styles are files. The renderer's index.html should carry the same policy in a
 * <meta http-equiv> tag, because response-header hooks do not run for file:// loads.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  // The spoken-confirmation clips (renderer/public/voice) play as <audio> from our own files.
  "media-src 'self'",
  "font-src 'self'",
  "connect-src 'none'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * Every window of ours renders the same way: isolated, sandboxed, no Node, no webviews, no insecure
 * content; only the preload's typed bridge reaches the app. One definition for the till's window and
 * the customer screen's, so a hardening cannot land on one and miss the other.
 */
export function isolatedWebPreferences(
  preloadPath: string,
  devTools: boolean,
): NonNullable<BrowserWindowConstructorOptions['webPreferences']> {
  return {
    preload: preloadPath,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webviewTag: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    navigateOnDragDrop: false,
    spellcheck: false,
    devTools,
  };
}

export function windowOptions(config: ShellConfig, preloadPath: string): BrowserWindowConstructorOptions {
  const kiosk = config.ui.kiosk;
  return {
    show: false,
    width: 1280,
    height: 800,
    kiosk,
    fullscreen: kiosk,
    // Window controls (Windows/macOS; Linux window managers ignore these, hence the 'close' guard).
    closable: !kiosk,
    minimizable: !kiosk,
    autoHideMenuBar: true,
    backgroundColor: '#ffffff',
    title: 'ScanPay Kiosk',
    // A till in kiosk mode has no business opening DevTools; a desktop/dev window may.
    webPreferences: isolatedWebPreferences(preloadPath, !kiosk),
  };
}

interface PreventableEvent {
  preventDefault(): void;
}

/** The webContents events this module fences (a structural subset of Electron's WebContents). */
export interface GuardedContents {
  on(
    event: 'will-navigate' | 'will-redirect',
    listener: (event: PreventableEvent, url: string) => void,
  ): unknown;
  on(event: 'will-attach-webview', listener: (event: PreventableEvent) => void): unknown;
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' }): void;
}

export function guardNavigation(
  contents: GuardedContents,
  rendererUrl: string,
  onBlocked?: (what: string) => void,
): void {
  const stayOnRenderer = (event: PreventableEvent, url: string): void => {
    if (sameDocument(url, rendererUrl)) return;
    event.preventDefault();
    onBlocked?.('navigation away from the renderer');
  };
  contents.on('will-navigate', stayOnRenderer);
  contents.on('will-redirect', stayOnRenderer);
  contents.on('will-attach-webview', (event) => {
    event.preventDefault();
    onBlocked?.('a <webview>');
  });
  contents.setWindowOpenHandler(() => {
    onBlocked?.('a new window');
    return { action: 'deny' };
  });
}

type ResponseHeaders = Record<string, string | string[]>;

/** A structural subset of Electron's Session. */
export interface SessionLike {
  readonly webRequest: {
    onHeadersReceived(
      listener: (
        details: { responseHeaders?: ResponseHeaders },
        callback: (response: { responseHeaders: ResponseHeaders }) => void,
      ) => void,
    ): void;
  };
  setPermissionRequestHandler(
    handler: (contents: unknown, permission: string, callback: (granted: boolean) => void) => void,
  ): void;
  setPermissionCheckHandler(handler: () => boolean): void;
}

export function hardenSession(session: SessionLike): void {
  session.webRequest.onHeadersReceived((details, callback) => {
    const headers: ResponseHeaders = { ...details.responseHeaders };
    for (const name of Object.keys(headers)) {
      if (name.toLowerCase() === 'content-security-policy') delete headers[name];
    }
    headers['Content-Security-Policy'] = [CONTENT_SECURITY_POLICY];
    callback({ responseHeaders: headers });
  });
  // Camera, microphone, HID, serial, notifications…: the page needs none (scanners are read in main).
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
}

/** The fields of Electron's `Input` the kiosk keyboard fence reads. */
export interface KeyInput {
  readonly type: string;
  readonly key: string;
  readonly code: string;
  readonly control?: boolean;
  readonly alt?: boolean;
  readonly meta?: boolean;
  readonly shift?: boolean;
}

/**
 * Shortcuts that close the window, quit, leave full screen or open DevTools: Alt+F4, Ctrl/Cmd+W,
 * Ctrl/Cmd+Q, Ctrl+F4, Ctrl+Shift+W, F11, F12 and Ctrl/Cmd+Shift+I. Digits, letters, Enter and
 * Escape still reach the page (and the wedge scanner).
 */
export function isKioskEscapeKey(input: KeyInput): boolean {
  const command = input.control === true || input.meta === true;
  switch (input.code) {
    case 'F4':
      return input.alt === true || command;
    case 'KeyW':
    case 'KeyQ':
      return command;
    case 'F11':
    case 'F12':
      return true;
    case 'KeyI':
      return command && input.shift === true;
    default:
      return false;
  }
}

/** A structural subset of BrowserWindow and its webContents. */
export interface KioskWindow {
  on(event: 'close', listener: (event: PreventableEvent) => void): unknown;
  on(event: 'leave-full-screen' | 'minimize' | 'session-end', listener: () => void): unknown;
  setKiosk(flag: boolean): void;
  setClosable(flag: boolean): void;
  setMinimizable(flag: boolean): void;
  restore(): void;
}

export interface KeyInputSource {
  on(event: 'before-input-event', listener: (event: PreventableEvent, input: KeyInput) => void): unknown;
}

/**
 * While `lock` is locked: escape shortcuts are swallowed, closing the window is refused, leaving full
 * screen puts it back and minimising restores it; the OS ending the session (Windows log-off or
 * shut-down) unlocks it. When the supervisor turns kiosk mode off (or on)
 * the window follows at once.
 */
export function lockKioskWindow(
  window: KioskWindow,
  contents: KeyInputSource,
  lock: KioskLock,
  onBlocked?: (what: string) => void,
): void {
  contents.on('before-input-event', (event, input) => {
    if (!lock.locked() || !isKioskEscapeKey(input)) return;
    event.preventDefault();
    if (input.type === 'keyDown') onBlocked?.(`the ${input.code} shortcut in kiosk mode`);
  });
  window.on('close', (event) => {
    if (!lock.locked()) return;
    event.preventDefault();
    onBlocked?.('closing the window in kiosk mode');
  });
  window.on('leave-full-screen', () => {
    if (lock.locked()) window.setKiosk(true);
  });
  window.on('minimize', () => {
    if (lock.locked()) window.restore();
  });
  // Windows is logging off or shutting down: a locked till must not hold the session open.
  window.on('session-end', () => lock.permitQuit('session_end'));
  lock.onChange((kiosk) => {
    window.setKiosk(kiosk);
    window.setClosable(!kiosk);
    window.setMinimizable(!kiosk);
  });
}
