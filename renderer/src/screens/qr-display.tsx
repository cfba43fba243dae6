/**
 * IoT QR display (massage chair and the like): idle → the codes (one per wallet, side by side) with
 * amount, countdown and 取消 → paid while the paid action runs → idle. Everything comes from the
 * service's QrDisplayView, so a reload resumes. The codes are hidden the moment the countdown ends,
 * by this screen's own clock as well as the service's event, so an expired code is never on screen.
 * Landscape screens (800×480) put the text and 取消 beside the codes instead of above and below.
 */
import { useEffect } from 'react';
import type { QrDisplayView, Wallet } from '../../../core/common/contract/views.ts';
import { ErrorBanner } from '../components/error-banner.tsx';
import { secondsLeft, useNow } from '../components/use-now.ts';
import { useI18n } from '../i18n/use-i18n.ts';
import { useApp, useStores } from '../state/stores-context.tsx';

interface ShownCode {
  readonly wallet: Wallet;
  readonly src: string;
}

/** The live codes; a single-code view (older service) still shows its one code. */
function shownCodes(qr: QrDisplayView): readonly ShownCode[] {
  if (qr.codes.length > 0) return qr.codes.map((c) => ({ wallet: c.wallet, src: c.qr_svg_data_url }));
  return qr.qr_svg_data_url && qr.wallet ? [{ wallet: qr.wallet, src: qr.qr_svg_data_url }] : [];
}

function Duplicate({ duplicate }: { duplicate: NonNullable<QrDisplayView['duplicate']> }) {
  const { t, money } = useI18n();
  const params = {
    wallet: duplicate.wallet ? t(`wallet.${duplicate.wallet}`) : '',
    amount: money(duplicate.total_fee),
    order: duplicate.out_trade_no,
  };
  return (
    <p className="banner banner-warn" role="status" data-testid="qr-duplicate">
      {t(`qr.duplicate.${duplicate.state}`, params)}
    </p>
  );
}

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
  const served = qr?.state ?? 'loading';
  const left = qr?.expires_at != null ? secondsLeft(qr.expires_at, now) : null;
  // Time is up on this screen's clock: hide the codes now, whatever the service has said so far.
  const state = served === 'showing' && left === 0 ? 'expired' : served;
  const codes = qr && state === 'showing' ? shownCodes(qr) : [];
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
          <div className="qr-info">
            <h1>{codes.length === 1 ? t(`qr.showing.title.${codes[0]!.wallet}`) : t('qr.showing.title')}</h1>
            {qr.product && (
              <p className="qr-product">
                {qr.product.name} · <strong className="amount">{money(qr.product.total_fee)}</strong>
              </p>
            )}
            {left !== null && (
              <p className="countdown" data-testid="qr-countdown">
                {t('qr.showing.expires', { seconds: left })}
              </p>
            )}
            <button
              type="button"
              className="btn btn-big"
              data-testid="qr-cancel"
              disabled={busy}
              onClick={() => void q().cancel()}
            >
              {t('qr.cancel')}
            </button>
          </div>
          <div className="qr-codes" data-count={codes.length}>
            {codes.map((code) => (
              <figure
                key={code.wallet}
                className={`qr-code qr-code-${code.wallet}`}
                data-testid={`qr-code-${code.wallet}`}
              >
                <img
                  className="qr-image"
                  src={code.src}
                  alt={t('qr.image_alt.wallet', { wallet: t(`wallet.${code.wallet}`) })}
                  data-testid={`qr-image-${code.wallet}`}
                />
                <figcaption>{t(`wallet.${code.wallet}`)}</figcaption>
              </figure>
            ))}
          </div>
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
          {qr?.wallet && <p data-testid="qr-paid-wallet">{t(`wallet.${qr.wallet}`)}</p>}
          {qr?.action && (
            <p className="status-line" role="status" data-testid="qr-action">
              {t(`qr.paid.action.${qr.action.state}`)}
            </p>
          )}
          {qr?.duplicate && <Duplicate duplicate={qr.duplicate} />}
        </>
      )}
      {state === 'expired' && (
        <>
          <h1 data-testid="qr-expired">{t('qr.expired.title')}</h1>
          <p>{t('qr.expired.body')}</p>
        </>
      )}
    </main>
  );
}
