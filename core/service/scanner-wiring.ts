/** Scanner manager → till: every recognised (or rejected) scan from a configured scanner goes to the till; status goes to the UI. */
import type { ScannerStatusView, ScanView } from '../common/contract/views.ts';
import type { WedgeFeed } from '../common/wedge/wedge-feed.ts';
import type { Clock } from '../ports/clock.ts';
import type { ScannerStatusEvent } from '../ports/scanner-source.ts';
import { createScannerSources } from '../scanners/create-scanner-sources.ts';
import type { ScannerConfig } from '../scanners/scanner-config.ts';
import { type ManagerReject, ScannerManager } from '../scanners/scanner-manager.ts';

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

/**
 * Input a scanner sent that is not a code (line noise, a cut-off or inconsistent HID code, a wedge in
 * Alt+numpad mode), as the refused scan the cashier sees, so they scan again or fix the scanner. The
 * bytes themselves are never shown: they may hold most of a payment code.
 */
export function scanRejectView(reject: ManagerReject): ScanView {
  return {
    code_masked: '…',
    source: reject.source,
    at: reject.at,
    ok: false,
    wallet: null,
    error: { code: reject.code ?? 'scan_garbled', message: reject.reason },
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
  onReject: (scan: ScanView) => void,
): ScannerWiring {
  const sources = createScannerSources([...configs], { clock, ...(wedgeFeed ? { wedgeFeed } : {}) });
  const manager = new ScannerManager({ sources, clock });
  manager.onScan((scan) => onScan(scan.code, scan.source, scan.at));
  manager.onStatus((event) => onStatus(scannerStatusView(event)));
  // A repeat of the last code inside the duplicate window is the scanner's echo, not a problem to show.
  manager.onReject((reject) => {
    if (reject.kind === 'input') onReject(scanRejectView(reject));
  });
  return { manager, statuses: () => manager.statuses().map(scannerStatusView) };
}
