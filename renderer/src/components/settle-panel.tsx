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

export function SettlePanel({ attempt }: { attempt: AttemptView }) {
  const { t, money } = useI18n();
  const stores = useStores();
  const evidence = useApp('attempts', (s) => s.evidence[attempt.out_trade_no]);
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
  const whyDisabled = (action: (typeof ACTIONS)[number]): string | null => {
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
        {ACTIONS.map((action) => {
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
    </div>
  );
}
