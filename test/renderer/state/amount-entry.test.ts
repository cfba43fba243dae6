import { describe, expect, it } from 'vitest';
import { entryToFen, type KeypadKey, pressKey } from '../../../renderer/src/state/amount-entry.ts';

const type = (keys: readonly KeypadKey[]) => keys.reduce(pressKey, '');

describe('amount entry', () => {
  it('builds a yuan amount and converts it to whole fen without floating point', () => {
    expect(type(['1', '2', '.', '5'])).toBe('12.5');
    expect(entryToFen('12.5')).toBe(1250);
    expect(entryToFen('0.07')).toBe(7);
    expect(entryToFen('19.99')).toBe(1999);
  });

  it('refuses a third decimal, a second dot and leading zeros', () => {
    expect(type(['1', '.', '2', '3', '4'])).toBe('1.23');
    expect(type(['1', '.', '.', '5'])).toBe('1.5');
    expect(type(['0', '0', '7'])).toBe('7');
    expect(type(['.', '5'])).toBe('0.5');
  });

  it('backspace and clear edit the text', () => {
    expect(pressKey('12.5', 'back')).toBe('12.');
    expect(pressKey('12.5', 'clear')).toBe('');
  });

  it('treats nothing, zero and a dangling dot sensibly', () => {
    expect(entryToFen('')).toBeNull();
    expect(entryToFen('0.')).toBeNull();
    expect(entryToFen('0.00')).toBeNull();
    expect(entryToFen('8.')).toBe(800);
  });

  it('caps the whole part at eight digits', () => {
    expect(type(['9', '9', '9', '9', '9', '9', '9', '9', '9'])).toBe('99999999');
  });
});
