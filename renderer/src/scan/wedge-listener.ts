/**
 * Headless mode only (in Electron the main process captures the scanner): feeds every key and input
 * event to core's WedgeDetector in the capture phase, so a scan burst is swallowed before it types
 * into a field, and hands each detected code to `onScan`.
 *
 * The detector holds back the first keys of a burst that could start a payment code and releases
 * them when they turn out to be typing; they are replayed here (see replay-key.ts) to the element
 * they were aimed at, so a person's key arrives late by at most the detector's key gap, never lost.
 */
import type { Disposer } from '../../../core/common/contract/api-contract.ts';
import type { WedgeKey } from '../../../core/common/wedge/wedge-key.ts';
import { isReplayed, replayKey } from './replay-key.ts';

/** A browser key event as the detector takes it: a WedgeKey whose key and keyCode a browser always has. */
export type WedgeInput = WedgeKey & { readonly key: string; readonly keyCode: number };

/** The part of core/common/wedge/wedge-detector.ts this file uses (tests pass a fake). */
export interface WedgeDetectorLike {
  feed(input: WedgeInput): { readonly capture: boolean };
  onScan(listener: (code: string, at: number) => void): unknown;
  onRelease?(listener: (keys: readonly object[]) => void): unknown;
}

/**
 * Key times are the events' own time stamps (`event.timeStamp`, when the browser received the key),
 * not the time this handler runs: a busy page handles queued keys late and all at once, which
 * would make a scanner's burst look like a pause followed by a burst.
 */
export function attachWedge(
  target: Pick<Window, 'addEventListener' | 'removeEventListener'>,
  detector: WedgeDetectorLike,
  onScan: (code: string) => void,
  timeOf: (event: Event) => number = (event) => event.timeStamp,
): Disposer {
  let attached = true;
  /** The DOM event behind each key fed to the detector, to replay it if it is released. */
  const origins = new WeakMap<object, KeyboardEvent>();
  detector.onScan((code) => {
    if (attached) onScan(code);
  });
  detector.onRelease?.((keys) => {
    for (const key of keys) {
      const origin = origins.get(key);
      if (origin?.type === 'keydown') replayKey(origin);
    }
  });
  const onKey = (event: KeyboardEvent) => {
    if (isReplayed(event)) return;
    const input: WedgeInput = {
      code: event.code,
      key: event.key,
      keyCode: event.keyCode,
      type: event.type === 'keyup' ? 'keyup' : 'keydown',
      repeat: event.repeat,
      composing: event.isComposing,
      alt: event.altKey,
      at: timeOf(event),
    };
    origins.set(input, event);
    if (detector.feed(input).capture) {
      event.preventDefault();
      event.stopPropagation();
    }
  };
  const onInput = (event: Event) => {
    if (isReplayed(event)) return;
    const data = 'data' in event && typeof event.data === 'string' ? event.data : undefined;
    detector.feed({ code: '', key: '', keyCode: 0, type: 'input', data, at: timeOf(event) });
  };
  target.addEventListener('keydown', onKey as EventListener, true);
  target.addEventListener('keyup', onKey as EventListener, true);
  target.addEventListener('input', onInput, true);
  return () => {
    attached = false;
    target.removeEventListener('keydown', onKey as EventListener, true);
    target.removeEventListener('keyup', onKey as EventListener, true);
    target.removeEventListener('input', onInput, true);
  };
}
