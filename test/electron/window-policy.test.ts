import { describe, expect, it } from 'vitest';
import {
  CONTENT_SECURITY_POLICY,
  type GuardedContents,
  guardNavigation,
  hardenSession,
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
