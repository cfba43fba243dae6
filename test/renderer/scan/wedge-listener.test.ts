// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';
import {
  attachWedge,
  type WedgeDetectorLike,
  type WedgeInput,
} from '../../../renderer/src/scan/wedge-listener.ts';

/** Captures keys whose `code` starts with Digit once two arrived within 20 ms; Enter ends the scan. */
function fakeDetector() {
  const fed: WedgeInput[] = [];
  let onScan: ((code: string, at: number) => void) | null = null;
  let buffer = '';
  const detector: WedgeDetectorLike = {
    feed(input) {
      fed.push(input);
      if (input.type !== 'keydown') return { capture: false };
      if (input.code === 'Enter' && buffer) {
        onScan?.(buffer, input.at);
        buffer = '';
        return { capture: true };
      }
      if (input.code.startsWith('Digit')) {
        buffer += input.key;
        return { capture: buffer.length > 1 };
      }
      return { capture: false };
    },
    onScan(listener) {
      onScan = listener;
    },
  };
  return { detector, fed };
}

describe('browser wedge listener', () => {
  it('feeds keys to the detector, swallows captured keys, and reports the scan', () => {
    const { detector, fed } = fakeDetector();
    const scans: string[] = [];
    let t = 0;
    const off = attachWedge(
      window,
      detector,
      (code) => scans.push(code),
      () => t++,
    );
    const input = document.createElement('input');
    document.body.append(input);
    const typed: string[] = [];
    input.addEventListener('keydown', (e) => {
      if (!e.defaultPrevented) typed.push(e.key);
    });
    for (const d of ['1', '3', '4']) {
      input.dispatchEvent(
        new KeyboardEvent('keydown', { key: d, code: `Digit${d}`, bubbles: true, cancelable: true }),
      );
    }
    input.dispatchEvent(
      new KeyboardEvent('keydown', { key: 'Enter', code: 'Enter', bubbles: true, cancelable: true }),
    );
    expect(scans).toEqual(['134']);
    expect(typed).toEqual(['1']); // the first key was not yet known to be a scan
    input.dispatchEvent(new InputEvent('input', { data: '１', bubbles: true }));
    expect(fed.at(-1)).toMatchObject({ type: 'input', data: '１' });
    off();
    input.dispatchEvent(new KeyboardEvent('keydown', { key: '5', code: 'Digit5', bubbles: true }));
    expect(fed.filter((f) => f.key === '5')).toEqual([]);
  });
});
