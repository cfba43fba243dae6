/** Orders filtered by date, tender, status and cashier; one order's detail with attempts and timeline. */

import { useEffect } from 'react';
import type { OrderStatus, Tender } from '../../../core/common/contract/views.ts';
import { isRefundableStatus } from '../../../core/common/order-status.ts';
import { ErrorBanner } from '../components/error-banner.tsx';
import { ReprintButton } from '../components/reprint-button.tsx';
import { saveTextFile } from '../components/save-file.ts';
import { Timeline } from '../components/timeline.tsx';
import { useI18n } from '../i18n/use-i18n.ts';
import { useApp, useStores } from '../state/stores-context.tsx';

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
          ← {t('history.back')}
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
            ↩ {t('history.refund')}
          </button>
        )}
        <ReprintButton order={order} />
      </div>
      <h2>
        <code>{order.out_trade_no}</code> · {money(order.total_fee)} · {t(`order.status.${order.status}`)}
      </h2>
      <dl className="kvs">
        <div className="kv">
          <dt>{t('receipt.tender')}</dt>
          <dd>{order.tender ? t(`tender.${order.tender}`) : '—'}</dd>
        </div>
        <div className="kv">
          <dt>{t('receipt.transaction_id')}</dt>
          <dd>{order.transaction_id ?? '—'}</dd>
        </div>
        <div className="kv">
          <dt>{t('receipt.time')}</dt>
          <dd>{time(order.paid_at ?? order.created_at)}</dd>
        </div>
        <div className="kv">
          <dt>{t('refund.refunded')}</dt>
          <dd>{money(order.refunded_fee)}</dd>
        </div>
        <div className="kv">
          <dt>{t('receipt.cashier')}</dt>
          <dd>{order.cashier ?? '—'}</dd>
        </div>
      </dl>
      <h3>{t('history.attempts')}</h3>
      <ul>
        {order.attempts.map((a) => (
          <li key={a.out_trade_no}>
            <code>{a.out_trade_no}</code> {t(`wallet.${a.wallet}`)} {t(`phase.${a.phase}`)}{' '}
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
  const filters = useApp('history', (s) => s.filters);
  const orders = useApp('history', (s) => s.orders);
  const total = useApp('history', (s) => s.total);
  const page = useApp('history', (s) => s.page);
  const pageSize = useApp('history', (s) => s.pageSize);
  const loading = useApp('history', (s) => s.loading);
  const exporting = useApp('history', (s) => s.exporting);
  const error = useApp('history', (s) => s.error);
  const selected = useApp('history', (s) => s.selected !== null);
  useEffect(() => {
    void h().load();
  }, [h]);
  if (selected) return <OrderDetail />;
  return (
    <section className="panel" aria-labelledby="history-title">
      <h1 id="history-title">{t('history.title')}</h1>
      <form
        className="filters"
        onSubmit={(e) => {
          e.preventDefault();
          void h().load(1);
        }}
      >
        <label className="field">
          <span>{t('history.from')}</span>
          <input
            type="date"
            value={filters.from}
            onChange={(e) => h().setFilters({ from: e.target.value })}
          />
        </label>
        <label className="field">
          <span>{t('history.to')}</span>
          <input type="date" value={filters.to} onChange={(e) => h().setFilters({ to: e.target.value })} />
        </label>
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
        <label className="field">
          <span>{t('history.cashier')}</span>
          <input value={filters.cashier} onChange={(e) => h().setFilters({ cashier: e.target.value })} />
        </label>
        <label className="field">
          <span>{t('history.search')}</span>
          <input value={filters.search} onChange={(e) => h().setFilters({ search: e.target.value })} />
        </label>
        <button type="submit" className="btn btn-primary" disabled={loading}>
          {t('history.apply')}
        </button>
        <button
          type="button"
          className="btn"
          data-testid="nav-reconcile"
          onClick={() => stores.nav.getState().go('reconcile')}
        >
          ⇄ {t('nav.reconcile')}
        </button>
        <button
          type="button"
          className="btn"
          data-testid="history-export"
          disabled={exporting}
          onClick={async () => {
            const file = await h().exportCsv(lang);
            if (file) saveTextFile(file.filename, file.csv, 'text/csv;charset=utf-8');
          }}
        >
          ⇩ {exporting ? t('common.loading') : t('history.export')}
        </button>
      </form>
      <ErrorBanner error={error} />
      <p className="muted">{loading ? t('common.loading') : t('history.total', { count: total })}</p>
      {orders.length === 0 && !loading ? (
        <p className="muted">{t('history.empty')}</p>
      ) : (
        <table className="orders" data-testid="orders">
          <thead>
            <tr>
              <th>{t('receipt.time')}</th>
              <th>{t('receipt.order_no')}</th>
              <th>{t('receipt.amount')}</th>
              <th>{t('history.tender')}</th>
              <th>{t('history.status')}</th>
              <th>{t('history.cashier')}</th>
              <th />
            </tr>
          </thead>
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
                <td>
                  <button
                    type="button"
                    className="btn btn-small"
                    onClick={() => void h().select(o.out_trade_no)}
                  >
                    {t('history.detail')}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <div className="row">
        <button
          type="button"
          className="btn"
          disabled={page <= 1 || loading}
          onClick={() => void h().load(page - 1)}
        >
          ← {t('history.prev')}
        </button>
        <button
          type="button"
          className="btn"
          disabled={page * pageSize >= total || loading}
          onClick={() => void h().load(page + 1)}
        >
          {t('history.next')} →
        </button>
      </div>
    </section>
  );
}
