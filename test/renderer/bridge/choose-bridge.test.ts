// @vitest-environment jsdom
import { afterEach, describe, expect, it } from 'vitest';
import type { PreloadApi } from '../../../core/common/contract/api-contract.ts';
import { chooseBridge } from '../../../renderer/src/bridge/choose-bridge.ts';

const win = window as unknown as Window & typeof globalThis & { scanpay?: PreloadApi };

afterEach(() => {
  delete win.scanpay;
});

describe('choosing the bridge', () => {
  it('uses the Electron preload when window.scanpay exists (the wedge is captured in main)', () => {
    win.scanpay = { invoke: async () => ({ ok: true, value: null }), onEvent: () => () => {} };
    expect(chooseBridge(win).capturesWedgeInMain).toBe(true);
  });

  it('otherwise talks HTTP to the page origin with the page session, and the #token as a Bearer header', async () => {
    const meta = document.createElement('meta');
    meta.name = 'scanpay-session';
    meta.content = 'sess-1';
    document.head.append(meta);
    window.history.replaceState(null, '', '/?mode=qr#token=s3cret');
    const seen: { url: string; auth: string | undefined; session: string | undefined }[] = [];
    const realFetch = globalThis.fetch;
    globalThis.fetch = (async (url: string, init: RequestInit) => {
      const headers = init.headers as Record<string, string>;
      seen.push({ url, auth: headers.authorization, session: headers['x-scanpay-session'] });
      return new Response(JSON.stringify({ ok: true, value: { ok: true } }));
    }) as typeof fetch;
    try {
      const bridge = chooseBridge(win);
      expect(bridge.capturesWedgeInMain).toBe(false);
      // The token leaves the address bar (history, screenshots) and is kept for this tab only.
      expect(window.location.href).not.toContain('s3cret');
      expect(window.location.search).toBe('?mode=qr');
      await bridge.call('verifyPin', { pin: '1' });
      expect(seen).toEqual([
        { url: `${window.location.origin}/api/verifyPin`, auth: 'Bearer s3cret', session: 'sess-1' },
      ]);
      // A reload keeps working: the token comes back from sessionStorage.
      await chooseBridge(win).call('verifyPin', { pin: '1' });
      expect(seen[1]?.auth).toBe('Bearer s3cret');
    } finally {
      globalThis.fetch = realFetch;
      meta.remove();
      window.sessionStorage.clear();
    }
  });
});
