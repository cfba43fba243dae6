/**
 * Who decides, why, and the supervisor PIN: the three fields every journaled supervisor decision
 * carries (settling a 待处理 payment, deciding a reconciliation discrepancy), with their state.
 */
import { useState } from 'react';
import { PinField, TextField } from './text-field.tsx';

export function useSupervisorDecision() {
  const [by, setBy] = useState('');
  const [why, setWhy] = useState('');
  const [pin, setPin] = useState('');
  return { by, why, pin, setBy, setWhy, setPin, filled: by.trim() !== '' && why.trim() !== '' && pin !== '' };
}

export type SupervisorDecision = ReturnType<typeof useSupervisorDecision>;

export interface SupervisorFieldsProps {
  readonly decision: SupervisorDecision;
  readonly labels: { readonly by: string; readonly why: string; readonly pin: string };
  readonly testIds: { readonly by: string; readonly why: string; readonly pin: string };
  readonly whyMaxLength: number;
}

export function SupervisorFields({ decision, labels, testIds, whyMaxLength }: SupervisorFieldsProps) {
  return (
    <>
      <TextField
        label={labels.by}
        value={decision.by}
        maxLength={64}
        data-testid={testIds.by}
        onChange={decision.setBy}
      />
      <TextField
        label={labels.why}
        value={decision.why}
        maxLength={whyMaxLength}
        data-testid={testIds.why}
        onChange={decision.setWhy}
      />
      <PinField
        label={labels.pin}
        value={decision.pin}
        data-testid={testIds.pin}
        onChange={decision.setPin}
      />
    </>
  );
}
