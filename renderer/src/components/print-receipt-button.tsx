/**
 * "Print receipt" on a paid sale: on the receipt printer when one is configured (another copy,
 * marked 重印 — the first printed by itself), else the browser's print dialog.
 */
import type { OrderView } from '../../../core/common/contract/views.ts';
import { useI18n } from '../i18n/use-i18n.ts';
import { useStores } from '../state/stores-context.tsx';
import { PrintButton } from './print-button.tsx';

export function PrintReceiptButton({ order }: { order: OrderView | null }) {
  const { t } = useI18n();
  const stores = useStores();
  return (
    <PrintButton
      label={t('outcome.print')}
      testId="print-receipt"
      onPrinter={order ? () => stores.peripherals.getState().reprint(order.out_trade_no) : null}
    />
  );
}
