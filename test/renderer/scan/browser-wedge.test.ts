// @vitest-environment jsdom
/**
 * The browser's wedge detector takes the configured wedge scanner's settings from the settings view
 * (`wedge`), so `requireSuffix` and the timings in config.json apply in the browser too.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { WedgeSettingsView } from '../../../core/common/contract/views.ts';
import { attachBrowserWedge } from '../../../renderer/src/scan/browser-wedge.ts';
import { createAppStores } from '../../../renderer/src/state/app-stores.ts';
import { defaultBridge } from '../fixtures/render-app.tsx';
import { someSettings } from '../fixtures/views.ts';

/** Manual time: keys are stamped with `t`; timers run when `advance` passes them. */
function manualClock() {
  let t = 1000;
  let timers: { at: number; run: () => void }[] = [];
  return {
    now: () => t,
    setTimer(run: () => void, ms: number) {
      const timer = { at: t + ms, run };
      timers.push(timer);
      return () => {
        timers = timers.filter((x) => x !== timer);
      };
    },
    advance(ms: number) {
      const until = t + ms;
      for (;;) {
        const due = timers.filter((x) => x.at <= until).sort((a, b) => a.at - b.at)[0];
        if (!due) break;
        timers = timers.filter((x) => x !== due);
        t = due.at;
        due.run();
      }
      t = until;
    },
  };
}

const standard: WedgeSettingsView = {
  max_key_gap_ms: 45,
  end_timeout_ms: 100,
  min_length: 8,
  require_suffix: false,
};

async function setUp(wedge: WedgeSettingsView | null) {
  const bridge = defaultBridge()
    .on('getSettings', () => someSettings({ wedge }))
    .on('submitScan', ({ code }) => ({
      code_masked: `${(code ?? '').slice(0, 4)}…`,
      source: 'wedge:browser',
      at: 0,
      ok: true,
      wallet: 'wxpay',
      error: null,
    }));
  const stores = createAppStores(bridge);
  await stores.settings.getState().load();
  const clock = manualClock();
  const detach = attachBrowserWedge(window, stores, clock);
  disposers.push(detach);
  /** A scanner typing a code: 5 ms between keys, no suffix, then silence. */
  const scanWithoutSuffix = async (code: string) => {
    for (const d of code) {
      document.body.dispatchEvent(
        new KeyboardEvent('keydown', { key: d, code: `Digit${d}`, bubbles: true, cancelable: true }),
      );
      clock.advance(5);
    }
    clock.advance(1000);
    await Promise.resolve();
  };
  return { bridge, stores, scanWithoutSuffix };
}

const disposers: (() => void)[] = [];
afterEach(() => {
  for (const dispose of disposers.splice(0)) dispose();
});

const code = '134567890123456789';

describe('the browser wedge detector', () => {
  it('submits a burst that ends in silence when the configured scanner sends no suffix', async () => {
    const { bridge, scanWithoutSuffix } = await setUp(standard);
    await scanWithoutSuffix(code);
    expect(bridge.callsOf('submitScan')).toEqual([{ code, source: 'wedge:browser' }]);
  });

  it('rejects that burst whole when the configured scanner requires a suffix', async () => {
    const { bridge, stores, scanWithoutSuffix } = await setUp({ ...standard, require_suffix: true });
    await scanWithoutSuffix(code);
    expect(bridge.callsOf('submitScan')).toEqual([]);
    expect(stores.sale.getState().error?.code).toBe('scan_incomplete');
  });

  it('uses the configured minimum length', async () => {
    const { bridge, scanWithoutSuffix } = await setUp({ ...standard, min_length: 20 });
    await scanWithoutSuffix(code);
    expect(bridge.callsOf('submitScan')).toEqual([]);
  });
});

describe('settings that arrive after the detector was attached', () => {
  it('rebuild it with the configured wedge settings', async () => {
    const bridge = defaultBridge().on('getSettings', () =>
      someSettings({ wedge: { ...standard, require_suffix: true } }),
    );
    const stores = createAppStores(bridge);
    const clock = manualClock();
    disposers.push(attachBrowserWedge(window, stores, clock));
    await stores.settings.getState().load();
    for (const d of code) {
      document.body.dispatchEvent(
        new KeyboardEvent('keydown', { key: d, code: `Digit${d}`, bubbles: true, cancelable: true }),
      );
      clock.advance(5);
    }
    clock.advance(1000);
    expect(bridge.callsOf('submitScan')).toEqual([]);
    expect(stores.sale.getState().error?.code).toBe('scan_incomplete');
  });
});
