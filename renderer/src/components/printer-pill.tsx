/** The printer's state on the status bar (DLE EOT: ready, out of paper, cover open…) and the receipts waiting. */
import { Printer } from 'lucide-react';
import { useI18n } from '../i18n/use-i18n.ts';
import { useApp } from '../state/stores-context.tsx';
import { StatusPill, type StatusTone } from './status-pill.tsx';

const TONE: Readonly<Record<string, StatusTone>> = {
  online: 'ok',
  unknown: 'ok',
  paper_out: 'warn',
  cover_open: 'warn',
  offline: 'down',
  unreachable: 'down',
};

export function PrinterPill() {
  const { t } = useI18n();
  const printer = useApp('peripherals', (s) => s.view?.printer ?? null);
  if (!printer) return null;
  const state = printer.status?.state ?? null;
  const ok = state === 'online' || state === 'unknown';
  const label =
    `${t('status.printer')}: ${t(state ? `status.printer.${state}` : 'status.printer.checking')}` +
    (printer.status?.paper_low ? ` · ${t('status.printer.paper_low')}` : '') +
    (printer.pending_jobs > 0 ? ` · ${t('status.printer.pending', { count: printer.pending_jobs })}` : '');
  return (
    <StatusPill
      className={state === null ? 'state-unknown' : ok ? 'state-connected' : 'state-error'}
      testId="printer-status"
      dataState={state ?? 'checking'}
      icon={Printer}
      tone={state === null ? 'unknown' : (TONE[state] ?? 'warn')}
      label={label}
      detail={printer.status?.detail ?? printer.id}
    />
  );
}
