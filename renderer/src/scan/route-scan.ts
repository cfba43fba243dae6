/** Where a browser-detected scan goes: the refund screen looks the order up; everywhere else the service decides. */
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
