/** "Scan the customer's payment code" with the amount; a rejected scan says why in plain words. */
import { useEffect, useState } from 'react';
import type { AttemptView, OrderView } from '../../../core/common/contract/views.ts';
import { ConfirmDialog } from '../components/confirm-dialog.tsx';
import { useI18n } from '../i18n/use-i18n.ts';
import { useApp, useStores } from '../state/stores-context.tsx';

export function SaleScan({ order, failed }: { order: OrderView | null; failed: AttemptView | null }) {
  const { t, money, problem, failure } = useI18n();
  const stores = useStores();
  const lastScan = useApp('sale', (s) => s.sale?.last_scan ?? null);
  const busy = useApp('sale', (s) => s.busy);
  const [manual, setManual] = useState('');
  // Esc asks to cancel the waiting sale (a stray key must not drop the customer's amount).
  const [confirmingCancel, setConfirmingCancel] = useState(false);
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.key !== 'Escape' || event.defaultPrevented || confirmingCancel) return;
      event.preventDefault();
      setConfirmingCancel(true);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [confirmingCancel]);
  const rejected = lastScan && !lastScan.ok && lastScan.at >= (order?.created_at ?? 0) ? lastScan : null;
  return (
    <section className="panel sale-scan" aria-labelledby="scan-title">
      {failed && (
        <div
          className="outcome outcome-failed failed-box"
          role="alert"
          data-testid="outcome"
          data-outcome="failed"
        >
          <h2 className="outcome-title">
            <span className="outcome-icon" aria-hidden="true">
              ✕
            </span>{' '}
            {t('outcome.failed.title')}
          </h2>
          <p className="reason" data-testid="failure-reason">
            {failure(failed.failure).reason}
          </p>
          <p className="todo">{failure(failed.failure).todo}</p>
          <button
            type="button"
            className="btn btn-big"
            data-testid="cash-instead"
            disabled={busy}
            title={busy ? t('sale.why.busy') : undefined}
            onClick={() => void stores.sale.getState().payCashInstead()}
          >
            ¥ {t('sale.cash')}
          </button>
        </div>
      )}
      <h1 id="scan-title" className="prompt" data-testid="scan-prompt">
        <span aria-hidden="true">▣ </span>
        {t('sale.scan.prompt')}
      </h1>
      <p className="amount amount-huge" data-testid="scan-amount">
        {order ? money(order.total_fee) : ''}
      </p>
      <p className="hint">{t('sale.scan.hint')}</p>
      {rejected && (
        <div
          className="banner banner-error"
          role="alert"
          data-testid="scan-error"
          data-error-code={rejected.error?.code}
        >
          <span className="icon" aria-hidden="true">
            ⚠
          </span>
          <span>
            <strong>{t('scan.error.title')}</strong> ({rejected.code_masked}) {problem(rejected.error)}
          </span>
        </div>
      )}
      <form
        className="row manual-code"
        onSubmit={(e) => {
          e.preventDefault();
          if (manual.trim()) void stores.sale.getState().submitManualCode(manual);
          setManual('');
        }}
      >
        <label className="field">
          <span>{t('sale.scan.manual')}</span>
          <input
            value={manual}
            inputMode="numeric"
            autoComplete="off"
            onChange={(e) => setManual(e.target.value)}
          />
        </label>
        <button type="submit" className="btn" disabled={busy} title={busy ? t('sale.why.busy') : undefined}>
          {t('sale.scan.submit')}
        </button>
      </form>
      <button
        type="button"
        className="btn btn-big"
        data-testid="cancel-sale"
        disabled={busy}
        title={busy ? t('sale.why.busy') : undefined}
        aria-keyshortcuts="Escape"
        onClick={() => void stores.sale.getState().cancel()}
      >
        ✕ {t('sale.scan.cancel')} <kbd>Esc</kbd>
      </button>
      {confirmingCancel && (
        <ConfirmDialog
          title={t('sale.cancel.confirm.title')}
          body={t('sale.cancel.confirm.body')}
          confirmLabel={t('sale.cancel.confirm.yes')}
          cancelLabel={t('sale.cancel.confirm.no')}
          onConfirm={() => {
            setConfirmingCancel(false);
            void stores.sale.getState().cancel();
          }}
          onCancel={() => setConfirmingCancel(false)}
        />
      )}
    </section>
  );
}
