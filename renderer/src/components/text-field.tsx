/**
 * A labelled one-line input (label above, or beside it with `inline`), and the supervisor PIN field
 * built on it: every form of the till writes its fields the same way.
 */
import type { InputHTMLAttributes, ReactNode } from 'react';

export interface TextFieldProps extends Omit<InputHTMLAttributes<HTMLInputElement>, 'onChange' | 'value'> {
  readonly label: ReactNode;
  readonly value: string;
  onChange(value: string): void;
  /** Label beside the input (one row of height, for the till's own fields). */
  readonly inline?: boolean;
  /** Extra classes for the label wrapping both (e.g. `grow`). */
  readonly fieldClassName?: string;
  readonly 'data-testid'?: string;
}

export function TextField({ label, onChange, inline, fieldClassName, ...input }: TextFieldProps) {
  const classes = ['field', inline ? 'field-inline' : '', fieldClassName ?? ''].filter(Boolean).join(' ');
  return (
    <label className={classes}>
      <span>{label}</span>
      <input {...input} onChange={(e) => onChange(e.target.value)} />
    </label>
  );
}

/** The supervisor PIN: hidden, digits keyboard, never autofilled. */
export function PinField(props: Omit<TextFieldProps, 'type'>) {
  return <TextField type="password" inputMode="numeric" autoComplete="off" maxLength={32} {...props} />;
}
