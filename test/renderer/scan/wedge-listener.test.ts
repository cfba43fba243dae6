// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';
import { WedgeDetector } from '../../../core/common/wedge/wedge-detector.ts';
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

  it("times keys by the event's own time stamp and passes isComposing and Alt to the detector", () => {
    const { detector, fed } = fakeDetector();
    const off = attachWedge(window, detector, () => {});
    const event = new KeyboardEvent('keydown', { key: '1', code: 'Digit1', altKey: true, isComposing: true });
    window.dispatchEvent(event);
    expect(fed.at(-1)).toMatchObject({ at: event.timeStamp, composing: true, alt: true });
    off();
  });

  describe('with the real detector: held-back keys that were typing are replayed', () => {
    function setup() {
      let t = 0;
      const timers: { at: number; run: () => void }[] = [];
      const detector = new WedgeDetector({
        maxKeyGapMs: 40,
        endTimeoutMs: 120,
        minLength: 8,
        setTimer: (run, ms) => {
          const timer = { at: t + ms, run };
          timers.push(timer);
          return () => timers.splice(timers.indexOf(timer), 1);
        },
      });
      const scans: string[] = [];
      const off = attachWedge(
        window,
        detector,
        (code) => scans.push(code),
        () => t,
      );
      /** What page-level shortcuts (the amount keypad listens on window) receive. */
      const shortcuts: string[] = [];
      const onWindowKey = (e: KeyboardEvent) => shortcuts.push(e.key);
      window.addEventListener('keydown', onWindowKey);
      const advance = (ms: number) => {
        const end = t + ms;
        for (;;) {
          const due = timers.filter((x) => x.at <= end).sort((a, b) => a.at - b.at)[0];
          if (!due) break;
          timers.splice(timers.indexOf(due), 1);
          t = due.at;
          due.run();
        }
        t = end;
      };
      const press = (target: EventTarget, key: string, gapMs: number) => {
        const code = key === 'Enter' ? 'Enter' : /\d/.test(key) ? `Digit${key}` : `Key${key.toUpperCase()}`;
        target.dispatchEvent(new KeyboardEvent('keydown', { key, code, bubbles: true, cancelable: true }));
        target.dispatchEvent(new KeyboardEvent('keyup', { key, code, bubbles: true, cancelable: true }));
        advance(gapMs);
      };
      const dispose = () => {
        off();
        window.removeEventListener('keydown', onWindowKey);
        document.body.replaceChildren();
      };
      return { scans, shortcuts, press, advance, dispose };
    }

    it('an amount typed on the page survives a scan: no digit of the scan leaks into it', () => {
      const s = setup();
      for (const d of '12') s.press(document.body, d, 150);
      expect(s.shortcuts).toEqual(['1', '2']);
      for (const d of '134567890123456789') s.press(document.body, d, 6);
      s.press(document.body, 'Enter', 200);
      expect(s.scans).toEqual(['134567890123456789']);
      expect(s.shortcuts).toEqual(['1', '2']);
      s.dispose();
    });

    it('digits typed into a text field arrive in it, in order, once each', () => {
      const s = setup();
      const field = document.createElement('input');
      document.body.append(field);
      field.focus();
      const changes: string[] = [];
      field.addEventListener('input', () => changes.push(field.value));
      for (const ch of '2024a5') s.press(field, ch, 90);
      s.advance(500);
      expect(field.value).toBe('20245'); // untrusted keydowns never type letters in jsdom: only replays do
      expect(changes.at(-1)).toBe('20245');
      expect(s.scans).toEqual([]);
      s.dispose();
    });
  });
});
