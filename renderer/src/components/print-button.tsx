/**
 * A print button that prints on the receipt printer when one is configured (the service queues the
 * job; ESC/POS, GB18030), else opens the browser's print dialog on what the screen shows. While a
 * job is being queued it is disabled and says why.
 */
import { Printer } from 'lucide-react';
import { useI18n } from '../i18n/use-i18n.ts';
import { useApp } from '../state/stores-context.tsx';
import { ReasonedButton } from './reasoned-button.tsx';

export function PrintButton({
  label,
  testId,
  onPrinter,
}: {
  label: string;
  testId: string;
  /** Queues the document on the receipt printer; null when there is nothing the printer can print. */
  onPrinter: (() => Promise<void>) | null;
}) {
  const { t } = useI18n();
  const hasPrinter = useApp('peripherals', (s) => s.view?.printer != null);
  const busy = useApp('peripherals', (s) => s.busy);
  const printer = hasPrinter ? onPrinter : null;
  return (
    <ReasonedButton
      data-testid={testId}
      why={printer !== null && busy ? t('sale.why.busy') : null}
      onClick={() => (printer ? void printer() : window.print())}
    >
      <Printer /> {label}
    </ReasonedButton>
  );
}
