/** Refund: find the order (a scan lands here too), full or partial amount, supervisor PIN, outcome. */
import { CircleCheck, CircleDashed, CircleX } from 'lucide-react';
import { ErrorBanner } from '../components/error-banner.tsx';
import { KeyValue } from '../components/key-value.tsx';
import { ReasonedButton } from '../components/reasoned-button.tsx';
import { RefundForm } from '../components/refund-form.tsx';
import { ActionForm, ScreenPanel } from '../components/screen-panel.tsx';
import { StoreRefundPanel } from '../components/store-refund-panel.tsx';
import { TextField } from '../components/text-field.tsx';
import { useI18n } from '../i18n/use-i18n.ts';
import { pendingAsk, refundableFee } from '../state/refund-store.ts';
import { useAppFields, useStores } from '../state/stores-context.tsx';

export function RefundScreen() {
  const { t, money, time, problem, problemDetail } = useI18n();
  const stores = useStores();
  const r = stores.refund.getState;
  const { lookup, order, amount, reason, pin, busy, result, error, unanswered } = useAppFields('refund', [
    'lookup',
    'order',
    'amount',
    'reason',
    'pin',
    'busy',
    'result',
    'error',
    'unanswered',
  ]);
  const rest = order ? refundableFee(order) : 0;
  // The next press repeats an ask with no answer yet (same number, same amount): say so.
  const repeat = !order
    ? null
    : unanswered?.outTradeNo === order.out_trade_no
      ? unanswered
      : pendingAsk(order);
  // A refusal the provider called final: its reason (the answer's order carries the refund row).
  const refusal =
    result?.status === 'failed'
      ? (result.order.refunds.find((x) => x.out_refund_no === result.out_refund_no)?.failure ?? null)
      : null;
  return (
    <ScreenPanel id="refund-title" title={t('refund.title')}>
      <ActionForm className="row" onSubmit={() => void r().find()}>
        <TextField
          label={t('refund.lookup')}
          fieldClassName="grow"
          value={lookup}
          data-testid="refund-lookup"
          onChange={(value) => r().setLookup(value)}
        />
        <ReasonedButton type="submit" className="btn" why={busy ? t('sale.why.busy') : null}>
          {t('refund.find')}
        </ReasonedButton>
        <button type="button" className="btn" onClick={() => stores.nav.getState().go('history')}>
          {t('refund.pick_history')}
        </button>
      </ActionForm>
      <ErrorBanner error={error} />
      {!order && <StoreRefundPanel />}
      {order && (
        <div className="card" data-testid="refund-order">
          <div className="card-head">
            <code>{order.out_trade_no}</code>
            <span>{order.tender ? t(`tender.${order.tender}`) : '—'}</span>
            <time>{time(order.paid_at ?? order.created_at)}</time>
            <span>{t(`order.status.${order.status}`)}</span>
          </div>
          <dl className="kvs">
            <KeyValue label={t('refund.paid')} value={money(order.total_fee)} />
            <KeyValue label={t('refund.refunded')} value={money(order.refunded_fee)} />
            <KeyValue label={t('refund.refundable')} value={money(rest)} testId="refundable" />
          </dl>
          {result && (
            <p
              className={`banner ${result.status === 'failed' ? 'banner-error' : 'banner-ok'}`}
              role="status"
              data-testid="refund-result"
              data-status={result.status}
            >
              <span className="icon">
                {result.status === 'succeeded' ? (
                  <CircleCheck />
                ) : result.status === 'pending' ? (
                  <CircleDashed />
                ) : (
                  <CircleX />
                )}
              </span>
              {t(`refund.result.${result.status}`)} {money(result.refund_fee)}
              {refusal && (
                <span data-testid="refund-failure">
                  {' · '}
                  {t('refund.refused_by_provider', {
                    reason: problemDetail(refusal) || problem(refusal),
                  })}
                </span>
              )}
            </p>
          )}
          {repeat && (
            <p className="banner" role="status" data-testid="refund-repeat">
              <span className="icon">
                <CircleDashed />
              </span>
              {t('refund.repeat_unanswered', { amount: money(repeat.fee) })}
            </p>
          )}
          <RefundForm
            testIdPrefix="refund"
            submitLabel="refund.submit"
            refundable={rest}
            amount={amount}
            reason={reason}
            pin={pin}
            busy={busy}
            actions={r}
          />
        </div>
      )}
    </ScreenPanel>
  );
}
