/**
 * Tells a scanner typing (a keyboard-wedge scanner) from a person typing, by timing: scanners put
 * 1–19 ms between keys, people 30 ms and more. A burst of keys each within `maxKeyGapMs` of the last
 * that reaches `minLength` characters is a scan when it ends on Enter/Tab/NumpadEnter or after
 * `endTimeoutMs` of silence. Characters are decoded from the physical `code` when an IME hides the
 * key ('Process', keyCode 229, 'Unidentified'), full-width digits are folded, and IME input events
 * only postpone the end, so an IME can neither split nor corrupt a scan.
 *
 * Hand-written because the public detectors (onScan.js and similar) are DOM-bound and decode from
 * `key`, which an IME replaces.
 *
 * Hold-back: the first keys of a scan cannot be told from typing, yet they must not reach the page
 * (a cashier's amount "12" must not become "1213" when a customer's code is scanned). So a burst
 * that starts on a digit or `]` (an AIM prefix) is held back whole: every key of it is swallowed
 * and, if the burst turns out not to be a scan, handed to `onRelease` listeners in order so the
 * host replays them (a person's key is late by at most `maxKeyGapMs`). Keys an IME is composing
 * are never held (the IME must see them); bursts starting on anything else fall back to capture
 * after `captureAfter` fast keys. Key-ups of swallowed keys are swallowed too.
 */
import type { Disposer } from '../disposer.ts';
import { isImeComposing, meaningOf, type WedgeKey, type WedgeVerdict } from './wedge-key.ts';

export type { Disposer } from '../disposer.ts';

export type { WedgeKey, WedgeVerdict } from './wedge-key.ts';

export type SetTimer = (callback: () => void, ms: number) => () => void;

export interface WedgeDetectorOptions {
  readonly maxKeyGapMs?: number;
  readonly endTimeoutMs?: number;
  readonly minLength?: number;
  /** Keys in a fast burst before the detector starts swallowing them (default 3). */
  readonly captureAfter?: number;
  /** Bounded buffer: a "burst" longer than this is not a scan (a stuck key, a macro). */
  readonly maxLength?: number;
  readonly setTimer?: SetTimer;
}

const CAPTURE: WedgeVerdict = { capture: true };
const PASS: WedgeVerdict = { capture: false };

const defaultSetTimer: SetTimer = (callback, ms) => {
  const handle = setTimeout(callback, ms);
  return () => clearTimeout(handle);
};

export class WedgeDetector {
  readonly #maxKeyGapMs: number;
  readonly #endTimeoutMs: number;
  readonly #minLength: number;
  readonly #captureAfter: number;
  readonly #maxLength: number;
  readonly #setTimer: SetTimer;
  readonly #listeners = new Set<(code: string, at: number) => void>();
  readonly #releaseListeners = new Set<(keys: readonly WedgeKey[]) => void>();
  /** Keydowns of this burst held back from the page, in order, until it is a scan or is not. */
  #held: WedgeKey[] = [];
  /** This burst started on a key that may begin a payment code, so all of it is held. */
  #holding = false;
  /** Codes of keydowns swallowed, so their keyups are swallowed too. */
  readonly #capturedDown = new Set<string>();
  #chars = '';
  #lastAt = 0;
  #cancelTimer: (() => void) | undefined;

  constructor(opts: WedgeDetectorOptions = {}) {
    this.#maxKeyGapMs = opts.maxKeyGapMs ?? 45;
    this.#endTimeoutMs = opts.endTimeoutMs ?? 100;
    this.#minLength = opts.minLength ?? 8;
    this.#captureAfter = Math.max(1, opts.captureAfter ?? 3);
    this.#maxLength = opts.maxLength ?? 512;
    this.#setTimer = opts.setTimer ?? defaultSetTimer;
  }

  onScan(listener: (code: string, at: number) => void): Disposer {
    const entry = (code: string, at: number) => listener(code, at);
    this.#listeners.add(entry);
    return () => {
      this.#listeners.delete(entry);
    };
  }

  /** Held keys that turned out to be typing, for the host to replay in order. */
  onRelease(listener: (keys: readonly WedgeKey[]) => void): Disposer {
    const entry = (keys: readonly WedgeKey[]) => listener(keys);
    this.#releaseListeners.add(entry);
    return () => {
      this.#releaseListeners.delete(entry);
    };
  }

  /** Ends a burst in progress as typing (e.g. the window lost focus): held keys are released. */
  reset(): void {
    this.#cancelTimer?.();
    this.#cancelTimer = undefined;
    this.#chars = '';
    this.#holding = false;
    const held = this.#held;
    this.#held = [];
    if (held.length === 0) return;
    for (const listener of [...this.#releaseListeners]) listener(held);
  }

  feed(event: WedgeKey): WedgeVerdict {
    switch (event.type) {
      case 'keyup':
        return this.#capturedDown.delete(event.code) ? CAPTURE : PASS;
      case 'input':
        // An IME commit during a burst: the keydowns already carried the characters, so it adds
        // none; it only counts as activity, because an IME may hold the next keys back a little.
        if (this.#chars.length === 0 || event.at - this.#lastAt > this.#endTimeoutMs) return PASS;
        this.#lastAt = Math.max(this.#lastAt, event.at);
        this.#armTimer();
        return this.#confirmed() ? CAPTURE : PASS;
      case 'keydown':
        return this.#keydown(event);
    }
  }

  #keydown(event: WedgeKey): WedgeVerdict {
    if (event.repeat) {
      this.reset();
      return PASS;
    }
    const meaning = meaningOf(event);
    const gap = event.at - this.#lastAt;
    // A slow key after an unconfirmed burst: that burst was typing, and its held keys go first.
    if (this.#chars.length > 0 && gap > this.#maxKeyGapMs && !this.#confirmed()) this.#endBurst();
    const inBurst = this.#chars.length > 0 && gap <= this.#maxKeyGapMs;
    switch (meaning.kind) {
      case 'modifier':
        if (inBurst && this.#holding) return this.#hold(event);
        return this.#swallowIf(this.#confirmed() && gap <= this.#maxKeyGapMs, event.code);
      case 'ime':
        if (inBurst) {
          this.#armTimer();
          if (this.#holding) return this.#hold(event);
          return this.#swallowIf(this.#confirmed(), event.code);
        }
        this.reset();
        return PASS;
      case 'other':
        this.reset();
        return PASS;
      case 'end': {
        const isScan =
          this.#confirmed() && this.#chars.length >= this.#minLength && gap <= this.#endTimeoutMs;
        if (isScan) this.#emit(event.at);
        else this.reset();
        return this.#swallowIf(isScan, event.code);
      }
      case 'char':
        if (this.#chars.length > 0 && gap > this.#maxKeyGapMs) this.#endBurst();
        if (this.#chars.length >= this.#maxLength) {
          this.reset();
          return PASS;
        }
        if (this.#chars.length === 0) this.#holding = startsHeldBurst(event, meaning.char);
        this.#chars += meaning.char;
        this.#lastAt = event.at;
        this.#armTimer();
        if (this.#holding) return this.#hold(event);
        return this.#swallowIf(this.#confirmed(), event.code);
    }
  }

  #confirmed(): boolean {
    return this.#chars.length >= this.#captureAfter;
  }

  #hold(event: WedgeKey): WedgeVerdict {
    this.#held.push(event);
    return this.#swallowIf(true, event.code);
  }

  #swallowIf(capture: boolean, code: string): WedgeVerdict {
    if (!capture) return PASS;
    this.#capturedDown.add(code);
    // Bounded: codes are physical key names, but never let a lost keyup grow this forever.
    if (this.#capturedDown.size > 64) this.#capturedDown.clear();
    return CAPTURE;
  }

  /** A pause ended a burst: it was a suffix-less scan if long enough, else typing. */
  #endBurst(): void {
    if (this.#confirmed() && this.#chars.length >= this.#minLength) this.#emit(this.#lastAt);
    else this.reset();
  }

  #armTimer(): void {
    this.#cancelTimer?.();
    // Unconfirmed, the burst is over as soon as the next key is too late to belong to it: release
    // held keys then, not after the longer end timeout, so typing is barely delayed.
    const wait = this.#confirmed() ? this.#endTimeoutMs : this.#maxKeyGapMs + 1;
    this.#cancelTimer = this.#setTimer(() => {
      this.#cancelTimer = undefined;
      this.#endBurst();
    }, wait);
  }

  #emit(at: number): void {
    const code = this.#chars;
    this.#held = []; // they were the scan: dropped, never replayed
    this.reset();
    for (const listener of [...this.#listeners]) listener(code, at);
  }
}

/** A payment code starts with a digit (an AIM identifier with `]`); an IME-composed key never starts one we hold. */
function startsHeldBurst(event: WedgeKey, char: string): boolean {
  return !isImeComposing(event) && (/^[0-9]$/.test(char) || char === ']');
}
