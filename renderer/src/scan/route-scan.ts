/**
 * Where a browser-detected scan goes: the refund screen looks the order up; everywhere else the service
 * decides, with the amount the sale screen shows (the scan is the charge).
 */
import type { ScanView } from '../../../core/common/contract/views.ts';
import type { AppStores } from '../state/app-stores.ts';
import { type SaleAmount, selectShownAmount } from '../state/sale-store.ts';

/** The amount on screen: only the sale screen's amount entry shows one. */
function shownAmount(stores: AppStores): SaleAmount | null {
  if (stores.nav.getState().route !== 'sale') return null;
  return selectShownAmount(stores.sale.getState());
}

export async function routeScan(stores: AppStores, code: string): Promise<void> {
  if (stores.nav.getState().route === 'refund') {
    await stores.refund.getState().find(code);
    return;
  }
  const scan = await stores.sale
    .getState()
    .submitScan({ code, source: 'wedge:browser' }, shownAmount(stores));
  if (scan) stores.connection.getState().applyScan(scan);
}

/**
 * A scanner's scan the service holds because no sale was waiting: claimed with the amount this window
 * shows (true), or left to expire (false: its refusal shows) when none is on screen.
 */
export function routeHeldScan(stores: AppStores, scan: ScanView): boolean {
  if (!scan.held_id) return false;
  const shown = shownAmount(stores);
  if (!shown) return false;
  void stores.sale.getState().submitScan({ held_id: scan.held_id, source: scan.source }, shown);
  return true;
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
