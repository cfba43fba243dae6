/**
 * Keyboard-wedge capture in the main process: every key our window receives goes first to the
 * service's wedge feed (before-input-event fires before the page sees the key), whose detector
 * says whether the key belongs to a scan; those keys are swallowed with preventDefault, so a scan
 * never types into a field, and the service turns the completed burst into a scan. Human typing
 * passes through untouched.
 *
 * The detector holds back the first keys of a burst that could start a payment code (see
 * core/common/wedge/wedge-detector.ts); when they turn out to be typing, the feed releases them and
 * they are replayed into the page with `sendInputEvent` (real input, so they type into fields).
 * Replayed keyDown/keyUp come back through before-input-event: an expected-replay list recognises
 * them and lets them through without feeding the detector a second time.
 *
 * Timing: Electron's `Input` carries no time stamp, so a key is timed when this handler runs, in
 * the main process's event loop, which the service shares (its journal writes synchronously).
 * A write stalls key handling for a few ms (`node bench/scan/wedge-stall.ts` measures it); the keys
 * queued meanwhile arrive as one long gap and then a rush. The detector decides on the average
 * rate and the terminator and defers a timer that fires late, so one stall does not split a scan
 * (docs/scanner-facts.md, "Keyboard wedge").
 *
 * IME: on Windows `preventDefault` here does not stop an active IME (electron/electron#29875):
 * digits can still be committed into the focused field. `isComposing` keys are never held. Use HID
 * POS mode or the IME's English mode (README, docs/scanner-facts.md).
 */

/** One key as core/common/wedge (WedgeFeed.pushKey / WedgeDetector.feed) takes it. */
export interface WedgeKey {
  readonly code: string;
  readonly key: string;
  readonly keyCode: number;
  readonly type: 'keydown' | 'keyup';
  readonly repeat: boolean;
  readonly composing: boolean;
  readonly alt: boolean;
  readonly at: number;
}

/** The fields of Electron's `Input` this module reads. */
export interface InputLike {
  readonly type: string;
  readonly key: string;
  readonly code: string;
  readonly isAutoRepeat?: boolean;
  readonly isComposing?: boolean;
  readonly alt?: boolean;
}

export interface BeforeInputSource {
  on(
    event: 'before-input-event',
    listener: (event: { preventDefault(): void }, input: InputLike) => void,
  ): unknown;
}

/** Electron's KeyboardInputEvent, the part used to replay a key. */
export interface ReplayInputEvent {
  readonly type: 'keyDown' | 'char' | 'keyUp';
  readonly keyCode: string;
}

export interface WedgeWiringOptions {
  readonly contents: BeforeInputSource & { sendInputEvent(event: ReplayInputEvent): void };
  /** Monotonic milliseconds (performance.now in the app, a fake clock in tests). */
  readonly now: () => number;
  /** The service's wedge feed: `(key) => wedgeFeed.pushKey(key)`. */
  readonly push: (key: WedgeKey) => { readonly capture: boolean };
  /** Held keys found to be typing: `(listener) => wedgeFeed.onRelease(listener)`. */
  readonly onRelease?: (listener: (keys: readonly ReleasedKey[]) => void) => unknown;
}

/** A replayed event not seen back within this long never will be (the queue must not grow). */
const REPLAY_ECHO_MS = 500;

/** A held key as the feed releases it (core's WedgeKey). */
export interface ReleasedKey {
  readonly type: string;
  readonly key?: string | undefined;
}

/** DOM key names that Electron's accelerator-style keyCode spells differently. */
const ACCELERATOR_NAMES: Readonly<Record<string, string>> = {
  ArrowLeft: 'Left',
  ArrowRight: 'Right',
  ArrowUp: 'Up',
  ArrowDown: 'Down',
  ' ': 'Space',
};

/** The input events that replay one held keydown: down, its character (if printable), up. */
export function replayEvents(key: ReleasedKey): ReplayInputEvent[] {
  const name = key.key ?? '';
  if (name === '' || name === 'Process' || name === 'Unidentified' || name === 'Dead') return [];
  const printable = [...name].length === 1;
  const keyCode = ACCELERATOR_NAMES[name] ?? name;
  return [
    { type: 'keyDown', keyCode },
    ...(printable ? [{ type: 'char' as const, keyCode: name }] : []),
    { type: 'keyUp', keyCode },
  ];
}

// Electron's Input carries no keyCode; Chromium reports IME-processed keys as key 'Process', which the
// DOM exposes as keyCode 229. The detector decodes digits from the physical `code` either way.
const IME_PROCESS_KEYCODE = 229;

export function toWedgeKey(input: InputLike, at: number): WedgeKey | null {
  const type = input.type === 'keyDown' ? 'keydown' : input.type === 'keyUp' ? 'keyup' : null;
  if (type === null) return null;
  return {
    code: input.code,
    key: input.key,
    keyCode: input.key === 'Process' ? IME_PROCESS_KEYCODE : 0,
    type,
    repeat: input.isAutoRepeat === true,
    composing: input.isComposing === true,
    alt: input.alt === true,
    at,
  };
}

export function wireWedge(options: WedgeWiringOptions): void {
  const { contents, now, push } = options;
  /** Replayed events expected back through before-input-event, oldest first. */
  let expected: { readonly type: string; readonly key: string; readonly at: number }[] = [];
  const isReplayEcho = (input: InputLike, at: number): boolean => {
    expected = expected.filter((e) => at - e.at <= REPLAY_ECHO_MS);
    const index = expected.findIndex((e) => e.type === input.type && e.key === input.key);
    if (index < 0) return false;
    expected.splice(index, 1);
    return true;
  };
  const replay = (keys: readonly ReleasedKey[]) => {
    for (const key of keys) {
      if (key.type !== 'keydown') continue;
      for (const event of replayEvents(key)) {
        // before-input-event reports only keyDown/keyUp (by DOM key name), never the 'char' event.
        if (event.type !== 'char') expected.push({ type: event.type, key: key.key ?? '', at: now() });
        contents.sendInputEvent(event);
      }
    }
  };
  /** Keys released while a key is being judged: they must reach the page before that key. */
  let releasedDuringPush: ReleasedKey[] | null = null;
  contents.on('before-input-event', (event, input) => {
    const at = now();
    if (isReplayEcho(input, at)) return;
    const key = toWedgeKey(input, at);
    if (key === null) return;
    const released: ReleasedKey[] = [];
    releasedDuringPush = released;
    let capture: boolean;
    try {
      capture = push(key).capture;
    } finally {
      releasedDuringPush = null;
    }
    if (released.length > 0 && !capture && key.type === 'keydown') {
      // sendInputEvent queues behind the key in hand: hold that key too and replay it after them.
      event.preventDefault();
      replay([...released, key]);
      return;
    }
    replay(released);
    if (capture) event.preventDefault();
  });
  options.onRelease?.((keys) => {
    if (releasedDuringPush) releasedDuringPush.push(...keys);
    else replay(keys);
  });
}
