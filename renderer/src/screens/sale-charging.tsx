/** Charging: which wallet, what we are waiting for, the countdown to the deadline, and Stop (confirm → reversal). */
import type { AttemptView, OrderView } from '../../../core/common/contract/views.ts';
import { ConfirmDialog } from '../components/confirm-dialog.tsx';
import { secondsLeft, useNow } from '../components/use-now.ts';
import { useI18n } from '../i18n/use-i18n.ts';
import { attemptDeadline } from '../state/attempt-deadline.ts';
import { useApp, useStores } from '../state/stores-context.tsx';

export function SaleCharging({ attempt, order }: { attempt: AttemptView | null; order: OrderView | null }) {
  const { t, money } = useI18n();
  const stores = useStores();
  const now = useNow(250);
  const confirming = useApp('sale', (s) => s.confirmingStop);
  const busy = useApp('sale', (s) => s.busy);
  const schedules = useApp('settings', (s) => s.settings?.poll_schedules);
  const phase = attempt?.phase ?? 'submitted';
  const reversing = phase === 'reversing' || phase === 'closing' || attempt?.stop_requested === true;
  const seconds = reversing || !attempt ? null : secondsLeft(attemptDeadline(attempt, schedules), now);
  const status = reversing
    ? t('sale.charging.reversing')
    : phase === 'polling'
      ? t('sale.charging.waiting')
      : t('sale.charging.submitting');
  const sale = stores.sale.getState;
  return (
    <section
      className="panel sale-charging"
      aria-labelledby="charging-title"
      data-testid="charging"
      data-phase={phase}
    >
      <h1 id="charging-title">
        <span className="spinner" aria-hidden="true" /> {t('sale.charging.title')}
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
      {attempt?.stop_requested && <p className="muted">{t('sale.stop.requested')}</p>}
      <button
        type="button"
        className="btn btn-big btn-danger"
        data-testid="stop"
        disabled={!attempt || reversing || busy}
        onClick={() => sale().requestStop()}
      >
        ■ {t('sale.charging.stop')}
      </button>
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
