// @vitest-environment jsdom
/**
 * The supervisor PIN field on a touch screen: a PIN may be 6 to 12 digits or a passphrase of at
 * least 10 characters (core/common/contract/pin-rules.ts), so the field must not ask for the digits
 * keyboard (inputMode numeric), on which a supervisor with a passphrase cannot type it at all.
 */
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { isAcceptableNewPin } from '../../../core/common/contract/pin-rules.ts';
import { PinField } from '../../../renderer/src/components/text-field.tsx';

afterEach(cleanup);

describe('PinField', () => {
  it('offers the full keyboard, hidden and never autofilled, because a PIN may be a passphrase', () => {
    expect(isAcceptableNewPin('correct horse battery')).toBe(true); // what Settings lets a supervisor choose
    const typed: string[] = [];
    render(<PinField label="PIN" value="" onChange={(v) => typed.push(v)} data-testid="pin" />);
    const input = screen.getByTestId('pin') as HTMLInputElement;
    expect(input.type).toBe('password');
    expect(input.getAttribute('autocomplete')).toBe('off');
    expect(input.getAttribute('inputmode')).not.toBe('numeric');
    expect(input.getAttribute('inputmode')).not.toBe('decimal');
    // A touch keyboard must not turn "correct horse" into "Correct horse".
    expect(input.getAttribute('autocapitalize')).toBe('off');
    fireEvent.change(input, { target: { value: 'correct horse battery' } });
    expect(typed).toEqual(['correct horse battery']);
  });
});
