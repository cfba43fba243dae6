/**
 * Amount entry: keypad or keyboard (digits, Backspace, Esc clears, Enter), note, then scan-to-charge
 * (F1) or cash (F2). Enter on a focused button is that button's own click, never the scan charge.
 * Two panes: keypad and note on the left; amount, cash tendered and the actions on the right.
 */
import { Banknote, ScanLine, WifiOff } from 'lucide-react';
import { CashTendered } from '../components/cash-tendered.tsx';
import { Keypad } from '../components/keypad.tsx';
import { ReasonedButton } from '../components/reasoned-button.tsx';
import { TextField } from '../components/text-field.tsx';
import { isTyping, useWindowKeydown } from '../components/use-window-keydown.ts';
import { useI18n } from '../i18n/use-i18n.ts';
import { keyFromKeyboard } from '../state/amount-entry.ts';
import { selectEwalletAvailable } from '../state/connection-store.ts';
import { selectEntryFen } from '../state/sale-store.ts';
import { useApp, useStores } from '../state/stores-context.tsx';

export function SaleEntry() {
  const { t, money } = useI18n();
  const stores = useStores();
  const entry = useApp('sale', (s) => s.entry);
  const note = useApp('sale', (s) => s.note);
  const busy = useApp('sale', (s) => s.busy);
  const fen = useApp('sale', selectEntryFen);
  const ewallet = useApp('connection', selectEwalletAvailable);
  const sale = stores.sale.getState;
  // A disabled button says why (its title, read on hover and by screen readers).
  const noAmount = fen === null ? t('sale.why.no_amount') : null;
  const chargeWhy = busy ? t('sale.why.busy') : (noAmount ?? (ewallet ? null : t('sale.why.ewallet_down')));
  const cashWhy = busy ? t('sale.why.busy') : noAmount;

  useWindowKeydown((event) => {
    if (event.defaultPrevented || isTyping(event.target) || event.ctrlKey || event.metaKey || event.altKey)
      return;
    // F1 扫码 / F2 现金: the hotkeys shown on the buttons.
    if (event.key === 'F1' || (event.key === 'Enter' && !(event.target instanceof HTMLButtonElement))) {
      if (selectEwalletAvailable(stores.connection.getState())) void sale().begin();
      event.preventDefault();
      return;
    }
    if (event.key === 'F2') {
      void sale().payCash();
      event.preventDefault();
      return;
    }
    // Enter on a focused button: the browser clicks that button.
    if (event.key === 'Enter') return;
    const key = keyFromKeyboard(event.key);
    if (key) {
      sale().press(key);
      event.preventDefault();
    }
  });

  return (
    <section className="panel sale-entry two-pane" aria-labelledby="amount-label">
      <div className="pane pane-keypad">
        <Keypad onKey={(key) => sale().press(key)} />
        <TextField
          label={t('sale.note')}
          inline
          value={note}
          maxLength={200}
          data-testid="sale-note"
          onChange={(value) => sale().setNote(value)}
        />
      </div>
      <div className="pane">
        <div className="amount-box">
          <span id="amount-label" className="label">
            {t('sale.amount')}
          </span>
          <output className="amount amount-huge" aria-live="polite" data-testid="amount">
            {entry === '' ? <span className="muted">{t('sale.amount.placeholder')}</span> : `¥${entry}`}
          </output>
        </div>
        <CashTendered totalFee={fen} />
        {!ewallet && (
          <div className="banner banner-warn" role="status" data-testid="ewallet-down">
            <span className="icon">
              <WifiOff />
            </span>
            {t('sale.ewallet_down')}
          </div>
        )}
        <div className="actions">
          <ReasonedButton
            className="btn btn-big btn-primary"
            data-testid="charge"
            reasonTestId="charge-why"
            why={chargeWhy}
            aria-keyshortcuts="F1"
            onClick={() => void sale().begin()}
          >
            <ScanLine /> {t('sale.charge')}
            {fen !== null && ` ${money(fen)}`} <kbd>F1</kbd>
          </ReasonedButton>
          <ReasonedButton
            className="btn btn-big"
            data-testid="cash"
            reasonTestId="cash-why"
            why={cashWhy}
            aria-keyshortcuts="F2"
            onClick={() => void sale().payCash()}
          >
            <Banknote /> {t('sale.cash')} <kbd>F2</kbd>
          </ReasonedButton>
        </div>
      </div>
    </section>
  );
}
