/**
 * Keypad/keyboard amount entry as pure functions over the typed text ("12.5"): the text is always a
 * valid prefix of a yuan amount, and becomes fen only through core's digit-based yuanToFen.
 */
import { yuanToFen } from '../../../core/common/money.ts';

export type KeypadKey = '0' | '1' | '2' | '3' | '4' | '5' | '6' | '7' | '8' | '9' | '.' | 'back' | 'clear';

const MAX_WHOLE_DIGITS = 8; // ¥99,999,999.99 — far above any till sale, inside MAX_FEN.

export function pressKey(text: string, key: KeypadKey): string {
  if (key === 'clear') return '';
  if (key === 'back') return text.slice(0, -1);
  if (key === '.') {
    if (text.includes('.')) return text;
    return text === '' ? '0.' : `${text}.`;
  }
  const dot = text.indexOf('.');
  if (dot >= 0) return text.length - dot > 2 ? text : text + key;
  if (text === '0') return key; // no leading zeros
  return text.length >= MAX_WHOLE_DIGITS ? text : text + key;
}

/** Fen for the typed text, or null when nothing (or zero) is entered. */
export function entryToFen(text: string): number | null {
  if (text === '' || text === '0.') return null;
  const trimmed = text.endsWith('.') ? text.slice(0, -1) : text;
  try {
    const fen = yuanToFen(trimmed);
    return fen > 0 ? fen : null;
  } catch {
    return null;
  }
}

export function keyFromKeyboard(key: string): KeypadKey | null {
  if (/^[0-9]$/.test(key)) return key as KeypadKey;
  if (key === '.' || key === 'Decimal') return '.';
  if (key === 'Backspace') return 'back';
  if (key === 'Escape' || key === 'Delete') return 'clear';
  return null;
}
