/**
 * A labelled one-line input (label above, or beside it with `inline`), and the supervisor PIN field
 * built on it: every form of the till writes its fields the same way.
 */
import type { InputHTMLAttributes, ReactNode } from 'react';
import { PIN_MAX_LENGTH } from '../../../core/common/contract/pin-rules.ts';

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

/**
 * The supervisor PIN: hidden, never autofilled. A PIN may be digits or a passphrase
 * (core/common/contract/pin-rules.ts), so a touch screen gets its full keyboard (a digits keyboard
 * cannot type a passphrase), without the capitalising or correcting that would change what is typed.
 */
export function PinField(props: Omit<TextFieldProps, 'type'>) {
  return (
    <TextField
      type="password"
      autoComplete="off"
      autoCapitalize="off"
      autoCorrect="off"
      spellCheck={false}
      maxLength={PIN_MAX_LENGTH}
      {...props}
    />
  );
}

/** A new supervisor PIN or passphrase: hidden, offered to password managers as a new one, cut at the longest accepted. */
export function NewPinField({ onChange, ...props }: Omit<TextFieldProps, 'type' | 'autoComplete'>) {
  return (
    <TextField
      type="password"
      autoComplete="new-password"
      {...props}
      onChange={(value) => onChange(value.slice(0, PIN_MAX_LENGTH))}
    />
  );
}
