/**
 * Headless mode only (in Electron the main process captures the scanner): feeds every key and input
 * event to core's WedgeDetector in the capture phase, so a scan burst is swallowed before it types
 * into a field, and hands each detected code to `onScan`.
 */
import type { Disposer } from '../../../core/common/contract/api-contract.ts';

export interface WedgeInput {
  readonly code: string;
  readonly key: string;
  readonly keyCode: number;
  readonly type: 'keydown' | 'keyup' | 'input';
  readonly data?: string | undefined;
  readonly repeat?: boolean | undefined;
  readonly at: number;
}

/** The part of core/common/wedge/wedge-detector.ts this file uses (tests pass a fake). */
export interface WedgeDetectorLike {
  feed(input: WedgeInput): { readonly capture: boolean };
  onScan(listener: (code: string, at: number) => void): unknown;
}

export function attachWedge(
  target: Pick<Window, 'addEventListener' | 'removeEventListener'>,
  detector: WedgeDetectorLike,
  onScan: (code: string) => void,
  now: () => number = () => performance.now(),
): Disposer {
  let attached = true;
  detector.onScan((code) => {
    if (attached) onScan(code);
  });
  const onKey = (event: KeyboardEvent) => {
    const result = detector.feed({
      code: event.code,
      key: event.key,
      keyCode: event.keyCode,
      type: event.type === 'keyup' ? 'keyup' : 'keydown',
      repeat: event.repeat,
      at: now(),
    });
    if (result.capture) {
      event.preventDefault();
      event.stopPropagation();
    }
  };
  const onInput = (event: Event) => {
    const data = 'data' in event && typeof event.data === 'string' ? event.data : undefined;
    detector.feed({ code: '', key: '', keyCode: 0, type: 'input', data, at: now() });
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
