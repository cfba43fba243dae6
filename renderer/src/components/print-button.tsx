/**
 * A print button that prints on the receipt printer when one is configured (the service queues the
 * job; ESC/POS, GB18030), else opens the browser's print dialog on what the screen shows.
 */
import { useApp } from '../state/stores-context.tsx';

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
  const hasPrinter = useApp('peripherals', (s) => s.view?.printer != null);
  const busy = useApp('peripherals', (s) => s.busy);
  const printer = hasPrinter ? onPrinter : null;
  return (
    <button
      type="button"
      className="btn"
      data-testid={testId}
      disabled={printer !== null && busy}
      onClick={() => (printer ? void printer() : window.print())}
    >
      {label}
    </button>
  );
}
