/** The amount / reason / PIN form both refunds share (this till's sale and another till's sale). */
import { Undo2 } from 'lucide-react';
import type { MessageKey } from '../i18n/catalog.ts';
import { useI18n } from '../i18n/use-i18n.ts';
import { ReasonedButton } from './reasoned-button.tsx';
import { ActionForm } from './screen-panel.tsx';
import { PinField, TextField } from './text-field.tsx';

export interface RefundFormActions {
  setAmount(text: string): void;
  setReason(text: string): void;
  setPin(pin: string): void;
  submit(): Promise<void>;
}

export function RefundForm(props: {
  /** Prefix of the fields' test ids: `${testIdPrefix}-amount`, `-pin`, `-submit`. */
  readonly testIdPrefix: string;
  readonly submitLabel: MessageKey;
  readonly refundable: number;
  readonly amount: string;
  readonly reason: string;
  readonly pin: string;
  readonly busy: boolean;
  /** The store's actions, read when used (the store's getState). */
  readonly actions: () => RefundFormActions;
}) {
  const { t, money } = useI18n();
  const { testIdPrefix: id, actions: a, amount } = props;
  if (props.refundable === 0) return <p className="muted">{t('refund.nothing')}</p>;
  return (
    <ActionForm className="stack" onSubmit={() => void a().submit()}>
      <TextField
        label={t('refund.amount')}
        value={amount}
        inputMode="decimal"
        placeholder={money(props.refundable)}
        data-testid={`${id}-amount`}
        onChange={(value) => a().setAmount(value)}
      />
      <TextField label={t('refund.reason')} value={props.reason} onChange={(value) => a().setReason(value)} />
      <PinField
        label={t('refund.pin')}
        value={props.pin}
        data-testid={`${id}-pin`}
        onChange={(value) => a().setPin(value)}
      />
      <ReasonedButton
        type="submit"
        className="btn btn-big btn-primary"
        data-testid={`${id}-submit`}
        why={props.busy ? t('sale.why.busy') : null}
      >
        <Undo2 /> {t(props.submitLabel)} {amount.trim() === '' ? `(${t('refund.full')})` : ''}
      </ReasonedButton>
    </ActionForm>
  );
}
