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

  it('otherwise talks HTTP to the page origin and sends the ?token as a Bearer header', async () => {
    window.history.replaceState(null, '', '/?token=s3cret&mode=qr');
    const seen: { url: string; auth: string | undefined }[] = [];
    const realFetch = globalThis.fetch;
    globalThis.fetch = (async (url: string, init: RequestInit) => {
      seen.push({ url, auth: (init.headers as Record<string, string>).authorization });
      return new Response(JSON.stringify({ ok: true, value: { ok: true } }));
    }) as typeof fetch;
    try {
      const bridge = chooseBridge(win);
      expect(bridge.capturesWedgeInMain).toBe(false);
      await bridge.call('verifyPin', { pin: '1' });
      expect(seen).toEqual([{ url: `${window.location.origin}/api/verifyPin`, auth: 'Bearer s3cret' }]);
    } finally {
      globalThis.fetch = realFetch;
    }
  });
});
