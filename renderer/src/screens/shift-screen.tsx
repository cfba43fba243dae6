/** Open a shift with a float; see live totals; close with counted amounts per tender → printable Z report. */
import { useState } from 'react';
import type { Tender } from '../../../core/common/contract/views.ts';
import { ErrorBanner } from '../components/error-banner.tsx';
import { PrintButton } from '../components/print-button.tsx';
import { useI18n } from '../i18n/use-i18n.ts';
import { TENDERS } from '../state/shift-store.ts';
import { useApp, useStores } from '../state/stores-context.tsx';

function ZReport() {
  const { t, money, time } = useI18n();
  const stores = useStores();
  const z = useApp('shift', (s) => s.zReport);
  if (!z) return null;
  return (
    <section className="card printable" data-testid="z-report" aria-labelledby="z-title">
      <h2 id="z-title">{t('shift.z.title')}</h2>
      <p>
        {z.cashier} · {time(z.opened_at)} – {time(z.closed_at)}
      </p>
      <table>
        <thead>
          <tr>
            <th>{t('history.tender')}</th>
            <th>{t('shift.z.expected')}</th>
            <th>{t('shift.z.counted')}</th>
            <th>{t('shift.z.difference')}</th>
          </tr>
        </thead>
        <tbody>
          {z.lines.map((l) => (
            <tr key={l.tender} data-testid={`z-line-${l.tender}`}>
              <td>{t(`tender.${l.tender}`)}</td>
              <td>{money(l.expected_fee)}</td>
              <td>{money(l.counted_fee)}</td>
              <td>
                {l.difference_fee === 0 ? '✓ ' : '⚠ '}
                {l.difference_fee < 0 ? `-${money(-l.difference_fee)}` : money(l.difference_fee)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="row no-print">
        <PrintButton
          label={t('shift.z.print')}
          testId="print-z-report"
          onPrinter={() => stores.peripherals.getState().printShiftReport(z.shift_id)}
        />
        <button
          type="button"
          className="btn btn-primary"
          onClick={() => stores.shift.getState().dismissReport()}
        >
          {t('shift.z.done')}
        </button>
      </div>
    </section>
  );
}

export function ShiftScreen() {
  const { t, money, time } = useI18n();
  const stores = useStores();
  const shift = useApp('shift', (s) => s.shift);
  const zReport = useApp('shift', (s) => s.zReport !== null);
  const busy = useApp('shift', (s) => s.busy);
  const error = useApp('shift', (s) => s.error);
  const [cashier, setCashier] = useState('');
  const [float, setFloat] = useState('');
  const [counted, setCounted] = useState<Partial<Record<Tender, string>>>({});
  if (zReport) return <ZReport />;
  return (
    <section className="panel" aria-labelledby="shift-title">
      <h1 id="shift-title">{t('shift.title')}</h1>
      <ErrorBanner error={error} />
      {!shift ? (
        <form
          className="stack"
          onSubmit={(e) => {
            e.preventDefault();
            void stores.shift.getState().open(cashier, float);
          }}
        >
          <h2>{t('shift.open.title')}</h2>
          <label className="field">
            <span>{t('shift.cashier')}</span>
            <input value={cashier} data-testid="shift-cashier" onChange={(e) => setCashier(e.target.value)} />
          </label>
          <label className="field">
            <span>{t('shift.float')}</span>
            <input
              value={float}
              inputMode="decimal"
              data-testid="shift-float"
              onChange={(e) => setFloat(e.target.value)}
            />
          </label>
          <button type="submit" className="btn btn-big btn-primary" data-testid="shift-open" disabled={busy}>
            {t('shift.open')}
          </button>
        </form>
      ) : (
        <>
          <h2>
            {t('shift.current')}: {shift.cashier} · {t('shift.opened_at')} {time(shift.opened_at)}
          </h2>
          <p data-testid="expected-cash">
            {t('shift.expected_cash')}: <strong>{money(shift.expected_cash_fee)}</strong>
          </p>
          <table data-testid="shift-totals">
            <thead>
              <tr>
                <th>{t('history.tender')}</th>
                <th>{t('shift.sales')}</th>
                <th>{t('shift.sales_fee')}</th>
                <th>{t('shift.refunds_fee')}</th>
                <th>{t('shift.net_fee')}</th>
              </tr>
            </thead>
            <tbody>
              {shift.totals.map((x) => (
                <tr key={x.tender}>
                  <td>{t(`tender.${x.tender}`)}</td>
                  <td>{x.sales_count}</td>
                  <td>{money(x.sales_fee)}</td>
                  <td>{money(x.refunds_fee)}</td>
                  <td>{money(x.net_fee)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <form
            className="stack"
            onSubmit={(e) => {
              e.preventDefault();
              void stores.shift.getState().close(counted);
            }}
          >
            <h2>{t('shift.close.title')}</h2>
            {TENDERS.map((tender) => (
              <label key={tender} className="field">
                <span>
                  {t(`tender.${tender}`)} {t('shift.counted')}
                </span>
                <input
                  value={counted[tender] ?? ''}
                  inputMode="decimal"
                  data-testid={`counted-${tender}`}
                  onChange={(e) => setCounted({ ...counted, [tender]: e.target.value })}
                />
              </label>
            ))}
            <button type="submit" className="btn btn-big" data-testid="shift-close" disabled={busy}>
              {t('shift.close')}
            </button>
          </form>
        </>
      )}
    </section>
  );
}
