/**
 * 对账: a Beijing day against the providers' bills. Pick the day, see what matched and the totals
 * per wallet (bill vs till), go through the discrepancies and decide each one (book, refund, or
 * explain with a note; supervisor PIN), export the list as CSV. Keyboard: the form submits with
 * Enter, every row is a button, Esc closes the decision panel. Compact enough for 800×480.
 */
import { RefreshCw } from 'lucide-react';
import { useEffect, useState } from 'react';
import type { DecisionAction, ReconcileItem } from '../../../core/common/contract/reconcile-views.ts';
import { CsvExportButton } from '../components/csv-export-button.tsx';
import { ErrorBanner } from '../components/error-banner.tsx';
import { ReasonedButton } from '../components/reasoned-button.tsx';
import { ActionForm, ScreenPanel } from '../components/screen-panel.tsx';
import { SupervisorFields, useSupervisorDecision } from '../components/supervisor-fields.tsx';
import { DetailCell, TableHead } from '../components/table-parts.tsx';
import { TextField } from '../components/text-field.tsx';
import { useI18n } from '../i18n/use-i18n.ts';
import { discrepancies } from '../state/reconcile-store.ts';
import { useApp, useAppFields, useStores } from '../state/stores-context.tsx';

const amount = (money: (fen: number) => string, fen: number | null) => (fen === null ? '—' : money(fen));

function Decision({ item }: { item: ReconcileItem }) {
  const { t, money } = useI18n();
  const stores = useStores();
  const deciding = useApp('reconcile', (s) => s.deciding);
  const [action, setAction] = useState<DecisionAction>(item.choices[0] ?? 'explain');
  const decision = useSupervisorDecision();
  const close = () => stores.reconcile.getState().select(null);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') stores.reconcile.getState().select(null);
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [stores]);
  return (
    <section className="card" data-testid="reconcile-decision">
      <h2>
        <code>{item.out_trade_no}</code>
        {item.out_refund_no ? <code> / {item.out_refund_no}</code> : null} ·{' '}
        {t(`reconcile.list.${item.kind}`)}
      </h2>
      <p>
        {t(`reconcile.reason.${item.reason}`)} — {t('reconcile.till')} {amount(money, item.terminal_fen)},{' '}
        {t('reconcile.bill')} {amount(money, item.provider_fen)}
      </p>
      {item.state !== 'open' && (
        <p data-testid="reconcile-decided">
          {t(`reconcile.state.${item.state}`)}: {item.resolved_by} — {item.resolution_note}
        </p>
      )}
      <form
        className="filters"
        onSubmit={async (e) => {
          e.preventDefault();
          if (
            await stores.reconcile
              .getState()
              .decide({ action, by: decision.by, note: decision.why, pin: decision.pin })
          )
            close();
        }}
      >
        <fieldset className="row">
          <legend>{t('reconcile.choose')}</legend>
          {item.choices.map((choice) => (
            <label key={choice} className="field-inline">
              <input
                type="radio"
                name="reconcile-action"
                value={choice}
                checked={action === choice}
                onChange={() => setAction(choice)}
              />
              {t(`reconcile.action.${choice}`)}
            </label>
          ))}
        </fieldset>
        <SupervisorFields
          decision={decision}
          labels={{ by: t('reconcile.by'), why: t('reconcile.note'), pin: t('refund.pin') }}
          testIds={{ by: 'reconcile-by', why: 'reconcile-note', pin: 'reconcile-pin' }}
          whyMaxLength={500}
        />
        <ReasonedButton
          type="submit"
          className="btn btn-primary"
          data-testid="reconcile-decide"
          why={deciding ? t('sale.why.busy') : decision.filled ? null : t('why.fill_fields')}
        >
          {t('reconcile.confirm')}
        </ReasonedButton>
        <button type="button" className="btn" onClick={close}>
          {t('common.close')}
        </button>
      </form>
    </section>
  );
}

export function ReconcileScreen() {
  const { t, money, lang } = useI18n();
  const stores = useStores();
  const r = stores.reconcile.getState;
  const { date, summary, loading, running, exporting, error, selectedId } = useAppFields('reconcile', [
    'date',
    'summary',
    'loading',
    'running',
    'exporting',
    'error',
    'selectedId',
  ]);
  useEffect(() => {
    void r().load();
  }, [r]);
  const items = discrepancies(summary);
  const selected = items.find((i) => i.id === selectedId);
  return (
    <ScreenPanel id="reconcile-title" title={t('reconcile.title')}>
      <ActionForm className="filters" onSubmit={() => void r().load()}>
        <TextField
          label={t('reconcile.date')}
          type="date"
          data-testid="reconcile-date"
          value={date}
          onChange={(value) => r().setDate(value)}
        />
        <ReasonedButton type="submit" className="btn" why={loading ? t('sale.why.busy') : null}>
          {t('history.apply')}
        </ReasonedButton>
        <ReasonedButton
          className="btn btn-primary"
          data-testid="reconcile-run"
          why={running ? t('sale.why.busy') : null}
          onClick={() => void r().run()}
        >
          <RefreshCw /> {running ? t('common.loading') : t('reconcile.run')}
        </ReasonedButton>
        <CsvExportButton
          testId="reconcile-export"
          exporting={exporting}
          unavailable={summary ? null : t('why.reconcile_first')}
          exportCsv={() => r().exportCsv(lang)}
        />
      </ActionForm>
      <ErrorBanner error={error} />
      {summary && (
        <>
          <p data-testid="reconcile-summary">
            {t('reconcile.matched', { count: summary.matched })} ·{' '}
            {t('reconcile.open', { count: items.filter((i) => i.state === 'open').length })}
          </p>
          <table className="orders" data-testid="reconcile-totals">
            <TableHead
              columns={['reconcile.wallet', 'reconcile.status', 'reconcile.bill', 'reconcile.till']}
            />
            <tbody>
              {Object.entries(summary.status).map(([key, s]) => {
                const totals = summary.totals[key];
                return (
                  <tr key={key}>
                    <td>{key}</td>
                    <td title={s.detail}>{t(`reconcile.run_status.${s.status}`)}</td>
                    <td>
                      {totals
                        ? `${totals.bill.payments} · ${money(totals.bill.payment_fen - totals.bill.refund_fen)}`
                        : '—'}
                    </td>
                    <td>
                      {totals
                        ? `${totals.terminal.payments} · ${money(totals.terminal.payment_fen - totals.terminal.refund_fen)}`
                        : '—'}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </>
      )}
      {selected ? (
        <Decision key={selected.id} item={selected} />
      ) : summary && items.length === 0 ? (
        <p className="muted" data-testid="reconcile-clean">
          {t('reconcile.clean')}
        </p>
      ) : (
        <table className="orders" data-testid="reconcile-items">
          <tbody>
            {items.map((i) => (
              <tr key={i.id}>
                <td>{t(`reconcile.list.${i.kind}`)}</td>
                <td>
                  <code>{i.out_trade_no}</code>
                </td>
                <td>
                  {amount(money, i.terminal_fen)} / {amount(money, i.provider_fen)}
                </td>
                <td>{t(`reconcile.state.${i.state}`)}</td>
                <DetailCell onOpen={() => r().select(i.id)} />
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </ScreenPanel>
  );
}
