/**
 * A supervisor's refund (mark_refund) the provider refused as final, back on the 待处理 list: the
 * order, the amount owed back to the customer and the provider's reason; then ask the refund again
 * (a new refund number) or close it as refunded another way (cash, the merchant portal), each with
 * who, why and the PIN, disabled and saying why until those are entered.
 */
import { useState } from 'react';
import type { RefusedRefundView } from '../../../core/common/contract/views.ts';
import { useI18n } from '../i18n/use-i18n.ts';
import type { RefusedChoice } from '../state/attempts-store.ts';
import { useStores } from '../state/stores-context.tsx';
import { ReasonedButton } from './reasoned-button.tsx';
import { SupervisorFields, useSupervisorDecision } from './supervisor-fields.tsx';

const CHOICES = ['mark_refund', 'close_refund'] as const;

export function RefusedRefundCard({ item }: { item: RefusedRefundView }) {
  const { t, money, time, problem, problemDetail } = useI18n();
  const stores = useStores();
  const decision = useSupervisorDecision();
  const [busy, setBusy] = useState(false);
  const { refund } = item;

  const decide = async (action: RefusedChoice['action']) => {
    setBusy(true);
    try {
      await stores.attempts.getState().decideRefused(item, {
        action,
        by: decision.by.trim(),
        reason: decision.why.trim(),
        pin: decision.pin,
      });
      decision.setPin('');
    } finally {
      setBusy(false);
    }
  };
  const why = busy ? t('sale.why.busy') : decision.filled ? null : t('attention.settle.needs_fields');

  return (
    <li className="card phase-needs_attention" data-testid="refused-refund">
      <div className="card-head">
        <h3>{t('attention.refused.title')}</h3>
        <span>{money(refund.refund_fee)}</span>
        <code>{item.order_no}</code>
        <time>{time(refund.updated_at)}</time>
      </div>
      <p data-testid="refused-reason-text">
        {t('refund.refused_by_provider', {
          reason: problemDetail(refund.failure) || problem(refund.failure),
        })}
      </p>
      <p className="muted">{t('attention.refused.hint')}</p>
      <SupervisorFields
        decision={decision}
        labels={{
          by: t('attention.settle.by'),
          why: t('attention.settle.reason'),
          pin: t('attention.settle.pin'),
        }}
        testIds={{ by: 'refused-by', why: 'refused-reason', pin: 'refused-pin' }}
        whyMaxLength={200}
      />
      <div className="row">
        {CHOICES.map((action) => (
          <ReasonedButton
            key={action}
            className="btn"
            data-testid={`refused-${action}`}
            why={why}
            onClick={() => void decide(action)}
          >
            {t(`attention.refused.${action}`)}
          </ReasonedButton>
        ))}
      </div>
    </li>
  );
}
