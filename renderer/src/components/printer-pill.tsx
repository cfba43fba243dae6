/** The printer's state on the status bar (DLE EOT: ready, out of paper, cover open…) and the receipts waiting. */
import { useI18n } from '../i18n/use-i18n.ts';
import { useApp } from '../state/stores-context.tsx';

const ICON: Readonly<Record<string, string>> = {
  online: '●',
  unknown: '●',
  paper_out: '⚠',
  cover_open: '⚠',
  offline: '✕',
  unreachable: '✕',
};

export function PrinterPill() {
  const { t } = useI18n();
  const printer = useApp('peripherals', (s) => s.view?.printer ?? null);
  if (!printer) return null;
  const state = printer.status?.state ?? null;
  const ok = state === 'online' || state === 'unknown';
  return (
    <span
      className={`pill ${state === null ? 'state-unknown' : ok ? 'state-connected' : 'state-error'}`}
      data-testid="printer-status"
      data-state={state ?? 'checking'}
      title={printer.status?.detail ?? printer.id}
    >
      {state ? ICON[state] : '…'} {t('status.printer')}:{' '}
      {t(state ? `status.printer.${state}` : 'status.printer.checking')}
      {printer.status?.paper_low ? ` · ${t('status.printer.paper_low')}` : ''}
      {printer.pending_jobs > 0 ? ` · ${t('status.printer.pending', { count: printer.pending_jobs })}` : ''}
    </span>
  );
}
