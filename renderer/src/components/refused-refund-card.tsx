/**
 * A supervisor's refund (mark_refund) the provider refused as final, back on the 待处理 list: the
 * order, the amount owed back to the customer and the provider's reason; then ask the refund again
 * (a new refund number) or close it as refunded another way (cash, the merchant portal), each with
 * who, why and the PIN, disabled and saying why until those are entered.
 */
import type { RefusedRefundView } from '../../../core/common/contract/views.ts';
import { useI18n } from '../i18n/use-i18n.ts';
import type { RefusedChoice } from '../state/attempts-store.ts';
import { useStores } from '../state/stores-context.tsx';
import { SupervisorChoices } from './supervisor-choices.tsx';

const CHOICES = ['mark_refund', 'close_refund'] as const;

export function RefusedRefundCard({ item }: { item: RefusedRefundView }) {
  const { t, money, time, problem, problemDetail } = useI18n();
  const stores = useStores();
  const { refund } = item;

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
      <SupervisorChoices
        choices={CHOICES}
        buttonIdPrefix="refused"
        fieldTestIds={{ by: 'refused-by', why: 'refused-reason', pin: 'refused-pin' }}
        label={(action) => t(`attention.refused.${action}`)}
        onDecide={(action: RefusedChoice['action'], words) =>
          stores.attempts.getState().decideRefused(item, { action, ...words })
        }
      />
    </li>
  );
}
