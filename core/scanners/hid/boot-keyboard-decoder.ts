/**
 * Decodes a keyboard-mode scanner read through Linux hidraw: 8-byte boot keyboard reports
 * [modifiers, reserved, key1..key6]. Hand-written because the libraries that map HID usages to
 * characters are either keyboard-layout engines for whole OSes or unmaintained; a scanner only
 * needs US-layout printable ASCII, Enter/Tab and the keypad. A key counts when it appears in a
 * report and was not in the previous one (so "11" arrives as press, release, press); a report
 * full of 0x01 is a rollover error and is ignored. Silence ends a code from a scanner with no suffix;
 * once a code has ended on Enter/Tab the scanner is known to send one, so a code that falls silent
 * was cut off and is rejected whole (the wedge detector's rule, docs/scanner-facts.md "Keyboard wedge").
 */
import type { FlushReason, FrameEvent } from '../serial/line-framer.ts';

const ROLLOVER = 0x01;
const SHIFT = 0x02 | 0x20;
const END_KEYS = new Set([0x28, 0x2b, 0x58]); // Enter, Tab, keypad Enter

const UNSHIFTED: Record<number, string> = { 44: ' ' };
const SHIFTED: Record<number, string> = { 44: ' ' };
for (let i = 0; i < 26; i++) {
  UNSHIFTED[0x04 + i] = String.fromCharCode(0x61 + i);
  SHIFTED[0x04 + i] = String.fromCharCode(0x41 + i);
}
'1234567890'.split('').forEach((digit, i) => {
  UNSHIFTED[0x1e + i] = digit;
  SHIFTED[0x1e + i] = '!@#$%^&*()'[i]!;
});
const PUNCTUATION: readonly [number, string, string][] = [
  [0x2d, '-', '_'],
  [0x2e, '=', '+'],
  [0x2f, '[', '{'],
  [0x30, ']', '}'],
  [0x31, '\\', '|'],
  [0x33, ';', ':'],
  [0x34, "'", '"'],
  [0x35, '`', '~'],
  [0x36, ',', '<'],
  [0x37, '.', '>'],
  [0x38, '/', '?'],
];
for (const [usage, plain, shifted] of PUNCTUATION) {
  UNSHIFTED[usage] = plain;
  SHIFTED[usage] = shifted;
}
// Keypad: the same character with or without shift (scanners set NumLock state themselves).
'/*-+'.split('').forEach((ch, i) => {
  UNSHIFTED[0x54 + i] = ch;
  SHIFTED[0x54 + i] = ch;
});
'1234567890.'.split('').forEach((ch, i) => {
  UNSHIFTED[0x59 + i] = ch;
  SHIFTED[0x59 + i] = ch;
});

export class BootKeyboardDecoder {
  readonly #maxLength: number;
  #held = new Set<number>();
  #text = '';
  #discarding = false;
  /** A code has ended on Enter/Tab: this scanner sends a suffix, so silence means a cut-off code. */
  #sawSuffix = false;

  constructor(opts: { readonly maxLength: number }) {
    this.#maxLength = opts.maxLength;
  }

  hasPending(): boolean {
    return this.#text.length > 0 || this.#discarding;
  }

  feed(report: Uint8Array): FrameEvent[] {
    // A numbered keyboard report arrives with its id first (9 bytes).
    const body = report.length === 9 ? report.subarray(1) : report;
    if (body.length !== 8)
      return [
        {
          kind: 'reject',
          code: 'scan_length_mismatch',
          reason: `keyboard report of ${report.length} bytes (expected 8)`,
        },
      ];
    const keys = [...body.subarray(2)].filter((usage) => usage !== 0);
    if (keys.includes(ROLLOVER)) return [];
    const shift = (body[0]! & SHIFT) !== 0;
    const events: FrameEvent[] = [];
    for (const usage of keys) {
      if (this.#held.has(usage)) continue;
      if (END_KEYS.has(usage)) {
        if (this.#text.length > 0) this.#sawSuffix = true;
        events.push(...this.#end());
        continue;
      }
      const ch = (shift ? SHIFTED : UNSHIFTED)[usage];
      if (ch === undefined) continue; // modifiers-only keys, F-keys: not part of a code
      if (this.#discarding) continue;
      if (this.#text.length >= this.#maxLength) {
        this.#discarding = true;
        this.#text = '';
        events.push({
          kind: 'reject',
          code: 'scan_too_long',
          reason: `keyboard code longer than ${this.#maxLength} characters: dropped`,
        });
        continue;
      }
      this.#text += ch;
    }
    this.#held = new Set(keys);
    return events;
  }

  /** Idle silence ends a code from a scanner with no suffix; a disconnect cuts it off. */
  flush(reason: FlushReason): FrameEvent[] {
    if (reason === 'idle' && !this.#sawSuffix) return this.#end();
    if (!this.hasPending()) return [];
    const length = this.#text.length;
    const discarding = this.#discarding;
    this.#text = '';
    this.#discarding = false;
    this.#held = new Set();
    return discarding
      ? []
      : [
          {
            kind: 'reject',
            code: 'scan_incomplete',
            reason:
              reason === 'disconnect'
                ? `a ${length}-character partial keyboard code was cut off when the device disconnected`
                : `a ${length}-character keyboard code fell silent without the Enter/Tab this scanner sends: cut off`,
          },
        ];
  }

  #end(): FrameEvent[] {
    const text = this.#text;
    const discarding = this.#discarding;
    this.#text = '';
    this.#discarding = false;
    return discarding || text.length === 0 ? [] : [{ kind: 'code', text }];
  }
}
