import { describe, expect, it } from 'vitest';
import { createKioskLock } from '../../electron/quit-guard.ts';
import {
  CONTENT_SECURITY_POLICY,
  type GuardedContents,
  guardNavigation,
  hardenSession,
  isKioskEscapeKey,
  type KeyInput,
  type KeyInputSource,
  type KioskWindow,
  lockKioskWindow,
  type SessionLike,
  windowOptions,
} from '../../electron/window-policy.ts';
import { RENDERER_URL } from './fakes/fake-ipc.ts';

type Listener = (...args: never[]) => void;

function fakeContents() {
  const listeners = new Map<string, Listener>();
  let openHandler: ((details: { url: string }) => { action: 'deny' }) | null = null;
  const contents: GuardedContents = {
    on(event: string, listener: Listener) {
      listeners.set(event, listener);
      return contents;
    },
    setWindowOpenHandler(handler) {
      openHandler = handler;
    },
  };
  const fire = (name: string, url?: string) => {
    let prevented = false;
    const listener = listeners.get(name) as
      | ((e: { preventDefault(): void }, url?: string) => void)
      | undefined;
    if (listener === undefined) throw new Error(`no ${name} listener`);
    listener({ preventDefault: () => (prevented = true) }, url);
    return prevented;
  };
  return { contents, fire, open: (url: string) => openHandler?.({ url }) };
}

describe('window options', () => {
  it('isolates and sandboxes the page with no Node integration', () => {
    const prefs = windowOptions({ ui: { kiosk: false, mode: 'cashier' } }, '/app/preload.cjs')
      .webPreferences!;
    expect(prefs).toMatchObject({
      preload: '/app/preload.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInSubFrames: false,
      nodeIntegrationInWorker: false,
      webviewTag: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
    });
  });

  it('follows the kiosk switch: fullscreen kiosk without DevTools, or a normal window', () => {
    const kiosk = windowOptions({ ui: { kiosk: true, mode: 'qr' } }, '/p');
    expect(kiosk).toMatchObject({ kiosk: true, fullscreen: true, webPreferences: { devTools: false } });
    const desk = windowOptions({ ui: { kiosk: false, mode: 'cashier' } }, '/p');
    expect(desk).toMatchObject({ kiosk: false, fullscreen: false, webPreferences: { devTools: true } });
  });
});

describe('navigation guards', () => {
  it('blocks navigation and redirects away from the renderer, allows reloading it', () => {
    const f = fakeContents();
    const blocked: string[] = [];
    guardNavigation(f.contents, RENDERER_URL, (what) => blocked.push(what));
    expect(f.fire('will-navigate', 'https://evil.example/')).toBe(true);
    expect(f.fire('will-navigate', 'file:///etc/passwd')).toBe(true);
    expect(f.fire('will-redirect', 'http://127.0.0.1:8080/')).toBe(true);
    expect(f.fire('will-navigate', 'not a url')).toBe(true);
    expect(f.fire('will-navigate', `${RENDERER_URL}#/history`)).toBe(false);
    expect(blocked).toHaveLength(4);
  });

  it('denies every new window and <webview>', () => {
    const f = fakeContents();
    guardNavigation(f.contents, RENDERER_URL);
    expect(f.open('https://pay.example/')).toEqual({ action: 'deny' });
    expect(f.open(RENDERER_URL)).toEqual({ action: 'deny' });
    expect(f.fire('will-attach-webview')).toBe(true);
  });
});

describe('session hardening', () => {
  function fakeSession() {
    const calls: {
      headers?: Parameters<SessionLike['webRequest']['onHeadersReceived']>[0];
      request?: Parameters<SessionLike['setPermissionRequestHandler']>[0];
      check?: () => boolean;
    } = {};
    const session: SessionLike = {
      webRequest: { onHeadersReceived: (l) => (calls.headers = l) },
      setPermissionRequestHandler: (h) => (calls.request = h),
      setPermissionCheckHandler: (h) => (calls.check = h),
    };
    return { session, calls };
  }

  it('replaces any Content-Security-Policy header with ours', () => {
    const { session, calls } = fakeSession();
    hardenSession(session);
    let out: Record<string, string | string[]> = {};
    calls.headers!(
      { responseHeaders: { 'content-security-policy': ['default-src *'], 'X-Other': ['1'] } },
      (r) => {
        out = r.responseHeaders;
      },
    );
    expect(out).toEqual({ 'X-Other': ['1'], 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] });
  });

  it('uses a policy with no remote script, no eval, no connections and no plugins', () => {
    expect(CONTENT_SECURITY_POLICY).toContain("default-src 'none'");
    expect(CONTENT_SECURITY_POLICY).toContain("script-src 'self'");
    expect(CONTENT_SECURITY_POLICY).not.toContain('unsafe-eval');
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/script-src[^;]*unsafe-inline/);
    expect(CONTENT_SECURITY_POLICY).toContain("connect-src 'none'");
    expect(CONTENT_SECURITY_POLICY).toContain("object-src 'none'");
  });

  it('denies every permission request and check', () => {
    const { session, calls } = fakeSession();
    hardenSession(session);
    const answers: boolean[] = [];
    for (const p of ['media', 'hid', 'serial', 'notifications'])
      calls.request!({}, p, (g) => answers.push(g));
    expect(answers).toEqual([false, false, false, false]);
    expect(calls.check!()).toBe(false);
  });
});

describe('kiosk window', () => {
  function fakeWindow() {
    const listeners = new Map<string, ((...args: never[]) => void)[]>();
    const calls: string[] = [];
    const on = (event: string, listener: (...args: never[]) => void) => {
      listeners.set(event, [...(listeners.get(event) ?? []), listener]);
      return undefined;
    };
    const window: KioskWindow = {
      on,
      setKiosk: (flag) => calls.push(`setKiosk(${flag})`),
      setClosable: (flag) => calls.push(`setClosable(${flag})`),
      setMinimizable: (flag) => calls.push(`setMinimizable(${flag})`),
      restore: () => calls.push('restore'),
    };
    const contents: KeyInputSource = { on };
    const emit = (event: string, ...args: unknown[]) => {
      let prevented = false;
      for (const listener of listeners.get(event) ?? [])
        (listener as (...a: unknown[]) => void)({ preventDefault: () => (prevented = true) }, ...args);
      return prevented;
    };
    const key = (code: string, modifiers: Partial<KeyInput> = {}) =>
      emit('before-input-event', { type: 'keyDown', key: code, code, ...modifiers });
    const plain = (event: string) => {
      for (const listener of listeners.get(event) ?? []) (listener as () => void)();
    };
    return { window, contents, calls, emit, key, plain };
  }

  it('swallows the shortcuts that close, quit or leave full screen while locked', () => {
    const w = fakeWindow();
    const blocked: string[] = [];
    lockKioskWindow(w.window, w.contents, createKioskLock(true), (what) => blocked.push(what));
    expect(w.key('F4', { alt: true })).toBe(true);
    expect(w.key('KeyW', { control: true })).toBe(true);
    expect(w.key('KeyQ', { control: true })).toBe(true);
    expect(w.key('KeyQ', { meta: true })).toBe(true);
    expect(w.key('F4', { control: true })).toBe(true);
    expect(w.key('F11')).toBe(true);
    expect(w.key('F12')).toBe(true);
    expect(w.key('KeyI', { control: true, shift: true })).toBe(true);
    expect(blocked).toHaveLength(8);
    expect(blocked[0]).toContain('F4');
  });

  it('lets the cashier type: digits, letters, Enter, Escape and plain F4 reach the page', () => {
    const w = fakeWindow();
    lockKioskWindow(w.window, w.contents, createKioskLock(true));
    for (const code of ['Digit1', 'KeyW', 'KeyQ', 'Enter', 'Escape', 'F4', 'Backspace'])
      expect(w.key(code)).toBe(false);
    expect(w.key('KeyI', { control: true })).toBe(false);
  });

  it('refuses to close, returns to full screen and restores a minimised window while locked', () => {
    const w = fakeWindow();
    lockKioskWindow(w.window, w.contents, createKioskLock(true));
    expect(w.emit('close')).toBe(true);
    w.plain('leave-full-screen');
    w.plain('minimize');
    expect(w.calls).toEqual(['setKiosk(true)', 'restore']);
  });

  it('is an ordinary window once the supervisor turned kiosk mode off, and follows it back on', () => {
    const w = fakeWindow();
    const lock = createKioskLock(true);
    lockKioskWindow(w.window, w.contents, lock);
    lock.setKiosk(false);
    expect(w.calls).toEqual(['setKiosk(false)', 'setClosable(true)', 'setMinimizable(true)']);
    expect(w.key('F4', { alt: true })).toBe(false);
    expect(w.emit('close')).toBe(false);
    w.plain('leave-full-screen');
    expect(w.calls).toHaveLength(3);
    lock.setKiosk(true);
    expect(w.calls.slice(3)).toEqual(['setKiosk(true)', 'setClosable(false)', 'setMinimizable(false)']);
    expect(w.emit('close')).toBe(true);
  });

  it('does not fence a desktop (non-kiosk) window, nor one whose quit is permitted (SIGTERM, update)', () => {
    const desk = fakeWindow();
    lockKioskWindow(desk.window, desk.contents, createKioskLock(false));
    expect(desk.key('F4', { alt: true })).toBe(false);
    expect(desk.emit('close')).toBe(false);
    const ending = fakeWindow();
    const lock = createKioskLock(true);
    lockKioskWindow(ending.window, ending.contents, lock);
    lock.permitQuit('signal');
    expect(ending.emit('close')).toBe(false);
  });

  it('lets Windows log off or shut down a locked kiosk', () => {
    const w = fakeWindow();
    const lock = createKioskLock(true);
    lockKioskWindow(w.window, w.contents, lock);
    expect(w.emit('close')).toBe(true);
    w.plain('session-end');
    expect(lock.locked()).toBe(false);
    expect(w.emit('close')).toBe(false);
  });

  it('recognises the escape shortcuts by key position, whatever the layout prints', () => {
    expect(isKioskEscapeKey({ type: 'keyDown', key: 'ц', code: 'KeyW', control: true })).toBe(true);
    expect(isKioskEscapeKey({ type: 'keyDown', key: 'w', code: 'KeyW' })).toBe(false);
  });

  it('builds the kiosk window without close or minimise controls', () => {
    expect(windowOptions({ ui: { kiosk: true, mode: 'cashier' } }, '/p')).toMatchObject({
      closable: false,
      minimizable: false,
    });
    expect(windowOptions({ ui: { kiosk: false, mode: 'cashier' } }, '/p')).toMatchObject({
      closable: true,
      minimizable: true,
    });
  });
});
