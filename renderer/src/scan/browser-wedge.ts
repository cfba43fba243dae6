/**
 * The browser's keyboard-wedge detector (where Electron's main process does not capture the wedge),
 * set up from the configured wedge scanner (the settings view's `wedge`: timings and requireSuffix,
 * docs/scanner-facts.md). Until the settings arrive, or with no wedge scanner configured, it uses the
 * browser defaults; when the settings change (a reload after a dropped link) it is rebuilt.
 */
import type { WedgeSettingsView } from '../../../core/common/contract/views.ts';
import type { Disposer } from '../../../core/common/disposer.ts';
import {
  type SetTimer,
  WedgeDetector,
  type WedgeDetectorOptions,
} from '../../../core/common/wedge/wedge-detector.ts';
import { wedgeSettingsFromView } from '../../../core/common/wedge/wedge-settings.ts';
import type { AppStores } from '../state/app-stores.ts';
import { routeReject, routeScan } from './route-scan.ts';
import { attachWedge } from './wedge-listener.ts';

/** Injected time for tests; the page uses the event time stamps and setTimeout. */
export interface WedgeClock {
  readonly now: () => number;
  readonly setTimer: SetTimer;
}

/** Scanner timings: 1–19 ms between keys; people ≥ 30 ms (docs/scanner-facts.md). */
const BROWSER_DEFAULTS: WedgeDetectorOptions = { maxKeyGapMs: 40, endTimeoutMs: 120, minLength: 8 };

export function wedgeDetectorOptions(wedge: WedgeSettingsView | null): WedgeDetectorOptions {
  return wedge ? wedgeSettingsFromView(wedge) : BROWSER_DEFAULTS;
}

export function attachBrowserWedge(target: Window, stores: AppStores, clock?: WedgeClock): Disposer {
  let attached: { readonly key: string; readonly detach: Disposer } | null = null;
  const attach = (wedge: WedgeSettingsView | null) => {
    const options = wedgeDetectorOptions(wedge);
    const key = JSON.stringify(options);
    if (attached?.key === key) return;
    attached?.detach();
    const detector = new WedgeDetector({
      ...options,
      ...(clock ? { now: clock.now, setTimer: clock.setTimer } : {}),
    });
    detector.onReject((code, reason) => routeReject(stores, code, reason));
    const detach = attachWedge(
      target,
      detector,
      (code) => void routeScan(stores, code),
      clock ? () => clock.now() : undefined,
    );
    attached = { key, detach };
  };
  attach(stores.settings.getState().settings?.wedge ?? null);
  const unsubscribe = stores.settings.subscribe((state) => attach(state.settings?.wedge ?? null));
  return () => {
    unsubscribe();
    attached?.detach();
    attached = null;
  };
}
