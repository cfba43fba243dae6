/**
 * A paid action (massage chair, vending slot) held after a crash, or because its payment was below
 * the action's price (the hint says which), on the 待处理 list: what is known
 * (order, amount, device, when) and the supervisor's two decisions, "run it again" (the customer did
 * not get the service) and "mark done" (they did), each with who, why and the PIN. Both stay disabled,
 * saying why, until those are entered.
 */
import type { HeldPaidActionView } from '../../../core/common/contract/views.ts';
import { useI18n } from '../i18n/use-i18n.ts';
import type { HeldChoice } from '../state/attempts-store.ts';
import { useStores } from '../state/stores-context.tsx';
import { SupervisorChoices } from './supervisor-choices.tsx';

const CHOICES = ['run_again', 'mark_done'] as const;

export function HeldActionCard({ item }: { item: HeldPaidActionView }) {
  const { t, money, time } = useI18n();
  const stores = useStores();
  return (
    <li className="card phase-needs_attention" data-testid="held-action">
      <div className="card-head">
        <h3>{t('attention.held.title')}</h3>
        <span>{money(item.total_fee)}</span>
        <code>{item.order_no}</code>
        <time>{time(item.held_at)}</time>
      </div>
      <p>
        {item.subject} · {t('attention.held.device')}:{' '}
        <code data-testid="held-device">{item.device ?? item.reason}</code>
      </p>
      <p className="muted">
        {item.cause === 'below_floor' && item.min_total_fee !== null
          ? t('attention.held.hint_below_floor', {
              paid: money(item.total_fee),
              floor: money(item.min_total_fee),
            })
          : item.cause === 'changed'
            ? t('attention.held.hint_changed')
            : t('attention.held.hint')}
      </p>
      <SupervisorChoices
        choices={CHOICES}
        buttonIdPrefix="held"
        fieldTestIds={{ by: 'held-by', why: 'held-reason-input', pin: 'held-pin' }}
        label={(action) => t(`attention.held.${action}`)}
        onDecide={(action: HeldChoice['action'], words) =>
          stores.attempts.getState().resolveHeld(item, { action, ...words })
        }
      />
    </li>
  );
}
