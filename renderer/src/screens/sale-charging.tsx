/**
 * Charging: which wallet, what we are waiting for, the countdown to the deadline, and Stop (confirm →
 * reversal). When the provider cannot be reached the outcome is in doubt: the screen says so, counts
 * down to the engine's next step, and the cashier may serve the next customer meanwhile. A disabled
 * button always says why (title and a visible line). In doubt, the whole screen turns amber.
 */
import { CirclePlus, CircleStop, WifiOff } from 'lucide-react';
import type { AttemptView, OrderView } from '../../../core/common/contract/views.ts';
import { ConfirmDialog } from '../components/confirm-dialog.tsx';
import { ReasonedButton } from '../components/reasoned-button.tsx';
import { secondsLeft, useNow } from '../components/use-now.ts';
import { useWindowKeydown } from '../components/use-window-keydown.ts';
import { useI18n } from '../i18n/use-i18n.ts';
import { attemptDeadline } from '../state/attempt-deadline.ts';
import { selectProviderDown } from '../state/connection-store.ts';
import { selectCanStartNew } from '../state/sale-store.ts';
import { useApp, useStores } from '../state/stores-context.tsx';

export function SaleCharging({ attempt, order }: { attempt: AttemptView | null; order: OrderView | null }) {
  const { t, money } = useI18n();
  const stores = useStores();
  const now = useNow(250);
  const confirming = useApp('sale', (s) => s.confirmingStop);
  const busy = useApp('sale', (s) => s.busy);
  const schedules = useApp('settings', (s) => s.settings?.poll_schedules);
  const phase = attempt?.phase ?? 'submitted';
  const inDoubt = useApp('connection', (c) => selectProviderDown(c, attempt));
  const canStartNew = useApp('sale', selectCanStartNew);
  const reversing = phase === 'reversing' || phase === 'closing' || attempt?.stop_requested === true;
  const seconds =
    reversing || inDoubt || !attempt ? null : secondsLeft(attemptDeadline(attempt, schedules), now);
  const nextStep = attempt?.next_action_at ? secondsLeft(attempt.next_action_at, now) : null;
  const status = inDoubt
    ? t('sale.charging.in_doubt')
    : reversing
      ? t('sale.charging.reversing')
      : phase === 'polling'
        ? t('sale.charging.waiting')
        : t('sale.charging.submitting');
  const stopWhy = !attempt
    ? t('sale.charging.stop.why_starting')
    : reversing
      ? t('sale.charging.stop.why_reversing')
      : busy
        ? t('sale.charging.stop.why_busy')
        : null;
  const nextSaleWhy = canStartNew ? null : t('sale.charging.next_sale.why');
  // Esc asks to stop (the confirmation dialog decides); nothing is stopped by the key alone.
  useWindowKeydown((event) => {
    if (event.key !== 'Escape' || event.defaultPrevented || stopWhy !== null) return;
    if (stores.sale.getState().confirmingStop) return; // the dialog's own Esc handling
    event.preventDefault();
    stores.sale.getState().requestStop();
  });
  const sale = stores.sale.getState;
  return (
    <section
      className={`panel sale-charging two-pane${inDoubt ? ' tone-doubt' : ''}`}
      aria-labelledby="charging-title"
      data-testid="charging"
      data-phase={phase}
    >
      <div className="pane">
        <h1 id="charging-title" className="outcome-title">
          {inDoubt ? <WifiOff /> : <span className="spinner" aria-hidden="true" />} {t('sale.charging.title')}
        </h1>
        <p className="amount amount-huge">{money(attempt?.total_fee ?? order?.total_fee ?? 0)}</p>
        {attempt && (
          <p className="wallet" data-testid="wallet">
            {t(`wallet.${attempt.wallet}`)}
          </p>
        )}
        <p className="status-line" role="status" aria-live="polite" data-testid="charging-status">
          {status}
        </p>
        {seconds !== null && (
          <p className="countdown" data-testid="countdown" aria-live="off">
            {t('sale.charging.deadline', { seconds })}
          </p>
        )}
        {(inDoubt || reversing) && nextStep !== null && (
          <p className="countdown" data-testid="next-step" aria-live="off">
            {t('sale.charging.next_step', { seconds: nextStep })}
          </p>
        )}
        {inDoubt && <p className="todo">{t('sale.charging.in_doubt.todo')}</p>}
        {attempt?.stop_requested && <p className="muted">{t('sale.stop.requested')}</p>}
      </div>
      <div className="pane">
        <div className="actions">
          <ReasonedButton
            className="btn btn-big btn-danger"
            data-testid="stop"
            reasonTestId="stop-why"
            why={stopWhy}
            aria-keyshortcuts="Escape"
            onClick={() => sale().requestStop()}
          >
            <CircleStop /> {t('sale.charging.stop')} <kbd>Esc</kbd>
          </ReasonedButton>
          <ReasonedButton
            className="btn btn-big"
            data-testid="next-sale-now"
            reasonTestId="next-sale-why"
            why={nextSaleWhy}
            onClick={() => sale().newSale()}
          >
            <CirclePlus /> {t('sale.charging.next_sale')}
          </ReasonedButton>
        </div>
      </div>
      {confirming && (
        <ConfirmDialog
          title={t('sale.stop.confirm.title')}
          body={t('sale.stop.confirm.body')}
          confirmLabel={t('sale.stop.confirm.yes')}
          cancelLabel={t('sale.stop.confirm.no')}
          onConfirm={() => void sale().confirmStop()}
          onCancel={() => sale().dismissStop()}
        />
      )}
    </section>
  );
}
