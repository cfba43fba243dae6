/** Orders filtered by date, tender, status and cashier; one order's detail with attempts and timeline. */

import { ArrowLeft, ArrowLeftRight, ChevronLeft, ChevronRight, Undo2 } from 'lucide-react';
import { useEffect } from 'react';
import type { OrderStatus, Tender } from '../../../core/common/contract/views.ts';
import { isRefundableStatus } from '../../../core/common/order-status.ts';
import { CsvExportButton } from '../components/csv-export-button.tsx';
import { ErrorBanner } from '../components/error-banner.tsx';
import { KeyValue } from '../components/key-value.tsx';
import { ReasonedButton } from '../components/reasoned-button.tsx';
import { ReprintButton } from '../components/reprint-button.tsx';
import { ActionForm, ScreenPanel } from '../components/screen-panel.tsx';
import { DetailCell, TableHead } from '../components/table-parts.tsx';
import { TextField } from '../components/text-field.tsx';
import { Timeline } from '../components/timeline.tsx';
import { useI18n } from '../i18n/use-i18n.ts';
import { useApp, useAppFields, useStores } from '../state/stores-context.tsx';

const STATUSES: readonly OrderStatus[] = [1, 2, 3, 0, -1];
const TENDERS: readonly Tender[] = ['wxpay', 'alipay', 'cash'];

function OrderDetail() {
  const { t, money, time } = useI18n();
  const stores = useStores();
  const order = useApp('history', (s) => s.selected);
  if (!order) return null;
  return (
    <section className="card" data-testid="order-detail">
      <div className="row">
        <button type="button" className="btn" onClick={() => stores.history.getState().clearSelection()}>
          <ArrowLeft /> {t('history.back')}
        </button>
        {isRefundableStatus(order.status) && (
          <button
            type="button"
            className="btn btn-primary"
            onClick={() => {
              stores.refund.getState().pick(order);
              stores.nav.getState().go('refund');
            }}
          >
            <Undo2 /> {t('history.refund')}
          </button>
        )}
        <ReprintButton order={order} />
      </div>
      <h2>
        <code>{order.out_trade_no}</code> · {money(order.total_fee)} · {t(`order.status.${order.status}`)}
      </h2>
      <dl className="kvs">
        <KeyValue label={t('receipt.tender')} value={order.tender ? t(`tender.${order.tender}`) : '—'} />
        <KeyValue label={t('receipt.transaction_id')} value={order.transaction_id ?? '—'} />
        <KeyValue label={t('receipt.time')} value={time(order.paid_at ?? order.created_at)} />
        <KeyValue label={t('refund.refunded')} value={money(order.refunded_fee)} />
        <KeyValue label={t('receipt.cashier')} value={order.cashier ?? '—'} />
      </dl>
      <h3>{t('history.attempts')}</h3>
      <ul>
        {order.attempts.map((a) => (
          <li key={a.out_trade_no}>
            <code>{a.out_trade_no}</code> {t(`wallet.${a.wallet}`)}{' '}
            {a.phase === 'reversed' && a.reverse_action === 'refund'
              ? t('phase.reversed_refunded')
              : t(`phase.${a.phase}`)}{' '}
            {money(a.total_fee)}
          </li>
        ))}
      </ul>
      <h3>{t('history.timeline')}</h3>
      <Timeline entries={order.timeline} />
    </section>
  );
}

export function HistoryScreen() {
  const { t, money, time, lang } = useI18n();
  const stores = useStores();
  const h = stores.history.getState;
  const { filters, orders, total, page, pageSize, loading, exporting, error } = useAppFields('history', [
    'filters',
    'orders',
    'total',
    'page',
    'pageSize',
    'loading',
    'exporting',
    'error',
  ]);
  const selected = useApp('history', (s) => s.selected !== null);
  useEffect(() => {
    void h().load();
  }, [h]);
  if (selected) return <OrderDetail />;
  return (
    <ScreenPanel id="history-title" title={t('history.title')}>
      <ActionForm className="filters" onSubmit={() => void h().load(1)}>
        <TextField
          label={t('history.from')}
          type="date"
          value={filters.from}
          onChange={(value) => h().setFilters({ from: value })}
        />
        <TextField
          label={t('history.to')}
          type="date"
          value={filters.to}
          onChange={(value) => h().setFilters({ to: value })}
        />
        <label className="field">
          <span>{t('history.tender')}</span>
          <select
            value={filters.tender}
            onChange={(e) => h().setFilters({ tender: e.target.value as Tender | '' })}
          >
            <option value="">{t('history.any')}</option>
            {TENDERS.map((x) => (
              <option key={x} value={x}>
                {t(`tender.${x}`)}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span>{t('history.status')}</span>
          <select
            value={String(filters.status)}
            onChange={(e) =>
              h().setFilters({ status: e.target.value === '' ? '' : (Number(e.target.value) as OrderStatus) })
            }
          >
            <option value="">{t('history.any')}</option>
            {STATUSES.map((x) => (
              <option key={x} value={x}>
                {t(`order.status.${x}`)}
              </option>
            ))}
          </select>
        </label>
        <TextField
          label={t('history.cashier')}
          value={filters.cashier}
          onChange={(value) => h().setFilters({ cashier: value })}
        />
        <TextField
          label={t('history.search')}
          value={filters.search}
          onChange={(value) => h().setFilters({ search: value })}
        />
        <ReasonedButton type="submit" className="btn btn-primary" why={loading ? t('sale.why.busy') : null}>
          {t('history.apply')}
        </ReasonedButton>
        <button
          type="button"
          className="btn"
          data-testid="nav-reconcile"
          onClick={() => stores.nav.getState().go('reconcile')}
        >
          <ArrowLeftRight /> {t('nav.reconcile')}
        </button>
        <CsvExportButton
          testId="history-export"
          exporting={exporting}
          exportCsv={() => h().exportCsv(lang)}
        />
      </ActionForm>
      <ErrorBanner error={error} />
      <p className="muted">{loading ? t('common.loading') : t('history.total', { count: total })}</p>
      {orders.length === 0 && !loading ? (
        <p className="muted">{t('history.empty')}</p>
      ) : (
        <table className="orders" data-testid="orders">
          <TableHead
            columns={[
              'receipt.time',
              'receipt.order_no',
              'receipt.amount',
              'history.tender',
              'history.status',
              'history.cashier',
              null,
            ]}
          />
          <tbody>
            {orders.map((o) => (
              <tr key={o.out_trade_no}>
                <td>{time(o.created_at)}</td>
                <td>
                  <code>{o.out_trade_no}</code>
                </td>
                <td>{money(o.total_fee)}</td>
                <td>{o.tender ? t(`tender.${o.tender}`) : '—'}</td>
                <td>{t(`order.status.${o.status}`)}</td>
                <td>{o.cashier ?? '—'}</td>
                <DetailCell onOpen={() => void h().select(o.out_trade_no)} />
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <div className="row">
        <ReasonedButton
          className="btn"
          why={loading ? t('sale.why.busy') : page <= 1 ? t('why.first_page') : null}
          onClick={() => void h().load(page - 1)}
        >
          <ChevronLeft /> {t('history.prev')}
        </ReasonedButton>
        <ReasonedButton
          className="btn"
          why={loading ? t('sale.why.busy') : page * pageSize >= total ? t('why.last_page') : null}
          onClick={() => void h().load(page + 1)}
        >
          {t('history.next')} <ChevronRight />
        </ReasonedButton>
      </div>
    </ScreenPanel>
  );
}
