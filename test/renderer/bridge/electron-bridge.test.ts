import { describe, expect, it } from 'vitest';
import type { PreloadApi, ServiceEvent } from '../../../core/common/contract/api-contract.ts';
import { createElectronBridge } from '../../../renderer/src/bridge/electron-bridge.ts';
import { aHealth } from '../fixtures/views.ts';

describe('electron bridge', () => {
  it('unwraps CallResults, rethrows typed errors and forwards events', async () => {
    const calls: unknown[] = [];
    let listener: ((e: ServiceEvent) => void) | null = null;
    const preload: PreloadApi = {
      async invoke(name, request) {
        calls.push([name, request]);
        if (name === 'health') return { ok: true, value: aHealth() };
        return { ok: false, error: { code: 'pin_invalid', message: 'wrong' } };
      },
      onEvent(l) {
        listener = l;
        return () => {
          listener = null;
        };
      },
    };
    const bridge = createElectronBridge(preload);
    expect(bridge.capturesWedgeInMain).toBe(true);
    expect((await bridge.call('health', {})).terminal_id).toBe('T1');
    await expect(bridge.call('verifyPin', { pin: '1' })).rejects.toMatchObject({ code: 'pin_invalid' });
    expect(calls).toEqual([
      ['health', {}],
      ['verifyPin', { pin: '1' }],
    ]);
    const got: string[] = [];
    const off = bridge.subscribe((e) => got.push(e.kind));
    listener!({ kind: 'health', health: aHealth() });
    off();
    expect(got).toEqual(['health']);
    expect(listener).toBeNull();
  });
});
