/**
 * Who, why and the PIN, then one button per decision, each disabled and saying why until the fields
 * are entered or while a decision is being sent: the part the 待处理 cards for held paid actions and
 * refused refunds share. The PIN is cleared after every answer (a card whose item was settled leaves
 * the list anyway).
 */
import { useState } from 'react';
import { useI18n } from '../i18n/use-i18n.ts';
import { ReasonedButton } from './reasoned-button.tsx';
import { SupervisorFields, useSupervisorDecision } from './supervisor-fields.tsx';

export interface SupervisorWords {
  readonly by: string;
  readonly reason: string;
  readonly pin: string;
}

export interface SupervisorChoicesProps<A extends string> {
  readonly choices: readonly A[];
  /** Each button's test id is `${buttonIdPrefix}-${action}`. */
  readonly buttonIdPrefix: string;
  readonly fieldTestIds: { readonly by: string; readonly why: string; readonly pin: string };
  /** Each button's text. */
  readonly label: (action: A) => string;
  readonly onDecide: (action: A, words: SupervisorWords) => Promise<unknown>;
}

export function SupervisorChoices<A extends string>({
  choices,
  buttonIdPrefix,
  fieldTestIds,
  label,
  onDecide,
}: SupervisorChoicesProps<A>) {
  const { t } = useI18n();
  const decision = useSupervisorDecision();
  const [busy, setBusy] = useState(false);

  const decide = async (action: A) => {
    setBusy(true);
    try {
      await onDecide(action, { by: decision.by.trim(), reason: decision.why.trim(), pin: decision.pin });
      decision.setPin('');
    } finally {
      setBusy(false);
    }
  };
  const why = busy ? t('sale.why.busy') : decision.filled ? null : t('attention.settle.needs_fields');

  return (
    <>
      <SupervisorFields
        decision={decision}
        labels={{
          by: t('attention.settle.by'),
          why: t('attention.settle.reason'),
          pin: t('attention.settle.pin'),
        }}
        testIds={fieldTestIds}
        whyMaxLength={200}
      />
      <div className="row">
        {choices.map((action) => (
          <ReasonedButton
            key={action}
            className="btn"
            data-testid={`${buttonIdPrefix}-${action}`}
            why={why}
            onClick={() => void decide(action)}
          >
            {label(action)}
          </ReasonedButton>
        ))}
      </div>
    </>
  );
}
