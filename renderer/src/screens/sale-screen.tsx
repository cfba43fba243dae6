/** The till: entry → scan → charging → outcome, chosen only by the store's selectSaleScreen. */
import { useShallow } from 'zustand/react/shallow';
import { ErrorBanner } from '../components/error-banner.tsx';
import { selectSaleScreen } from '../state/sale-store.ts';
import { useApp, useStores } from '../state/stores-context.tsx';
import { SaleCharging } from './sale-charging.tsx';
import { SaleEntry } from './sale-entry.tsx';
import { SaleOutcome } from './sale-outcome.tsx';
import { SaleScan } from './sale-scan.tsx';

export function SaleScreen() {
  const stores = useStores();
  const picked = useApp(
    'sale',
    useShallow((s) => ({
      sale: s.sale,
      startingNew: s.startingNew,
      cashOrder: s.cashOrder,
      leftOrder: s.leftOrder,
    })),
  );
  const error = useApp('sale', (s) => s.error);
  const screen = selectSaleScreen(picked);
  return (
    <div className="sale-screen" data-screen={screen.kind}>
      <ErrorBanner error={error} onDismiss={() => stores.sale.getState().clearError()} />
      {screen.kind === 'entry' && <SaleEntry />}
      {screen.kind === 'scan' && <SaleScan order={screen.order} failed={screen.failed} />}
      {screen.kind === 'charging' && <SaleCharging attempt={screen.attempt} order={screen.order} />}
      {screen.kind === 'outcome' && <SaleOutcome outcome={screen.outcome} />}
    </div>
  );
}
