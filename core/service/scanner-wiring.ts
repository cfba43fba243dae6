/** Scanner manager → till: every recognised (or rejected) scan from a configured scanner goes to the till; status goes to the UI. */
import type { ScannerStatusView } from '../common/contract/views.ts';
import type { WedgeFeed } from '../common/wedge/wedge-feed.ts';
import type { Clock } from '../ports/clock.ts';
import type { ScannerStatusEvent } from '../ports/scanner-source.ts';
import { createScannerSources } from '../scanners/create-scanner-sources.ts';
import type { ScannerConfig } from '../scanners/scanner-config.ts';
import { ScannerManager } from '../scanners/scanner-manager.ts';

export function scannerStatusView(event: ScannerStatusEvent): ScannerStatusView {
  const status = event.status;
  return {
    source: event.source,
    transport: event.transport,
    state: status.state,
    reason: 'reason' in status ? status.reason : null,
    at: event.at,
  };
}

export interface ScannerWiring {
  readonly manager: ScannerManager;
  statuses(): ScannerStatusView[];
}

export function wireScanners(
  configs: readonly ScannerConfig[],
  clock: Clock,
  wedgeFeed: WedgeFeed | undefined,
  onScan: (code: string, source: string, at: number) => void,
  onStatus: (status: ScannerStatusView) => void,
): ScannerWiring {
  const sources = createScannerSources([...configs], { clock, ...(wedgeFeed ? { wedgeFeed } : {}) });
  const manager = new ScannerManager({ sources, clock });
  manager.onScan((scan) => onScan(scan.code, scan.source, scan.at));
  manager.onStatus((event) => onStatus(scannerStatusView(event)));
  return { manager, statuses: () => manager.statuses().map(scannerStatusView) };
}
