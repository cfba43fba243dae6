import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { WedgeDetector, type WedgeKey } from '../../../core/common/wedge/wedge-detector.ts';

const CODE = '134567890123456789';

/** A fake timer wheel driven by event time stamps, so no test sleeps. */
function fakeTimers() {
  let now = 0;
  const timers = new Map<number, { at: number; cb: () => void }>();
  let next = 0;
  return {
    setTimer: (cb: () => void, ms: number) => {
      const id = next++;
      timers.set(id, { at: now + ms, cb });
      return () => {
        timers.delete(id);
      };
    },
    advanceTo(t: number) {
      for (;;) {
        const due = [...timers.entries()].filter(([, v]) => v.at <= t).sort((a, b) => a[1].at - b[1].at)[0];
        if (!due) break;
        timers.delete(due[0]);
        now = due[1].at;
        due[1].cb();
      }
      now = t;
    },
  };
}

function harness(opts: { maxKeyGapMs?: number; endTimeoutMs?: number; minLength?: number } = {}) {
  const timers = fakeTimers();
  const detector = new WedgeDetector({ ...opts, setTimer: timers.setTimer });
  const scans: { code: string; at: number }[] = [];
  detector.onScan((code, at) => scans.push({ code, at }));
  const verdicts: boolean[] = [];
  /** What the page receives, in order: keydowns let through, then held keys when released. */
  const page: WedgeKey[] = [];
  const released: WedgeKey[][] = [];
  detector.onRelease((keys) => {
    released.push([...keys]);
    page.push(...keys);
  });
  const feed = (event: WedgeKey) => {
    timers.advanceTo(event.at);
    const verdict = detector.feed(event);
    verdicts.push(verdict.capture);
    if (!verdict.capture && event.type === 'keydown') page.push(event);
    return verdict;
  };
  /** The characters the page received (Enter as \n). */
  const pageText = () => page.map((k) => (k.code === 'Enter' ? '\n' : k.key)).join('');
  return { detector, scans, verdicts, feed, timers, page, pageText, released };
}

const codeFor = (ch: string) =>
  /[0-9]/.test(ch) ? `Digit${ch}` : ch === '\n' ? 'Enter' : `Key${ch.toUpperCase()}`;

/** keydown + keyup per character, `gap` ms apart. */
function typeText(text: string, start: number, gaps: (i: number) => number): WedgeKey[] {
  const events: WedgeKey[] = [];
  let t = start;
  [...text].forEach((ch, i) => {
    if (i > 0) t += gaps(i);
    const code = codeFor(ch);
    events.push({ type: 'keydown', code, key: ch === '\n' ? 'Enter' : ch, at: t });
    events.push({ type: 'keyup', code, key: ch === '\n' ? 'Enter' : ch, at: t + 1 });
  });
  return events;
}

describe('WedgeDetector', () => {
  it('turns a fast burst ending in Enter into one scan, and not one key of it reaches the page', () => {
    const h = harness();
    for (const event of typeText(`${CODE}\n`, 1000, () => 8)) h.feed(event);
    h.timers.advanceTo(5000);
    expect(h.scans).toEqual([{ code: CODE, at: 1000 + 8 * CODE.length }]);
    // Every keydown and keyup captured, from the first digit (held back) to the Enter.
    expect(h.verdicts.every(Boolean)).toBe(true);
    expect(h.released).toEqual([]);
    expect(h.page).toEqual([]);
  });

  it('holds back an AIM-prefixed scan from its first key', () => {
    const h = harness();
    for (const event of typeText(`]q1${CODE}\n`, 0, () => 6)) h.feed(event);
    expect(h.scans.map((s) => s.code)).toEqual([`]q1${CODE}`]);
    expect(h.page).toEqual([]);
  });

  it("releases a person's digit one key gap later, so it is delayed, never lost", () => {
    const h = harness({ maxKeyGapMs: 40 });
    h.feed({ type: 'keydown', code: 'Digit1', key: '1', at: 100 });
    expect(h.verdicts).toEqual([true]);
    h.timers.advanceTo(140);
    expect(h.page).toEqual([]);
    h.timers.advanceTo(141);
    expect(h.pageText()).toBe('1');
    // Its key-up is swallowed too: the host replays the pair.
    expect(h.feed({ type: 'keyup', code: 'Digit1', key: '1', at: 190 }).capture).toBe(true);
  });

  it('releases a fast burst that is too short to be a scan, in order, before the next key', () => {
    const h = harness({ minLength: 8 });
    for (const event of typeText('12345', 0, () => 5)) h.feed(event);
    expect(h.page).toEqual([]);
    h.feed({ type: 'keydown', code: 'KeyX', key: 'x', at: 500 });
    expect(h.pageText()).toBe('12345x');
    expect(h.scans).toEqual([]);
  });

  it('never holds letters a person types, nor keys an IME is composing', () => {
    const h = harness();
    expect(h.feed({ type: 'keydown', code: 'KeyA', key: 'a', at: 0 }).capture).toBe(false);
    expect(h.feed({ type: 'keydown', code: 'Digit1', key: 'Process', keyCode: 229, at: 500 }).capture).toBe(
      false,
    );
    expect(h.pageText()).toBe('aProcess');
  });

  it('ends a suffix-less burst on the end timeout', () => {
    const h = harness({ endTimeoutMs: 100 });
    for (const event of typeText(CODE, 0, () => 5)) h.feed(event);
    expect(h.scans).toEqual([]);
    const last = 5 * (CODE.length - 1);
    h.timers.advanceTo(last + 99);
    expect(h.scans).toEqual([]);
    h.timers.advanceTo(last + 100);
    expect(h.scans).toEqual([{ code: CODE, at: last }]);
  });

  it('leaves human typing alone, including an occasional fast pair and an Enter', () => {
    const h = harness();
    const gaps = [120, 20, 90, 150, 35, 200, 80, 110, 95, 130, 60, 70];
    for (const event of typeText('4567890123456\n', 0, (i) => gaps[i % gaps.length]!)) h.feed(event);
    h.timers.advanceTo(10_000);
    expect(h.scans).toEqual([]);
    // Everything reaches the page, in the order typed (digits a key gap late).
    expect(h.pageText()).toBe('4567890123456\n');
  });

  it('does not join a human key typed just before a scan onto the scan', () => {
    const h = harness();
    h.feed({ type: 'keydown', code: 'Digit9', key: '9', at: 0 });
    for (const event of typeText(`${CODE}\n`, 300, () => 10)) h.feed(event);
    expect(h.scans.map((s) => s.code)).toEqual([CODE]);
  });

  it('decodes from the physical code under an IME (Process / 229 / Unidentified) and ignores input events', () => {
    const h = harness();
    let t = 0;
    [...CODE].forEach((digit, i) => {
      t += 7;
      const key = i % 3 === 0 ? 'Process' : i % 3 === 1 ? 'Unidentified' : digit;
      h.feed({ type: 'keydown', code: `Digit${digit}`, key, keyCode: i % 3 === 2 ? 229 : undefined, at: t });
      if (i % 4 === 0)
        h.feed({
          type: 'input',
          code: '',
          data: `${String.fromCharCode(0xff10 + Number(digit))}`,
          at: t + 1,
        });
    });
    h.feed({ type: 'keydown', code: 'Enter', key: 'Process', keyCode: 229, at: t + 6 });
    expect(h.scans.map((s) => s.code)).toEqual([CODE]);
  });

  it('folds full-width digits and reads Numpad keys and NumpadEnter', () => {
    const h = harness();
    let t = 0;
    for (const digit of CODE) {
      t += 6;
      const key = String.fromCharCode(0xff10 + Number(digit)); // ０-９
      h.feed({ type: 'keydown', code: `Numpad${digit}`, key, at: t });
    }
    h.feed({ type: 'keydown', code: 'NumpadEnter', key: 'Enter', at: t + 5 });
    expect(h.scans.map((s) => s.code)).toEqual([CODE]);
  });

  it('an IME input event postpones the end timeout instead of splitting the scan', () => {
    const h = harness({ endTimeoutMs: 50 });
    const half = CODE.length / 2;
    let t = 0;
    for (const digit of CODE.slice(0, half)) {
      t += 5;
      h.feed({ type: 'keydown', code: `Digit${digit}`, key: 'Process', at: t });
    }
    h.feed({ type: 'input', code: '', data: CODE.slice(0, half), at: t + 40 });
    // The IME held the next key for longer than the end timeout measured from the last keydown.
    t += 40;
    h.feed({ type: 'keydown', code: 'ShiftLeft', key: 'Shift', at: t + 1 });
    for (const digit of CODE.slice(half)) {
      t += 30;
      h.feed({ type: 'keydown', code: `Digit${digit}`, key: 'Process', at: t });
    }
    h.feed({ type: 'keydown', code: 'Enter', key: 'Enter', at: t + 5 });
    expect(h.scans.map((s) => s.code)).toEqual([CODE]);
  });

  it('rejects bursts shorter than minLength and auto-repeat of a held key', () => {
    const h = harness({ minLength: 8 });
    for (const event of typeText('1234\n', 0, () => 5)) h.feed(event);
    let t = 1000;
    for (let i = 0; i < 20; i++) {
      t += 30;
      h.feed({ type: 'keydown', code: 'Digit1', key: '1', repeat: i > 0, at: t });
    }
    h.timers.advanceTo(5000);
    expect(h.scans).toEqual([]);
  });

  it('fuzz: random key streams never throw and scans only ever contain decoded characters', () => {
    const codes = [
      'Digit1',
      'Digit0',
      'Numpad5',
      'KeyA',
      'Enter',
      'NumpadEnter',
      'Tab',
      'ShiftLeft',
      'Backspace',
      '',
      'F5',
    ];
    const keys = ['Process', 'Unidentified', '1', '１', 'a', 'Enter', undefined, '\u0000'];
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            type: fc.constantFrom<'keydown' | 'keyup' | 'input'>('keydown', 'keyup', 'input'),
            code: fc.constantFrom(...codes),
            key: fc.constantFrom(...keys),
            keyCode: fc.constantFrom(undefined, 229, 49),
            gap: fc.integer({ min: 0, max: 200 }),
          }),
          { maxLength: 200 },
        ),
        (stream) => {
          const h = harness({ minLength: 4 });
          let t = 0;
          for (const e of stream) {
            t += e.gap;
            h.feed({ type: e.type, code: e.code, key: e.key, keyCode: e.keyCode, at: t });
          }
          h.timers.advanceTo(t + 1000);
          for (const scan of h.scans) {
            expect(scan.code.length).toBeGreaterThanOrEqual(4);
            expect(scan.code).toMatch(/^[0-9A-Za-z]+$/);
          }
        },
      ),
    );
  });

  it('property: every digit typed reaches the page exactly once, in order, unless it was part of a scan', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({ digit: fc.integer({ min: 0, max: 9 }), gap: fc.integer({ min: 1, max: 120 }) }),
          { maxLength: 120 },
        ),
        (stream) => {
          const h = harness({ maxKeyGapMs: 40, endTimeoutMs: 100, minLength: 8 });
          const fed: WedgeKey[] = [];
          let t = 0;
          for (const { digit, gap } of stream) {
            t += gap;
            const key: WedgeKey = { type: 'keydown', code: `Digit${digit}`, key: String(digit), at: t };
            fed.push(key);
            h.feed(key);
          }
          h.timers.advanceTo(t + 1000);
          // The page got each key at most once, in typing order...
          const shown = h.page.map((k) => fed.indexOf(k));
          expect(shown.every((index, i) => index >= 0 && (i === 0 || index > shown[i - 1]!))).toBe(true);
          // ...and exactly the keys that no scan took.
          const missing = fed.filter((k) => !h.page.includes(k)).map((k) => k.key);
          expect(missing.join('')).toBe(h.scans.map((s) => s.code).join(''));
        },
      ),
    );
  });
});
