/** History → one order → 重印小票: the service prints the receipt again, marked as a reprint. */
import { Printer } from 'lucide-react';
import type { OrderView } from '../../../core/common/contract/views.ts';
import { useI18n } from '../i18n/use-i18n.ts';
import { useApp, useStores } from '../state/stores-context.tsx';
import { ReasonedButton } from './reasoned-button.tsx';

export function ReprintButton({ order }: { order: OrderView }) {
  const { t } = useI18n();
  const stores = useStores();
  const hasPrinter = useApp('peripherals', (s) => s.view?.printer != null);
  const busy = useApp('peripherals', (s) => s.busy);
  if (!hasPrinter || order.status < 1 || order.paid_at === null) return null;
  return (
    <ReasonedButton
      className="btn"
      data-testid="reprint"
      why={busy ? t('sale.why.busy') : null}
      onClick={() => void stores.peripherals.getState().reprint(order.out_trade_no)}
    >
      <Printer /> {t('history.reprint')}
    </ReasonedButton>
  );
}
