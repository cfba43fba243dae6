/**
 * "Scan the customer's payment code" with the amount; a rejected scan says why in plain words. After a
 * declined try the whole screen turns red (the sale still waits for a fresh code or cash). Two panes:
 * what to do on the left, the typed code and the actions on the right.
 */
import { Banknote, CircleX, ScanLine, TriangleExclamationPoint, X } from 'lucide-react';
import { useId, useState } from 'react';
import type { AttemptView, OrderView } from '../../../core/common/contract/views.ts';
import { ConfirmDialog } from '../components/confirm-dialog.tsx';
import { ReasonedButton } from '../components/reasoned-button.tsx';
import { useWindowKeydown } from '../components/use-window-keydown.ts';
import { useI18n } from '../i18n/use-i18n.ts';
import { useApp, useStores } from '../state/stores-context.tsx';

export function SaleScan({ order, failed }: { order: OrderView | null; failed: AttemptView | null }) {
  const { t, money, problem, failure } = useI18n();
  const stores = useStores();
  const lastScan = useApp('sale', (s) => s.sale?.last_scan ?? null);
  const busy = useApp('sale', (s) => s.busy);
  const [manual, setManual] = useState('');
  const manualId = useId();
  // Esc asks to cancel the waiting sale (a stray key must not drop the customer's amount).
  const [confirmingCancel, setConfirmingCancel] = useState(false);
  useWindowKeydown((event) => {
    if (event.key !== 'Escape' || event.defaultPrevented || confirmingCancel) return;
    event.preventDefault();
    setConfirmingCancel(true);
  });
  const rejected = lastScan && !lastScan.ok && lastScan.at >= (order?.created_at ?? 0) ? lastScan : null;
  const busyWhy = busy ? t('sale.why.busy') : null;
  return (
    <section className={`panel sale-scan two-pane${failed ? ' tone-err' : ''}`} aria-labelledby="scan-title">
      <div className="pane">
        {failed && (
          <div className="outcome outcome-failed" role="alert" data-testid="outcome" data-outcome="failed">
            <h2 className="outcome-title">
              <span className="outcome-icon">
                <CircleX />
              </span>
              {t('outcome.failed.title')}
            </h2>
            <p className="reason" data-testid="failure-reason">
              {failure(failed.failure).reason}
            </p>
            <p className="todo">{failure(failed.failure).todo}</p>
          </div>
        )}
        <h1 id="scan-title" className="prompt" data-testid="scan-prompt">
          <ScanLine />
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
            <span className="icon">
              <TriangleExclamationPoint />
            </span>
            <span>
              <strong>{t('scan.error.title')}</strong> ({rejected.code_masked}) {problem(rejected.error)}
            </span>
          </div>
        )}
      </div>
      <div className="pane">
        <form
          className="manual-code field"
          onSubmit={(e) => {
            e.preventDefault();
            if (manual.trim()) void stores.sale.getState().submitManualCode(manual);
            setManual('');
          }}
        >
          <label htmlFor={manualId}>{t('sale.scan.manual')}</label>
          <span className="actions-row">
            <input
              id={manualId}
              value={manual}
              inputMode="numeric"
              autoComplete="off"
              onChange={(e) => setManual(e.target.value)}
            />
            <ReasonedButton type="submit" why={busyWhy}>
              {t('sale.scan.submit')}
            </ReasonedButton>
          </span>
        </form>
        <div className="actions">
          {failed && (
            <ReasonedButton
              className="btn btn-big"
              data-testid="cash-instead"
              why={busyWhy}
              onClick={() => void stores.sale.getState().payCashInstead()}
            >
              <Banknote /> {t('sale.cash')}
            </ReasonedButton>
          )}
          <ReasonedButton
            className="btn btn-big"
            data-testid="cancel-sale"
            why={busyWhy}
            aria-keyshortcuts="Escape"
            onClick={() => void stores.sale.getState().cancel()}
          >
            <X /> {t('sale.scan.cancel')} <kbd>Esc</kbd>
          </ReasonedButton>
        </div>
      </div>
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
