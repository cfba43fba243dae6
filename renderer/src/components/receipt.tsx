/** A printable receipt: the print stylesheet shows only `.printable` content. */
import type { AttemptView, OrderView } from '../../../core/common/contract/views.ts';
import { useI18n } from '../i18n/use-i18n.ts';
import { KeyValue } from './key-value.tsx';

export function Receipt({ order, attempt }: { order: OrderView | null; attempt: AttemptView | null }) {
  const { t, money, time } = useI18n();
  const amount = order?.total_fee ?? attempt?.total_fee ?? 0;
  const tender = order?.tender ?? attempt?.wallet ?? null;
  const rows: [string, string][] = [
    [t('receipt.amount'), money(amount)],
    [t('receipt.tender'), tender ? t(`tender.${tender}`) : '—'],
    [t('receipt.transaction_id'), order?.transaction_id ?? attempt?.transaction_id ?? '—'],
    [t('receipt.order_no'), order?.out_trade_no ?? attempt?.order_no ?? '—'],
    [t('receipt.time'), time(order?.paid_at ?? attempt?.updated_at ?? order?.created_at)],
  ];
  if (order?.cashier) rows.push([t('receipt.cashier'), order.cashier]);
  if (order?.note) rows.push([t('receipt.note'), order.note]);
  return (
    <section className="receipt printable" aria-label={t('receipt.title')}>
      <h3>{t('receipt.title')}</h3>
      <dl>
        {rows.map(([k, v]) => (
          <KeyValue key={k} label={k} value={v} />
        ))}
      </dl>
    </section>
  );
}
