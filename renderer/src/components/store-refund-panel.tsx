/**
 * The refund screen's store refund (./../state/store-refund-store.ts): a sale another till made,
 * as the store hub holds it (which till, when, how much, what is left), then the amount and the
 * supervisor PIN exactly as for a refund of this till's own sale. Shows nothing until the refund
 * screen's lookup found no such order here and handed the number to the hub.
 */
import { CircleCheck, CircleDashed } from 'lucide-react';
import { useI18n } from '../i18n/use-i18n.ts';
import { storeRefundableFee, storeRepeatOf } from '../state/store-refund-store.ts';
import { useAppFields, useStores } from '../state/stores-context.tsx';
import { ErrorBanner } from './error-banner.tsx';
import { KeyValue } from './key-value.tsx';
import { RefundForm } from './refund-form.tsx';

export function StoreRefundPanel() {
  const { t, money, time } = useI18n();
  const s = useStores().storeRefund.getState;
  const { order, amount, reason, pin, busy, result, error, unanswered } = useAppFields('storeRefund', [
    'unanswered',
    'order',
    'amount',
    'reason',
    'pin',
    'busy',
    'result',
    'error',
  ]);
  if (!order && !error && !busy) return null;
  if (!order)
    return (
      <>
        {busy && (
          <p className="muted" role="status" data-testid="store-refund-looking">
            {t('refund.store.looking')}
          </p>
        )}
        <ErrorBanner error={error} />
      </>
    );
  const rest = storeRefundableFee(order);
  // The next press repeats an ask the hub has not answered (same request id, same amount): say so.
  const repeat = storeRepeatOf(order, unanswered);
  return (
    <div className="card" data-testid="store-refund-order">
      {/* The same rows as this till's own refund card, so it fits the same screens (800×480). */}
      <div className="card-head">
        <span>
          {t('refund.store.till')} <strong data-testid="store-refund-till">{order.terminal_id}</strong>
        </span>
        <code>{order.order_no}</code>
        <span>{order.tender ? t(`tender.${order.tender}`) : '—'}</span>
        <time>{time(order.paid_at ?? order.created_at)}</time>
      </div>
      <dl className="kvs">
        <KeyValue label={t('refund.paid')} value={money(order.total_fee)} />
        <KeyValue label={t('refund.refunded')} value={money(order.refunded_fee)} />
        <KeyValue label={t('refund.refundable')} value={money(rest)} testId="store-refundable" />
      </dl>
      <ErrorBanner error={error} />
      {result && (
        <p className="banner banner-ok" role="status" data-testid="store-refund-result">
          <span className="icon">
            <CircleCheck />
          </span>
          {t('refund.store.requested', {
            terminal: result.terminal_id,
            amount: money(result.refund_fee),
            no: result.out_refund_no,
          })}
        </p>
      )}
      {repeat && (
        <p className="banner" role="status" data-testid="store-refund-repeat">
          <span className="icon">
            <CircleDashed />
          </span>
          {t('refund.store.repeat_unanswered', { amount: money(repeat.fee) })}
        </p>
      )}
      <RefundForm
        testIdPrefix="store-refund"
        submitLabel="refund.store.submit"
        refundable={rest}
        amount={amount}
        reason={reason}
        pin={pin}
        busy={busy}
        actions={s}
      />
    </div>
  );
}
