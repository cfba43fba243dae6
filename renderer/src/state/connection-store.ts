/** Link to the service, provider reachability, scanners and the last scan: the status bar's data. */
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { HealthView, ScannerStatusView, ScanView } from '../../../core/common/contract/views.ts';
import type { LinkState, RendererBridge } from '../bridge/renderer-bridge.ts';

export interface ConnectionState {
  readonly link: LinkState;
  readonly health: HealthView | null;
  /** Scanner status by source, from health and scanner_status events (the newer wins). */
  readonly scanners: Readonly<Record<string, ScannerStatusView>>;
  readonly lastScan: ScanView | null;
}

export interface ConnectionActions {
  refreshHealth(): Promise<void>;
  setLink(link: LinkState): void;
  applyHealth(health: HealthView): void;
  applyScanner(scanner: ScannerStatusView): void;
  applyScan(scan: ScanView): void;
}

export type ConnectionStore = StoreApi<ConnectionState & ConnectionActions>;

/**
 * E-wallet tender needs at least one provider not known to be down. Before the first health
 * reply we do not block (unknown is not down).
 */
export function selectEwalletAvailable(state: ConnectionState): boolean {
  const providers = state.health?.providers;
  if (!providers || providers.length === 0) return state.health === null;
  return providers.some((p) => p.reachability !== 'down');
}

/** The attempt's provider is known to be unreachable: its outcome is in doubt until the line returns. */
export function selectProviderDown(
  state: ConnectionState,
  attempt: { readonly pid: string; readonly provider: string } | null | undefined,
): boolean {
  if (!attempt) return false;
  return (
    state.health?.providers.some(
      (p) => p.pid === attempt.pid && p.provider === attempt.provider && p.reachability === 'down',
    ) ?? false
  );
}

export function createConnectionStore(bridge: RendererBridge): ConnectionStore {
  let inFlight: Promise<void> | null = null;
  return createStore<ConnectionState & ConnectionActions>()((set, get) => ({
    link: 'connecting',
    health: null,
    scanners: {},
    lastScan: null,
    refreshHealth() {
      // Single-flight: a slow reply and the periodic refresh never overlap.
      inFlight ??= bridge
        .call('health', {})
        .then((health) => get().applyHealth(health))
        .catch(() => {})
        .finally(() => {
          inFlight = null;
        });
      return inFlight;
    },
    setLink(link) {
      set({ link });
    },
    applyHealth(health) {
      set((s) => {
        const scanners: Record<string, ScannerStatusView> = {};
        for (const sc of health.scanners) {
          const known = s.scanners[sc.source];
          scanners[sc.source] = known && known.at > sc.at ? known : sc;
        }
        return { health, scanners };
      });
    },
    applyScanner(scanner) {
      set((s) => {
        const known = s.scanners[scanner.source];
        if (known && known.at > scanner.at) return {};
        return { scanners: { ...s.scanners, [scanner.source]: scanner } };
      });
    },
    applyScan(scan) {
      set({ lastScan: scan });
    },
  }));
}
