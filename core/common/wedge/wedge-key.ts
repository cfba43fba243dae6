/**
 * Key events as the wedge detector sees them, and how a physical key maps to a character.
 * Environment-neutral (the Electron main process and the browser UI both feed it).
 */

export interface WedgeKey {
  /** Physical key (KeyboardEvent.code / Electron input.code): reliable even under an IME. */
  readonly code: string;
  /** KeyboardEvent.key: may be 'Process' or 'Unidentified' while an IME composes, or a full-width digit. */
  readonly key?: string | undefined;
  /** Legacy keyCode: 229 while an IME composes. */
  readonly keyCode?: number | undefined;
  readonly type: 'keydown' | 'keyup' | 'input';
  /** For 'input' events: the text the IME committed. */
  readonly data?: string | undefined;
  /** Auto-repeat of a held key (KeyboardEvent.repeat / Electron isAutoRepeat): never part of a scan. */
  readonly repeat?: boolean | undefined;
  /** KeyboardEvent.isComposing / Electron Input.isComposing: an IME owns this key. */
  readonly composing?: boolean | undefined;
  /** Alt is held (KeyboardEvent.altKey / Electron Input.alt): Alt+numpad digits compose one character. */
  readonly alt?: boolean | undefined;
  /** ms time stamp of the event (any monotonic or epoch base, used for gaps and reported on scans). */
  readonly at: number;
}

export interface WedgeVerdict {
  /** True when the host should swallow this event: it belongs to a scan in progress. */
  readonly capture: boolean;
}

export type KeyMeaning =
  | { readonly kind: 'char'; readonly char: string }
  /** A numpad digit with Alt held: a scanner in "Emulate ALT+keypad" mode (or a person's Alt code). */
  | { readonly kind: 'alt-numpad'; readonly char: string }
  | { readonly kind: 'end' }
  | { readonly kind: 'modifier' }
  | { readonly kind: 'ime' }
  | { readonly kind: 'other' };

const END_CODES = new Set(['Enter', 'NumpadEnter', 'Tab']);
const MODIFIERS = new Set([
  'ShiftLeft',
  'ShiftRight',
  'ControlLeft',
  'ControlRight',
  'AltLeft',
  'AltRight',
  'MetaLeft',
  'MetaRight',
  'CapsLock',
  'NumLock',
]);
const IME_KEYS = new Set(['Process', 'Unidentified', 'Dead']);
const IME_KEYCODE = 229;

const CODE_CHARS: Readonly<Record<string, string>> = {
  Minus: '-',
  Period: '.',
  Slash: '/',
  BracketRight: ']',
  NumpadDecimal: '.',
  NumpadSubtract: '-',
  NumpadAdd: '+',
  NumpadMultiply: '*',
  NumpadDivide: '/',
};

/** The character a physical key stands for when `key` cannot be trusted (IME composing). */
export function charForCode(code: string): string | undefined {
  const digit = /^(?:Digit|Numpad)([0-9])$/.exec(code);
  if (digit) return digit[1];
  const letter = /^Key([A-Z])$/.exec(code);
  if (letter) return letter[1];
  return CODE_CHARS[code];
}

/** True while an IME composes: the page must see this key (the IME consumes it), so it is never held. */
export function isImeComposing(event: WedgeKey): boolean {
  return (
    event.composing === true ||
    event.keyCode === IME_KEYCODE ||
    (event.key !== undefined && IME_KEYS.has(event.key))
  );
}

const DIGIT_CODE = /^(?:Digit|Numpad)([0-9])$/;

/**
 * What a keydown means. Digits come from the physical `code` whatever the layout (a US-layout
 * scanner on an AZERTY or German system types `&é"` or `!"§` in `key` for 1 2 3); other
 * characters from `key` when it is one printable character (full-width folded by NFKC), else
 * from `code` (an IME hides `key`).
 */
export function meaningOf(event: WedgeKey): KeyMeaning {
  if (
    END_CODES.has(event.code) ||
    ((event.code === '' || event.code === 'Unidentified') && (event.key === 'Enter' || event.key === 'Tab'))
  ) {
    return { kind: 'end' };
  }
  if (MODIFIERS.has(event.code) || event.key === 'Shift') return { kind: 'modifier' };
  const digit = DIGIT_CODE.exec(event.code);
  if (digit) {
    if (event.alt === true && event.code.startsWith('Numpad')) return { kind: 'alt-numpad', char: digit[1]! };
    return { kind: 'char', char: digit[1]! };
  }
  const imeComposing = isImeComposing(event);
  if (!imeComposing && event.key !== undefined) {
    const folded = event.key.normalize('NFKC');
    if ([...folded].length === 1 && folded >= ' ') return { kind: 'char', char: folded };
  }
  const fromCode = charForCode(event.code);
  if (fromCode !== undefined) return { kind: 'char', char: fromCode };
  return imeComposing ? { kind: 'ime' } : { kind: 'other' };
}
