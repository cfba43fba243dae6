/** The cash handed over (optional) and the change, for the 实收 / 找零 lines of a cash receipt. */

import { useI18n } from '../i18n/use-i18n.ts';
import { entryToFen } from '../state/amount-entry.ts';
import { useApp, useStores } from '../state/stores-context.tsx';

export function CashTendered({ totalFee }: { totalFee: number | null }) {
  const { t, money } = useI18n();
  const stores = useStores();
  const tendered = useApp('sale', (s) => s.tendered);
  const fen = tendered.trim() === '' ? null : entryToFen(tendered);
  const change = fen !== null && totalFee !== null && fen >= totalFee ? fen - totalFee : null;
  return (
    <label className="field field-inline">
      <span>
        {t('sale.tendered')}
        {change !== null && (
          <strong data-testid="cash-change"> · {t('sale.change', { amount: money(change) })}</strong>
        )}
      </span>
      <input
        value={tendered}
        inputMode="decimal"
        autoComplete="off"
        data-testid="cash-tendered"
        onChange={(e) => stores.sale.getState().setTendered(e.target.value)}
      />
    </label>
  );
}
