/**
 * A supervisor settles a payment on the 待处理 list: first the provider's answer now (the evidence),
 * then book as paid / close as unpaid / refund, each enabled only when that answer allows it, and
 * each disabled button saying why. Who, why and the PIN go with the decision.
 */
import { useState } from 'react';
import type { AttemptView } from '../../../core/common/contract/views.ts';
import { useI18n } from '../i18n/use-i18n.ts';
import { allowedSettlements, type SettleChoice } from '../state/attempts-store.ts';
import { useApp, useStores } from '../state/stores-context.tsx';
import { ReasonedButton } from './reasoned-button.tsx';
import { SupervisorFields, useSupervisorDecision } from './supervisor-fields.tsx';

const ACTIONS = ['book_paid', 'close_unpaid', 'mark_refund'] as const;
/**
 * A second payment of an order another payment paid: its own refund, or closing it once the provider
 * says it went back (refunded outside the till) or was never taken.
 */
const PAID_TWICE_ACTIONS = ['refund_payment', 'close_unpaid'] as const;
type Action = (typeof ACTIONS)[number] | (typeof PAID_TWICE_ACTIONS)[number];

export function SettlePanel({ attempt }: { attempt: AttemptView }) {
  const { t, money } = useI18n();
  const stores = useStores();
  const evidence = useApp('attempts', (s) => s.evidence[attempt.out_trade_no]);
  const secondRefund = useApp('attempts', (s) => s.secondRefunds[attempt.out_trade_no]);
  const actions: readonly Action[] = evidence?.paid_twice ? PAID_TWICE_ACTIONS : ACTIONS;
  const decision = useSupervisorDecision();
  const [busy, setBusy] = useState(false);
  const allowed = allowedSettlements(evidence);

  const run = async (work: () => Promise<unknown>) => {
    setBusy(true);
    try {
      await work();
    } finally {
      setBusy(false);
    }
  };
  const whyDisabled = (action: Action): string | null => {
    if (!evidence) return t('attention.settle.needs_check');
    if (!allowed[action])
      return t(action === 'close_unpaid' ? 'attention.settle.needs_unpaid' : 'attention.settle.needs_paid');
    if (!decision.filled) return t('attention.settle.needs_fields');
    return null;
  };
  const settle = (action: SettleChoice['action']) =>
    run(async () => {
      const done = await stores.attempts.getState().settle(attempt, {
        action,
        by: decision.by.trim(),
        reason: decision.why.trim(),
        pin: decision.pin,
      });
      if (done) decision.setPin('');
    });

  return (
    <div className="settle-panel" data-testid="settle-panel">
      <h3>{t('attention.settle.title')}</h3>
      <div className="row">
        <ReasonedButton
          className="btn"
          data-testid="settle-check"
          why={busy ? t('sale.why.busy') : null}
          onClick={() => void run(() => stores.attempts.getState().check(attempt))}
        >
          {t('attention.check')}
        </ReasonedButton>
        {evidence && (
          <p data-testid="settle-evidence" data-says={evidence.provider_says}>
            {t('attention.evidence.title')}:{' '}
            {t(`attention.evidence.${evidence.provider_says}`, {
              amount: money(evidence.paid_fee ?? attempt.total_fee),
            })}
            {evidence.paid_twice && ` · ${t('attention.evidence.paid_twice')}`}
          </p>
        )}
      </div>
      <SupervisorFields
        decision={decision}
        labels={{
          by: t('attention.settle.by'),
          why: t('attention.settle.reason'),
          pin: t('attention.settle.pin'),
        }}
        testIds={{ by: 'settle-by', why: 'settle-reason', pin: 'settle-pin' }}
        whyMaxLength={200}
      />
      <div className="row">
        {actions.map((action) => {
          const why = whyDisabled(action);
          return (
            <ReasonedButton
              key={action}
              data-testid={`settle-${action}`}
              why={busy ? t('sale.why.busy') : why}
              onClick={() => void settle(action)}
            >
              {t(`attention.settle.${action}`)}
            </ReasonedButton>
          );
        })}
      </div>
      {secondRefund && secondRefund.status !== 'succeeded' && (
        <p
          className={`banner ${secondRefund.status === 'failed' ? 'banner-error' : ''}`}
          role="status"
          data-testid="settle-refund"
          data-status={secondRefund.status}
        >
          {secondRefund.status === 'pending'
            ? t('attention.refund_payment.pending', { amount: money(secondRefund.refund_fee) })
            : t('attention.refund_payment.failed', {
                reason: secondRefund.failure
                  ? `${secondRefund.failure.code}: ${secondRefund.failure.message}`
                  : '—',
              })}
        </p>
      )}
    </div>
  );
}
