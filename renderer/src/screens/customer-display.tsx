/**
 * The customer-facing screen (`?mode=customer`; the second Electron window on a second monitor):
 * the shop name, then the amount to pay with 请出示付款码, waiting, 支付成功 or failed, in type large
 * enough to read across a counter; a cash sale with what was tendered and the change. Read-only: no buttons, no status bar; it follows the till.
 */
import { useEffect } from 'react';
import { useI18n } from '../i18n/use-i18n.ts';
import { selectCustomerView, shopName } from '../state/customer-view.ts';
import { useApp } from '../state/stores-context.tsx';

export function CustomerDisplay() {
  const { t, money } = useI18n();
  const sale = useApp('sale', (s) => s.sale);
  const shop = useApp('settings', (s) => shopName(s.settings?.merchants));
  const cashSale = useApp('customerCash', (s) => s.cashSale);
  const view = selectCustomerView(sale, cashSale);
  useEffect(() => {
    document.documentElement.classList.add('customer-mode');
    return () => document.documentElement.classList.remove('customer-mode');
  }, []);
  return (
    <main
      className={`customer-screen customer-${view.kind}`}
      data-testid="customer-screen"
      data-state={view.kind}
    >
      <header className="customer-shop">{shop ?? t('app.title')}</header>
      {view.kind === 'idle' ? (
        <p className="customer-welcome">{t('customer.idle')}</p>
      ) : (
        <>
          <p className="customer-amount" data-testid="customer-amount">
            {money(view.fee)}
          </p>
          {view.kind === 'paid' && view.cash ? (
            <p className="customer-cash">
              <span data-testid="customer-tendered">
                {t('customer.tendered', { amount: money(view.cash.tendered) })}
              </span>
              <span data-testid="customer-change">
                {t('customer.change', { amount: money(view.cash.change) })}
              </span>
            </p>
          ) : null}
          <p className="customer-message" role="status">
            {view.kind === 'paid' ? `✓ ${t('customer.paid')}` : t(`customer.${view.kind}`)}
          </p>
        </>
      )}
    </main>
  );
}
