/**
 * IoT QR display (massage chair and the like): idle → big QR with amount and countdown → paid while
 * the paid action runs → idle. Everything comes from the service's QrDisplayView, so a reload resumes.
 */
import { useEffect } from 'react';
import { ErrorBanner } from '../components/error-banner.tsx';
import { secondsLeft, useNow } from '../components/use-now.ts';
import { useI18n } from '../i18n/use-i18n.ts';
import { useApp, useStores } from '../state/stores-context.tsx';

export function QrDisplay() {
  const { t, money } = useI18n();
  const stores = useStores();
  const qr = useApp('qr', (s) => s.qr);
  const busy = useApp('qr', (s) => s.busy);
  const error = useApp('qr', (s) => s.error);
  const now = useNow(500);
  const q = stores.qr.getState;
  useEffect(() => {
    document.documentElement.classList.add('qr-mode');
    return () => document.documentElement.classList.remove('qr-mode');
  }, []);
  // Until the service's view arrives there is nothing true to say: not "nothing for sale".
  const state = qr?.state ?? 'loading';
  return (
    <main className={`qr-screen qr-${state}`} data-testid="qr-screen" data-state={state}>
      <ErrorBanner error={error} />
      {state === 'loading' && <p className="muted">{t('common.loading')}</p>}
      {state === 'idle' && (
        <>
          <h1>{t('qr.idle.title')}</h1>
          {qr?.product ? (
            <>
              <p className="qr-product">{qr.product.name}</p>
              <p className="amount amount-huge">{money(qr.product.total_fee)}</p>
              <button
                type="button"
                className="btn btn-huge btn-primary"
                data-testid="qr-start"
                disabled={busy}
                onClick={() => void q().start()}
              >
                ▶ {t('qr.idle.start')}
              </button>
            </>
          ) : (
            <p className="muted">{t('qr.idle.none')}</p>
          )}
        </>
      )}
      {state === 'showing' && qr && (
        <>
          <h1>{qr.wallet ? t(`qr.showing.title.${qr.wallet}`) : t('qr.showing.title')}</h1>
          {qr.product && (
            <p className="qr-product">
              {qr.product.name} · <strong className="amount">{money(qr.product.total_fee)}</strong>
            </p>
          )}
          {qr.qr_svg_data_url && (
            <img
              className="qr-image"
              src={qr.qr_svg_data_url}
              alt={t('qr.image_alt')}
              data-testid="qr-image"
            />
          )}
          {qr.expires_at !== null && (
            <p className="countdown" data-testid="qr-countdown">
              {t('qr.showing.expires', { seconds: secondsLeft(qr.expires_at, now) ?? 0 })}
            </p>
          )}
          <button type="button" className="btn" disabled={busy} onClick={() => void q().cancel()}>
            {t('qr.cancel')}
          </button>
        </>
      )}
      {state === 'paid' && (
        <>
          <h1 className="outcome-title">
            <span className="outcome-icon" aria-hidden="true">
              ✓
            </span>{' '}
            {t('qr.paid.title')}
          </h1>
          {qr?.product && <p className="amount amount-huge">{money(qr.product.total_fee)}</p>}
          {qr?.action && (
            <p className="status-line" role="status" data-testid="qr-action">
              {t(`qr.paid.action.${qr.action.state}`)}
            </p>
          )}
        </>
      )}
      {state === 'expired' && (
        <>
          <h1>{t('qr.expired.title')}</h1>
          <p>{t('qr.expired.body')}</p>
        </>
      )}
    </main>
  );
}
