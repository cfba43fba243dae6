/**
 * The result, unmistakable from a metre away: the whole screen in the outcome's colour (green paid,
 * red declined, amber in doubt, blue reversed), an icon and a title, what it means and what to do next.
 */
import {
  Banknote,
  CircleCheck,
  CirclePlus,
  CircleX,
  type LucideIcon,
  ScanLine,
  TriangleExclamationPoint,
  Undo2,
} from 'lucide-react';
import { useEffect, useRef } from 'react';
import { PrintReceiptButton } from '../components/print-receipt-button.tsx';
import { ReasonedButton } from '../components/reasoned-button.tsx';
import { Receipt } from '../components/receipt.tsx';
import { isTyping, useWindowKeydown } from '../components/use-window-keydown.ts';
import { useI18n } from '../i18n/use-i18n.ts';
import { keyFromKeyboard } from '../state/amount-entry.ts';
import { type Outcome, selectCanStartNew } from '../state/sale-store.ts';
import { useApp, useStores } from '../state/stores-context.tsx';

/** How long 收款成功 stays before the till is back at amount entry by itself. */
export const PAID_RETURN_MS = 4_000;

const ICON: Readonly<Record<Outcome['kind'], LucideIcon>> = {
  paid: CircleCheck,
  failed: CircleX,
  reversed: Undo2,
  closed: CircleX,
  attention: TriangleExclamationPoint,
};

const TONE: Readonly<Record<Outcome['kind'], string>> = {
  paid: 'tone-ok',
  failed: 'tone-err',
  reversed: 'tone-info',
  closed: 'tone-err',
  attention: 'tone-doubt',
};

export function SaleOutcome({ outcome }: { outcome: Outcome }) {
  const { t, money, problem, failure } = useI18n();
  const stores = useStores();
  const canStartNew = useApp('sale', selectCanStartNew);
  const busy = useApp('sale', (s) => s.busy);
  const attempt = outcome.attempt;
  const newSaleRef = useRef<HTMLButtonElement>(null);
  // Keyboard cashiers: Enter on the outcome starts the next sale.
  useEffect(() => {
    if (canStartNew) newSaleRef.current?.focus();
  }, [canStartNew]);
  // Paid: back to amount entry by itself, so the next customer never waits for a click.
  useEffect(() => {
    if (outcome.kind !== 'paid' || !canStartNew) return;
    const timer = setTimeout(() => stores.sale.getState().newSale(), PAID_RETURN_MS);
    return () => clearTimeout(timer);
  }, [outcome.kind, canStartNew, stores]);
  // The first digit typed starts the next sale with that digit (the store decides whether it may).
  useWindowKeydown((event) => {
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return;
    if (isTyping(event.target)) return;
    const key = keyFromKeyboard(event.key);
    if (key && key !== 'back' && key !== 'clear') {
      stores.sale.getState().press(key);
      event.preventDefault();
    }
  });
  const amount =
    outcome.kind === 'paid'
      ? (outcome.order?.total_fee ?? attempt?.total_fee ?? 0)
      : outcome.attempt.total_fee;
  const title = {
    paid: t('outcome.paid.title'),
    failed: t('outcome.failed.title'),
    reversed: t('outcome.reversed.title'),
    closed: t('outcome.closed.title'),
    attention: t('outcome.attention.title'),
  }[outcome.kind];
  const Icon = ICON[outcome.kind];
  const nextWhy = busy ? t('sale.why.busy') : canStartNew ? null : t('sale.charging.next_sale.why');
  return (
    <section
      className={`panel outcome two-pane outcome-${outcome.kind} ${TONE[outcome.kind]}`}
      data-testid="outcome"
      data-outcome={outcome.kind}
    >
      <div className="pane">
        <h1 className="outcome-title">
          <span className="outcome-icon">
            <Icon />
          </span>
          {title}
        </h1>
        <p className="amount amount-huge">{money(amount)}</p>
        {outcome.kind === 'failed' && (
          <>
            <p className="reason" data-testid="failure-reason">
              {failure(outcome.attempt.failure).reason}
            </p>
            <p className="todo">{failure(outcome.attempt.failure).todo}</p>
          </>
        )}
        {outcome.kind === 'reversed' && <p className="reason">{t('outcome.reversed.body')}</p>}
        {outcome.kind === 'attention' && (
          <>
            <p className="reason" data-testid="attention-reason">
              {problem(outcome.attempt.attention)}
            </p>
            <p className="todo">{t('outcome.attention.tell')}</p>
            <p className="todo">
              {t('outcome.attention.reference')}:{' '}
              <code data-testid="reference">{outcome.attempt.out_trade_no}</code>
            </p>
          </>
        )}
      </div>
      <div className="pane">
        {outcome.kind === 'paid' && <Receipt order={outcome.order} attempt={outcome.attempt} />}
        {outcome.kind === 'attention' && (
          <div className="banner banner-warn" role="status" data-testid="attention-moved">
            <span className="icon">
              <TriangleExclamationPoint />
            </span>
            <span className="banner-text">{t('outcome.attention.moved')}</span>
            <button
              type="button"
              className="btn btn-small"
              onClick={() => stores.nav.getState().go('attention')}
            >
              {t('outcome.goto_attention')}
            </button>
          </div>
        )}
        <div className="actions no-print">
          {outcome.kind === 'paid' && <PrintReceiptButton order={outcome.order} />}
          {outcome.kind === 'reversed' && (
            <>
              <ReasonedButton
                className="btn btn-big"
                data-testid="charge-again"
                why={nextWhy}
                onClick={() => void stores.sale.getState().chargeAgain()}
              >
                <ScanLine /> {t('outcome.charge_again', { amount: money(amount) })}
              </ReasonedButton>
              <ReasonedButton
                className="btn btn-big"
                data-testid="cash-instead"
                why={nextWhy}
                onClick={() => void stores.sale.getState().payCashInstead()}
              >
                <Banknote /> {t('sale.cash')}
              </ReasonedButton>
            </>
          )}
          <ReasonedButton
            className="btn btn-big btn-primary"
            data-testid="new-sale"
            reasonTestId="new-sale-why"
            ref={newSaleRef}
            why={canStartNew ? null : t('sale.charging.next_sale.why')}
            onClick={() => stores.sale.getState().newSale()}
          >
            <CirclePlus /> {t('outcome.new_sale')}
          </ReasonedButton>
        </div>
      </div>
    </section>
  );
}
