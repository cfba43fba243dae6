/** Amount entry: keypad or keyboard (digits, Backspace, Enter), note, then scan-to-charge or cash. */
import { useEffect } from 'react';
import { CashTendered } from '../components/cash-tendered.tsx';
import { Keypad } from '../components/keypad.tsx';
import { useI18n } from '../i18n/use-i18n.ts';
import { keyFromKeyboard } from '../state/amount-entry.ts';
import { selectEwalletAvailable } from '../state/connection-store.ts';
import { selectEntryFen } from '../state/sale-store.ts';
import { useApp, useStores } from '../state/stores-context.tsx';

function isTyping(target: EventTarget | null): boolean {
  return target instanceof HTMLElement && (target.tagName === 'INPUT' || target.tagName === 'TEXTAREA');
}

export function SaleEntry() {
  const { t, money } = useI18n();
  const stores = useStores();
  const entry = useApp('sale', (s) => s.entry);
  const note = useApp('sale', (s) => s.note);
  const busy = useApp('sale', (s) => s.busy);
  const fen = useApp('sale', selectEntryFen);
  const ewallet = useApp('connection', selectEwalletAvailable);
  const sale = stores.sale.getState;

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.defaultPrevented || isTyping(event.target) || event.ctrlKey || event.metaKey || event.altKey)
        return;
      if (event.key === 'Enter') {
        if (selectEwalletAvailable(stores.connection.getState())) void sale().begin();
        event.preventDefault();
        return;
      }
      const key = keyFromKeyboard(event.key);
      if (key) {
        sale().press(key);
        event.preventDefault();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [sale, stores]);

  return (
    <section className="panel sale-entry" aria-labelledby="amount-label">
      <div className="amount-box">
        <span id="amount-label" className="label">
          {t('sale.amount')}
        </span>
        <output className="amount" aria-live="polite" data-testid="amount">
          {entry === '' ? <span className="muted">{t('sale.amount.placeholder')}</span> : `¥${entry}`}
        </output>
      </div>
      <Keypad onKey={(key) => sale().press(key)} />
      <label className="field">
        <span>{t('sale.note')}</span>
        <input
          value={note}
          maxLength={200}
          data-testid="sale-note"
          onChange={(e) => sale().setNote(e.target.value)}
        />
      </label>
      <CashTendered totalFee={fen} />
      {!ewallet && (
        <div className="banner banner-warn" role="status" data-testid="ewallet-down">
          <span className="icon" aria-hidden="true">
            ✕
          </span>
          {t('sale.ewallet_down')}
        </div>
      )}
      <div className="row">
        <button
          type="button"
          className="btn btn-big btn-primary"
          data-testid="charge"
          disabled={busy || fen === null || !ewallet}
          onClick={() => void sale().begin()}
        >
          ▣ {t('sale.charge')}
          {fen !== null && ` ${money(fen)}`}
        </button>
        <button
          type="button"
          className="btn btn-big"
          data-testid="cash"
          disabled={busy || fen === null}
          onClick={() => void sale().payCash()}
        >
          ¥ {t('sale.cash')}
        </button>
      </div>
    </section>
  );
}
