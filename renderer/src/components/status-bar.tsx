/** Scanner(s), service link, provider reachability, shift/cashier and the clock: each with a symbol and words. */
import { useShallow } from 'zustand/react/shallow';
import type { Reachability, ScannerStatusView } from '../../../core/common/contract/views.ts';
import { useI18n } from '../i18n/use-i18n.ts';
import { useApp, useStores } from '../state/stores-context.tsx';
import { HubPill } from './hub-pill.tsx';
import { PrinterPill } from './printer-pill.tsx';
import { useNow } from './use-now.ts';

const REACH_ICON: Readonly<Record<Reachability, string>> = { up: '●', down: '✕', unknown: '…' };
const SCANNER_ICON: Readonly<Record<ScannerStatusView['state'], string>> = {
  connected: '●',
  connecting: '…',
  disconnected: '✕',
  error: '⚠',
  unavailable: '✕',
};

export function StatusBar() {
  const { t, time } = useI18n();
  const browserWedge = !useStores().bridge.capturesWedgeInMain;
  const now = useNow();
  const link = useApp('connection', (s) => s.link);
  const scanners = useApp(
    'connection',
    useShallow((s) => Object.values(s.scanners)),
  );
  const providers = useApp('connection', (s) => s.health?.providers ?? null);
  const attention = useApp('connection', (s) => s.health?.needs_attention ?? 0);
  const unresolved = useApp('attempts', (s) => s.items.length);
  const journalFault = useApp('connection', (s) => s.health?.journal_error ?? null);
  const cashier = useApp('shift', (s) => s.shift?.cashier ?? null);
  const pending = Math.max(attention, unresolved);
  return (
    <footer className="status-bar">
      <span className={`pill link-${link}`} data-testid="link-status">
        {link === 'open' ? '●' : link === 'lost' ? '✕' : '…'} {t(`status.link.${link}`)}
      </span>
      {browserWedge && (
        <span className="pill state-connected" data-testid="browser-wedge">
          ● {t('status.scanner')}: {t('status.scanner.browser')}
        </span>
      )}
      {scanners.length === 0 && !browserWedge ? (
        <span className="pill state-unknown">
          ✕ {t('status.scanner')}: {t('status.scanner.none')}
        </span>
      ) : (
        scanners.map((sc) => (
          <span key={sc.source} className={`pill state-${sc.state}`} title={sc.reason ?? ''}>
            {SCANNER_ICON[sc.state]} {t('status.scanner')} {sc.source}: {t(`status.scanner.${sc.state}`)}
          </span>
        ))
      )}
      {(providers ?? []).map((p) => (
        <span
          key={`${p.pid}-${p.provider}`}
          className={`pill reach-${p.reachability}`}
          data-testid={`provider-${p.provider}`}
          title={p.detail ?? ''}
        >
          {REACH_ICON[p.reachability]} {t(`provider.${p.provider}`)}: {t(`status.provider.${p.reachability}`)}
        </span>
      ))}
      {journalFault && (
        <span className="pill state-error" data-testid="journal-fault" title={journalFault.message}>
          ⚠ {t('status.journal_fault')}
        </span>
      )}
      <PrinterPill />
      <HubPill />
      {pending > 0 && (
        <span className="pill state-error">⚠ {t('status.unresolved', { count: pending })}</span>
      )}
      <span className="pill">
        {t('status.cashier')}: {cashier ?? t('status.shift.none')}
      </span>
      <time className="clock">{time(now)}</time>
    </footer>
  );
}
