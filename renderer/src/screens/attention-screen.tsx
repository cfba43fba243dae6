/**
 * Attempts being reversed or needing a human: what happened, retry, and the journal timeline; then
 * paid actions held after a crash, for a supervisor to run again or mark done.
 */
import { CircleCheck, RotateCw, TriangleExclamationPoint } from 'lucide-react';
import { useEffect } from 'react';
import { ErrorBanner } from '../components/error-banner.tsx';
import { HeldActionCard } from '../components/held-action-card.tsx';
import { ReasonedButton } from '../components/reasoned-button.tsx';
import { RefusedRefundCard } from '../components/refused-refund-card.tsx';
import { ScreenPanel } from '../components/screen-panel.tsx';
import { SettlePanel } from '../components/settle-panel.tsx';
import { Timeline } from '../components/timeline.tsx';
import { useI18n } from '../i18n/use-i18n.ts';
import { useApp, useStores } from '../state/stores-context.tsx';

export function AttentionScreen() {
  const { t, money, time, problem, problemDetail } = useI18n();
  const stores = useStores();
  const items = useApp('attempts', (s) => s.items);
  const timelines = useApp('attempts', (s) => s.timelines);
  const retrying = useApp('attempts', (s) => s.retrying);
  const error = useApp('attempts', (s) => s.error);
  const held = useApp('attempts', (s) => s.held);
  const refused = useApp('attempts', (s) => s.refused);
  const actions = stores.attempts.getState;
  useEffect(() => {
    void actions().load();
  }, [actions]);
  return (
    <ScreenPanel id="attention-title" title={t('attention.title')}>
      <ErrorBanner error={error} />
      {items.length === 0 && held.length === 0 && refused.length === 0 && (
        <p className="muted" data-testid="attention-empty">
          <CircleCheck /> {t('attention.empty')}
        </p>
      )}
      <ul className="cards">
        {items.map((a) => (
          <li key={a.out_trade_no} className={`card phase-${a.phase}`} data-testid="attention-item">
            <div className="card-head">
              <strong>
                {a.phase === 'needs_attention' ? <TriangleExclamationPoint /> : <RotateCw />}{' '}
                {t(`phase.${a.phase}`)}
              </strong>
              <span>{money(a.total_fee)}</span>
              <span>{t(`wallet.${a.wallet}`)}</span>
              <code>{a.out_trade_no}</code>
              <time>{time(a.updated_at)}</time>
            </div>
            {a.attention && (
              <>
                <p data-testid="attention-reason">{problem(a.attention)}</p>
                {problemDetail(a.attention) && (
                  <p className="muted" data-testid="attention-detail">
                    {problemDetail(a.attention)}
                  </p>
                )}
              </>
            )}
            <div className="row">
              <ReasonedButton
                className="btn"
                why={
                  a.attention?.code === 'paid_after_final'
                    ? t('attention.why.settle_only')
                    : retrying.includes(a.out_trade_no)
                      ? t('sale.why.busy')
                      : null
                }
                onClick={() => void actions().retry(a)}
              >
                <RotateCw /> {t('attention.retry')}
              </ReasonedButton>
              <button
                type="button"
                className="btn"
                aria-expanded={Boolean(timelines[a.out_trade_no])}
                onClick={() => void actions().toggleTimeline(a)}
              >
                {timelines[a.out_trade_no] ? t('attention.timeline.hide') : t('attention.timeline')}
              </button>
            </div>
            {timelines[a.out_trade_no] && <Timeline entries={timelines[a.out_trade_no] ?? []} />}
            {a.phase === 'needs_attention' && <SettlePanel attempt={a} />}
          </li>
        ))}
      </ul>
      {refused.length > 0 && (
        <ul className="cards" aria-label={t('attention.refused.title')}>
          {refused.map((item) => (
            <RefusedRefundCard key={item.order_no} item={item} />
          ))}
        </ul>
      )}
      {held.length > 0 && (
        <ul className="cards" aria-label={t('attention.held.list')}>
          {held.map((item) => (
            <HeldActionCard key={item.order_no} item={item} />
          ))}
        </ul>
      )}
    </ScreenPanel>
  );
}
