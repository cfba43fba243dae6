/**
 * One row at every window size: service link, scanner(s), provider reachability, printer, journal,
 * payments waiting in 待处理, the cashier and the clock. Each item is an icon for what it is, an icon
 * for its state and words; the words are the tooltip and what screen readers say, so a state is never
 * colour alone and the bar stays one row at 800 px.
 */
import { Clock, Database, Keyboard, ScanBarcode, Server, UserRound } from 'lucide-react';
import { useShallow } from 'zustand/react/shallow';
import type { Reachability, ScannerStatusView } from '../../../core/common/contract/views.ts';
import { useI18n } from '../i18n/use-i18n.ts';
import { useApp, useStores } from '../state/stores-context.tsx';
import { HubPill } from './hub-pill.tsx';
import { PrinterPill } from './printer-pill.tsx';
import { StatusPill, type StatusTone } from './status-pill.tsx';
import { useNow } from './use-now.ts';

const REACH_TONE: Readonly<Record<Reachability, StatusTone>> = { up: 'ok', down: 'down', unknown: 'unknown' };
const SCANNER_TONE: Readonly<Record<ScannerStatusView['state'], StatusTone>> = {
  connected: 'ok',
  connecting: 'unknown',
  disconnected: 'down',
  error: 'warn',
  unavailable: 'down',
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
  const clockWarning = useApp('connection', (s) => s.health?.clock_warning ?? null);
  const cashier = useApp('shift', (s) => s.shift?.cashier ?? null);
  const pending = Math.max(attention, unresolved);
  return (
    <footer className="status-bar">
      <StatusPill
        className={`link-${link}`}
        testId="link-status"
        icon={Server}
        tone={link === 'open' ? 'ok' : link === 'lost' ? 'down' : 'unknown'}
        label={t(`status.link.${link}`)}
      />
      {browserWedge && (
        <StatusPill
          className="state-connected"
          testId="browser-wedge"
          icon={Keyboard}
          tone="ok"
          label={`${t('status.scanner')}: ${t('status.scanner.browser')}`}
        />
      )}
      {scanners.length === 0 && !browserWedge ? (
        <StatusPill
          className="state-unknown"
          icon={ScanBarcode}
          tone="down"
          label={`${t('status.scanner')}: ${t('status.scanner.none')}`}
        />
      ) : (
        scanners.map((sc) => (
          <StatusPill
            key={sc.source}
            className={`state-${sc.state}`}
            icon={ScanBarcode}
            tone={SCANNER_TONE[sc.state]}
            label={`${t('status.scanner')} ${sc.source}: ${t(`status.scanner.${sc.state}`)}`}
            detail={sc.reason}
          />
        ))
      )}
      {(providers ?? []).map((p) => (
        <StatusPill
          key={`${p.pid}-${p.provider}`}
          className={`reach-${p.reachability}`}
          testId={`provider-${p.provider}`}
          name={t(`provider.${p.provider}`)}
          tone={REACH_TONE[p.reachability]}
          label={`${t(`provider.${p.provider}`)}: ${t(`status.provider.${p.reachability}`)}`}
          detail={p.detail}
        />
      ))}
      {journalFault && (
        <StatusPill
          className="state-error"
          testId="journal-fault"
          icon={Database}
          tone="down"
          label={t('status.journal_fault')}
          detail={journalFault.message}
        />
      )}
      {clockWarning && (
        <StatusPill
          className="state-error"
          testId="clock-skew"
          icon={Clock}
          tone="warn"
          label={t('status.clock_skew')}
          detail={t('error.clock_skew')}
        />
      )}
      <PrinterPill />
      <HubPill />
      {pending > 0 && (
        <StatusPill
          className="state-warn"
          testId="pending-status"
          name={String(pending)}
          tone="warn"
          label={t('status.unresolved', { count: pending })}
        />
      )}
      <span className="pill" title={`${t('status.cashier')}: ${cashier ?? t('status.shift.none')}`}>
        <UserRound />
        <span className="pill-text">{t('status.cashier')}: </span>
        {cashier ?? t('status.shift.none')}
      </span>
      <time className="clock">{time(now)}</time>
    </footer>
  );
}
