/** Where a browser-detected scan goes: the refund screen looks the order up; everywhere else the service decides. */
import type { ScanView } from '../../../core/common/contract/views.ts';
import type { AppStores } from '../state/app-stores.ts';

export async function routeScan(stores: AppStores, code: string): Promise<void> {
  if (stores.nav.getState().route === 'refund') {
    await stores.refund.getState().find(code);
    return;
  }
  try {
    const scan = await stores.bridge.call('submitScan', { code, source: 'wedge:browser' });
    stores.sale.getState().applyScan(scan);
    stores.connection.getState().applyScan(scan);
  } catch {
    // The service also pushes the scan (with its error) as an event; nothing more to do here.
  }
}

/**
 * A burst the browser's wedge detector refused (a scan cut off, a scanner in Alt+numpad mode): shown
 * as a rejected scan, with the reject code's text, so the cashier knows to scan again or what to fix.
 */
export function routeReject(stores: AppStores, code: string, reason: string): void {
  const scan: ScanView = {
    code_masked: '…',
    source: 'wedge:browser',
    at: Date.now(),
    ok: false,
    wallet: null,
    error: { code, message: reason },
  };
  stores.sale.getState().applyScan(scan);
}
