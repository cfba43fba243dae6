/**
 * Keyboard-wedge capture in the main process: every key our window receives goes first to the
 * service's wedge feed (before-input-event fires before the page sees the key), whose detector
 * says whether the key belongs to a scan; those keys are swallowed with preventDefault, so a scan
 * never types into a field, and the service turns the completed burst into a scan. Human typing
 * passes through untouched.
 */

/** One key as core/common/wedge (WedgeFeed.pushKey / WedgeDetector.feed) takes it. */
export interface WedgeKey {
  readonly code: string;
  readonly key: string;
  readonly keyCode: number;
  readonly type: 'keydown' | 'keyup';
  readonly repeat: boolean;
  readonly at: number;
}

/** The fields of Electron's `Input` this module reads. */
export interface InputLike {
  readonly type: string;
  readonly key: string;
  readonly code: string;
  readonly isAutoRepeat?: boolean;
}

export interface BeforeInputSource {
  on(
    event: 'before-input-event',
    listener: (event: { preventDefault(): void }, input: InputLike) => void,
  ): unknown;
}

export interface WedgeWiringOptions {
  readonly contents: BeforeInputSource;
  /** Monotonic milliseconds (performance.now in the app, a fake clock in tests). */
  readonly now: () => number;
  /** The service's wedge feed: `(key) => wedgeFeed.pushKey(key)`. */
  readonly push: (key: WedgeKey) => { readonly capture: boolean };
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
    at,
  };
}

export function wireWedge(options: WedgeWiringOptions): void {
  const { contents, now, push } = options;
  contents.on('before-input-event', (event, input) => {
    const key = toWedgeKey(input, now());
    if (key === null) return;
    if (push(key).capture) event.preventDefault();
  });
}
