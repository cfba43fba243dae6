/**
 * "Print receipt" on a paid sale: on the receipt printer when one is configured (another copy,
 * marked 重印 — the first printed by itself), else the browser's print dialog.
 */
import { Printer } from 'lucide-react';
import type { OrderView } from '../../../core/common/contract/views.ts';
import { useI18n } from '../i18n/use-i18n.ts';
import { useApp, useStores } from '../state/stores-context.tsx';
import { ReasonedButton } from './reasoned-button.tsx';

export function PrintReceiptButton({ order }: { order: OrderView | null }) {
  const { t } = useI18n();
  const stores = useStores();
  const hasPrinter = useApp('peripherals', (s) => s.view?.printer != null);
  const busy = useApp('peripherals', (s) => s.busy);
  const onPrinter = hasPrinter && order !== null;
  return (
    <ReasonedButton
      data-testid="print-receipt"
      why={onPrinter && busy ? t('sale.why.busy') : null}
      onClick={() =>
        onPrinter ? void stores.peripherals.getState().reprint(order.out_trade_no) : window.print()
      }
    >
      <Printer /> {t('outcome.print')}
    </ReasonedButton>
  );
}
