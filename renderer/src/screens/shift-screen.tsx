/**
 * 交班: open a shift with a float; close it with a blind cash count → the printable 交班报表.
 * Blind: while the shift is open the screen shows the e-wallet totals (the journal's, nothing to
 * count) and the number of cash sales, never the expected cash or the cash takings, so the count
 * is what is in the drawer; expected cash and over/short appear on the report after the count.
 */
import { useState } from 'react';
import type { Tender } from '../../../core/common/contract/views.ts';
import { ErrorBanner } from '../components/error-banner.tsx';
import { PrintButton } from '../components/print-button.tsx';
import { useI18n } from '../i18n/use-i18n.ts';
import { useApp, useStores } from '../state/stores-context.tsx';

const EWALLETS: readonly Tender[] = ['wxpay', 'alipay'];

function ShiftReport() {
  const { t, money, time } = useI18n();
  const stores = useStores();
  const report = useApp('shift', (s) => s.zReport);
  if (!report) return null;
  const overShort = (difference: number) =>
    difference === 0
      ? t('shift.z.even')
      : t(difference > 0 ? 'shift.z.over' : 'shift.z.short', { amount: money(Math.abs(difference)) });
  return (
    <section className="card printable" data-testid="z-report" aria-labelledby="z-title">
      <h2 id="z-title">{t('shift.z.title')}</h2>
      <p>
        {report.cashier} · {time(report.opened_at)} – {time(report.closed_at)}
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
          {report.lines.map((line) => (
            <tr key={line.tender} data-testid={`z-line-${line.tender}`}>
              <td>{t(`tender.${line.tender}`)}</td>
              <td>{money(line.expected_fee)}</td>
              {line.counted_by === 'journal' ? (
                <td colSpan={2}>{t('shift.z.journal')}</td>
              ) : (
                <>
                  <td>{money(line.counted_fee)}</td>
                  <td>
                    <strong>{overShort(line.difference_fee)}</strong>
                  </td>
                </>
              )}
            </tr>
          ))}
        </tbody>
      </table>
      <div className="row no-print">
        <PrintButton
          label={t('shift.z.print')}
          testId="print-z-report"
          onPrinter={() => stores.peripherals.getState().printShiftReport(report.shift_id)}
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
  const hasReport = useApp('shift', (s) => s.zReport !== null);
  const busy = useApp('shift', (s) => s.busy);
  const error = useApp('shift', (s) => s.error);
  const [cashier, setCashier] = useState('');
  const [float, setFloat] = useState('');
  const [countedCash, setCountedCash] = useState('');
  if (hasReport) return <ShiftReport />;
  const cashSales = shift?.totals.find((x) => x.tender === 'cash')?.sales_count ?? 0;
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
          <h3>{t('shift.ewallet.title')}</h3>
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
              {shift.totals
                .filter((x) => EWALLETS.includes(x.tender))
                .map((x) => (
                  <tr key={x.tender} data-testid={`shift-total-${x.tender}`}>
                    <td>{t(`tender.${x.tender}`)}</td>
                    <td>{x.sales_count}</td>
                    <td>{money(x.sales_fee)}</td>
                    <td>{money(x.refunds_fee)}</td>
                    <td>{money(x.net_fee)}</td>
                  </tr>
                ))}
            </tbody>
          </table>
          <p data-testid="shift-cash-sales">{t('shift.cash.sales', { count: cashSales })}</p>
          <form
            className="stack"
            onSubmit={(e) => {
              e.preventDefault();
              void stores.shift.getState().close(countedCash);
            }}
          >
            <h2>{t('shift.close.title')}</h2>
            <p>{t('shift.close.hint')}</p>
            <label className="field">
              <span>{t('shift.counted_cash')}</span>
              <input
                value={countedCash}
                inputMode="decimal"
                autoComplete="off"
                data-testid="counted-cash"
                onChange={(e) => setCountedCash(e.target.value)}
              />
            </label>
            <button type="submit" className="btn btn-big" data-testid="shift-close" disabled={busy}>
              {t('shift.close')}
            </button>
          </form>
        </>
      )}
    </section>
  );
}
