/**
 * Tells a scanner typing (a keyboard-wedge scanner) from a person typing. Hand-written because the
 * public detectors (onScan.js and similar) are DOM-bound, decode from `key` (which a layout or an
 * IME changes) and end a burst on the first slow gap. The rules (docs/scanner-facts.md, "Keyboard wedge"):
 *
 * - A burst is keys less than `endTimeoutMs` apart. It is decided on its AVERAGE key rate and its
 *   end, never on one gap: the event loop that times the keys can stall tens of ms (a synchronous
 *   journal write in the same process), so a single slow gap inside a scanner's burst is a stall.
 * - A burst of at least `minLength` characters whose average gap is at most `maxKeyGapMs` is
 *   confirmed. From then on it is a scan or nothing: it becomes a scan on Enter/Tab (or after
 *   `endTimeoutMs` of silence when no suffix is required and no stall happened, since a key after a
 *   stall may be a person's); anything else (another key, too slow on average, too long, silence
 *   when a suffix is required, the window losing focus) rejects it WHOLE: it is never submitted as
 *   a shorter code and its keys are never replayed into the page.
 * - Before that, two slow gaps in a row (> `maxKeyGapMs`) or `endTimeoutMs` of silence mean a
 *   person: the burst's held keys are released. A scan that starts soon after such released keys
 *   (within `endTimeoutMs`, or TAIL_GUARD_MS when they came at a scanner's pace; no Enter or other
 *   key between) is rejected whole: they may have been its first digits; so is one that paused
 *   right after its first key (that key may be a person's).
 * - Once a scan has ended on Enter/Tab, the scanner is known to send a suffix, and a later burst
 *   that ends in silence is treated as cut off (as with `requireSuffix`); a scan that starts within
 *   TAIL_GUARD_MS of a cut-off burst may be its tail and is rejected too.
 * - Characters: digits from the physical `code` whatever the layout (wedge-key.ts), full-width
 *   folded, IME-hidden keys decoded from `code`; IME input events only postpone the end. Numpad
 *   digits with Alt held are a scanner in "Emulate ALT+keypad" mode: such a burst is rejected with
 *   `wedge_alt_numpad` (the setup hint) instead of being read as `049051…`.
 *
 * Hold-back: a burst that starts on a digit or `]` (an AIM prefix) is held back whole: every key is
 * swallowed and, if the burst turns out to be typing, handed to `onRelease` listeners in order so
 * the host replays them (a person's digit arrives late by at most `endTimeoutMs`). Keys an IME is
 * composing are never held (the IME must see them); bursts starting on anything else fall back to
 * capture after `captureAfter` fast keys. Key-ups of swallowed keys are swallowed too.
 *
 * Timers can fire late after a stall, before the keys that queued up during it are handled; a late
 * timer therefore defers its decision once, so those keys are judged first.
 */
import type { Disposer } from '../disposer.ts';
import { isImeComposing, meaningOf, type WedgeKey, type WedgeVerdict } from './wedge-key.ts';

export type { Disposer } from '../disposer.ts';

export type { WedgeKey, WedgeVerdict } from './wedge-key.ts';

export type SetTimer = (callback: () => void, ms: number) => () => void;
/** Why the detector refused a burst (a subset of the scanner reject codes, core/ports/scanner-source.ts). */
export type WedgeRejectCode = 'scan_incomplete' | 'scan_too_long' | 'wedge_alt_numpad';

export interface WedgeDetectorOptions {
  /** The slowest average key gap of a scanner burst (ms). */
  readonly maxKeyGapMs?: number;
  /** Silence that ends a burst (ms); also the longest single stall tolerated inside one. */
  readonly endTimeoutMs?: number;
  readonly minLength?: number;
  /** A confirmed burst that ends without Enter/Tab is rejected (scanner set up with a suffix). */
  readonly requireSuffix?: boolean;
  /** Keys in a fast burst not started on a digit before the detector starts swallowing them (default 3). */
  readonly captureAfter?: number;
  /** Bounded buffer: a "burst" longer than this is not a scan (a stuck key, a macro). */
  readonly maxLength?: number;
  readonly setTimer?: SetTimer;
  /** Monotonic ms for telling a late (stalled) timer; performance.now by default. */
  readonly now?: () => number;
}

const CAPTURE: WedgeVerdict = { capture: true };
const PASS: WedgeVerdict = { capture: false };
/** A timer this late fired after a stall: keys may be queued behind it. */
const LATE_TIMER_MS = 15;
/**
 * A scan starting this soon after a burst that was cut off, or after digits released as typing that
 * came at a scanner's pace, may be that burst's tail or have lost its head to them (the scanner,
 * the input pipeline or the event loop paused longer than the end timeout; seen in Chromium: a
 * 130 ms gap after a scan's second key): it is rejected. A customer's re-scan after a refusal
 * takes longer than this; a cashier's Enter or another key in between separates them.
 */
const TAIL_GUARD_MS = 1000;

const defaultSetTimer: SetTimer = (callback, ms) => {
  const handle = setTimeout(callback, ms);
  return () => clearTimeout(handle);
};

function listeners<T extends unknown[]>() {
  const set = new Set<(...args: T) => void>();
  return {
    add(listener: (...args: T) => void): Disposer {
      const entry = (...args: T) => listener(...args);
      set.add(entry);
      return () => {
        set.delete(entry);
      };
    },
    emit(...args: T) {
      for (const listener of [...set]) listener(...args);
    },
  };
}

export class WedgeDetector {
  readonly #maxKeyGapMs: number;
  readonly #endTimeoutMs: number;
  readonly #minLength: number;
  readonly #requireSuffix: boolean;
  readonly #captureAfter: number;
  readonly #maxLength: number;
  readonly #setTimer: SetTimer;
  readonly #now: () => number;
  readonly #scans = listeners<[code: string, at: number]>();
  readonly #releases = listeners<[keys: readonly WedgeKey[]]>();
  readonly #rejects = listeners<[code: WedgeRejectCode, reason: string, at: number]>();
  /** Keydowns of this burst held back from the page, in order, until it is a scan or is not. */
  #held: WedgeKey[] = [];
  /** This burst started on a key that may begin a payment code, so all of it is held. */
  #holding = false;
  /** Codes of keydowns swallowed, so their keyups are swallowed too. */
  readonly #capturedDown = new Set<string>();
  #chars = '';
  #firstAt = 0;
  #lastAt = 0;
  #lastGapSlow = false;
  #stalls = 0;
  #altNumpad = false;
  /** Long and fast enough to be a scan: from now on a scan or rejected whole. */
  #confirmed = false;
  /** When the last burst released as typing ended: a scan starting right after it may have lost its head. */
  #releasedAt = Number.NEGATIVE_INFINITY;
  /** How long after it: TAIL_GUARD_MS when the released keys looked like a scanner's fragment. */
  #releaseGuardMs = 0;
  /** This burst began within the end timeout of keys released as typing. */
  #afterRelease = false;
  /** When the last burst that was cut off ended. */
  #cutOffAt = Number.NEGATIVE_INFINITY;
  /** The gap after this burst's first key was slow: that key may be a person's, just before a scan. */
  #slowStart = false;
  /** A scan has ended on Enter/Tab: this scanner sends a suffix, so one ending in silence was cut off. */
  #sawSuffix = false;
  #cancelTimer: (() => void) | undefined;
  /** The end timer fired late (the loop stalled): the next key's long gap is the stall, not silence. */
  #timerLate = false;

  constructor(opts: WedgeDetectorOptions = {}) {
    this.#maxKeyGapMs = opts.maxKeyGapMs ?? 45;
    this.#endTimeoutMs = Math.max(opts.endTimeoutMs ?? 100, this.#maxKeyGapMs + 1);
    this.#minLength = opts.minLength ?? 8;
    this.#requireSuffix = opts.requireSuffix ?? false;
    this.#captureAfter = Math.max(1, opts.captureAfter ?? 3);
    this.#maxLength = opts.maxLength ?? 512;
    this.#setTimer = opts.setTimer ?? defaultSetTimer;
    this.#now = opts.now ?? (() => performance.now());
  }

  onScan(listener: (code: string, at: number) => void): Disposer {
    return this.#scans.add(listener);
  }

  /** Held keys that turned out to be typing, for the host to replay in order. */
  onRelease(listener: (keys: readonly WedgeKey[]) => void): Disposer {
    return this.#releases.add(listener);
  }

  /** A confirmed burst refused whole (cut off, too long, Alt+numpad mode); its keys are dropped. */
  onReject(listener: (code: WedgeRejectCode, reason: string, at: number) => void): Disposer {
    return this.#rejects.add(listener);
  }

  /** Ends a burst in progress (e.g. the window lost focus): typing is released, a scan in progress rejected. */
  reset(): void {
    if (this.#confirmed) this.#cutOff('scan_incomplete', 'cut off before its end');
    else this.#release();
  }

  feed(event: WedgeKey): WedgeVerdict {
    switch (event.type) {
      case 'keyup':
        return this.#capturedDown.delete(event.code) ? CAPTURE : PASS;
      case 'input':
        // An IME commit during a burst: the keydowns already carried the characters, so it adds
        // none; it only counts as activity, because an IME may hold the next keys back a little.
        if (this.#chars.length === 0 || event.at - this.#lastAt >= this.#endTimeoutMs) return PASS;
        this.#lastAt = Math.max(this.#lastAt, event.at);
        this.#armTimer();
        return this.#confirmed ? CAPTURE : PASS;
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
    // Silence the timer has not reported yet (keys fed faster than timers run): end the burst first.
    if (this.#chars.length > 0 && event.at - this.#lastAt >= this.#endTimeoutMs && !this.#timerLate) {
      this.#cancelTimer?.();
      this.#cancelTimer = undefined;
      this.#onSilence();
    }
    const inBurst = this.#chars.length > 0;
    const gap = inBurst ? event.at - this.#lastAt : 0;
    switch (meaning.kind) {
      case 'modifier':
        if (inBurst && this.#holding) return this.#hold(event);
        return this.#swallowIf(this.#confirmed, event.code);
      case 'ime':
        if (inBurst) {
          this.#armTimer();
          if (this.#holding) return this.#hold(event);
          return this.#swallowIf(this.#confirmed, event.code);
        }
        return PASS;
      case 'other':
        this.reset();
        this.#releasedAt = Number.NEGATIVE_INFINITY; // this key, passed to the page, separates them from what follows
        return PASS;
      case 'end':
        return this.#end(event);
      case 'char':
      case 'alt-numpad':
        return this.#char(event, meaning.char, gap, meaning.kind === 'alt-numpad');
    }
  }

  #char(event: WedgeKey, char: string, gap: number, altNumpad: boolean): WedgeVerdict {
    const slow = gap > this.#maxKeyGapMs;
    if (this.#chars.length > 0 && !this.#confirmed && slow && (this.#lastGapSlow || !this.#holding)) {
      this.#release(); // two slow gaps in a row (or a slow gap in an unheld burst): a person
    }
    if (this.#chars.length === 0) {
      this.#holding = !isImeComposing(event) && (/^[0-9]$/.test(char) || char === ']');
      this.#afterRelease = event.at - this.#releasedAt < this.#releaseGuardMs;
      this.#firstAt = event.at;
      this.#lastGapSlow = false;
    } else {
      this.#lastGapSlow = slow;
      if (slow) this.#stalls++;
      if (slow && this.#chars.length === 1) this.#slowStart = true;
    }
    if (this.#chars.length >= this.#maxLength) {
      if (this.#confirmed) this.#cutOff('scan_too_long', `longer than ${this.#maxLength} characters`);
      else this.#release();
      return PASS;
    }
    this.#chars += char;
    this.#altNumpad ||= altNumpad;
    this.#lastAt = event.at;
    if (!this.#confirmed && this.#chars.length >= this.#minLength && this.#fastOnAverage()) {
      this.#confirmed = true;
    }
    this.#armTimer();
    if (this.#holding) return this.#hold(event);
    return this.#swallowIf(this.#confirmed || this.#fastRun(), event.code);
  }

  #end(event: WedgeKey): WedgeVerdict {
    if (this.#chars.length === 0 || !this.#confirmed) {
      this.#release();
      // The person's Enter/Tab, passed to the page, ends their typing: a scan after it is not its tail.
      this.#releasedAt = Number.NEGATIVE_INFINITY;
      return PASS;
    }
    this.#capturedDown.add(event.code);
    if (!this.#fastOnAverage()) this.#cutOff('scan_incomplete', 'too slow on average for a scanner');
    else {
      this.#sawSuffix = true;
      this.#emit(event.at);
    }
    return CAPTURE;
  }

  /** Silence: a confirmed burst is a suffix-less scan (if allowed and unstalled), else typing. */
  #onSilence(): void {
    if (!this.#confirmed) {
      this.#release();
      return;
    }
    if (this.#requireSuffix || this.#sawSuffix)
      this.#cutOff('scan_incomplete', 'ended without its Enter/Tab suffix');
    else if (this.#stalls > 0) this.#cutOff('scan_incomplete', 'stalled and ended without a suffix');
    else this.#emit(this.#lastAt);
  }

  #fastOnAverage(): boolean {
    const gaps = this.#chars.length - 1;
    return gaps <= 0 || (this.#lastAt - this.#firstAt) / gaps <= this.#maxKeyGapMs;
  }

  /** An unheld burst (not started on a digit) is swallowed after `captureAfter` fast keys. */
  #fastRun(): boolean {
    return this.#chars.length >= this.#captureAfter && this.#stalls === 0 && this.#fastOnAverage();
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

  #armTimer(): void {
    this.#cancelTimer?.();
    this.#timerLate = false;
    // Unconfirmed after a slow gap, one more slow gap means a person: release then, not after the
    // longer end timeout, so typing is barely delayed.
    const wait = !this.#confirmed && this.#lastGapSlow ? this.#maxKeyGapMs + 1 : this.#endTimeoutMs;
    const due = this.#now() + wait;
    let deferred = false;
    const fire = () => {
      if (!deferred && this.#now() - due > LATE_TIMER_MS) {
        deferred = true; // fired after a stall: let the keys queued behind it be judged first
        this.#timerLate = true;
        this.#cancelTimer = this.#setTimer(fire, 0);
        return;
      }
      this.#cancelTimer = undefined;
      this.#onSilence();
    };
    this.#cancelTimer = this.#setTimer(fire, wait);
  }

  #clear(): WedgeKey[] {
    this.#cancelTimer?.();
    this.#cancelTimer = undefined;
    const held = this.#held;
    this.#held = [];
    this.#chars = '';
    this.#holding = false;
    this.#confirmed = false;
    this.#stalls = 0;
    this.#lastGapSlow = false;
    this.#altNumpad = false;
    this.#afterRelease = false;
    this.#slowStart = false;
    return held;
  }

  /** Typing: held keys go back to the page, in order. */
  #release(): void {
    const lastAt = this.#lastAt;
    // Two or more keys at a scanner's pace, then silence: maybe the head of a scan that paused.
    const fragment = this.#chars.length >= 2 && this.#fastOnAverage() && this.#stalls === 0;
    const held = this.#clear();
    if (held.length === 0) return;
    this.#releasedAt = lastAt;
    this.#releaseGuardMs = fragment ? TAIL_GUARD_MS : this.#endTimeoutMs;
    this.#releases.emit(held);
  }

  /** A scan that cannot be trusted: dropped whole, never replayed. */
  #cutOff(code: WedgeRejectCode, why: string): void {
    const length = this.#chars.length;
    const at = this.#lastAt;
    this.#cutOffAt = at;
    const altNumpad = this.#altNumpad;
    this.#clear();
    if (altNumpad) this.#rejectAltNumpad(at);
    else this.#rejects.emit(code, `a ${length}-character scanner burst ${why}: rejected whole`, at);
  }

  #emit(at: number): void {
    if (this.#afterRelease) {
      // Keys just before it went to the page as typing: they may have been this scan's first digits.
      this.#cutOff('scan_incomplete', 'began right after keys released as typing (its start may be lost)');
      return;
    }
    if (this.#slowStart) {
      this.#cutOff('scan_incomplete', "paused after its first key (that key may be a person's)");
      return;
    }
    if (this.#firstAt - this.#cutOffAt < TAIL_GUARD_MS) {
      this.#cutOff('scan_incomplete', 'began right after a cut-off burst (it may be its tail)');
      return;
    }
    const code = this.#chars;
    const altNumpad = this.#altNumpad;
    this.#clear(); // the held keys were the scan: dropped, never replayed
    if (altNumpad) this.#rejectAltNumpad(at);
    else this.#scans.emit(code, at);
  }

  #rejectAltNumpad(at: number): void {
    this.#rejects.emit(
      'wedge_alt_numpad',
      'the scanner types Alt+numpad sequences: scan its setup code to turn "Emulate ALT+keypad" off',
      at,
    );
  }
}
