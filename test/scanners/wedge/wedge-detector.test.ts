import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { WedgeKey } from '../../../core/common/wedge/wedge-detector.ts';
import { harness, typeText } from './wedge-harness.ts';

const CODE = '134567890123456789';

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

  it("releases a person's digit after the end timeout (a scanner's stall is shorter), so it is delayed, never lost", () => {
    const h = harness({ maxKeyGapMs: 40, endTimeoutMs: 100 });
    h.feed({ type: 'keydown', code: 'Digit1', key: '1', at: 100 });
    expect(h.verdicts).toEqual([true]);
    h.timers.advanceTo(199);
    expect(h.page).toEqual([]);
    h.timers.advanceTo(200);
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

  it('fuzz: scans embedded in random key streams come out exactly, and noise never yields a shorter one', () => {
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
    const noise = fc.array(
      fc.record({
        type: fc.constantFrom<'keydown' | 'keyup' | 'input'>('keydown', 'keyup', 'input'),
        code: fc.constantFrom(...codes),
        key: fc.constantFrom(...keys),
        keyCode: fc.constantFrom(undefined, 229, 49),
        gap: fc.integer({ min: 0, max: 200 }),
      }),
      { maxLength: 40 },
    );
    const scan = fc.record({
      code: fc.stringMatching(/^[12][0-9]{15,23}$/),
      gaps: fc.array(fc.integer({ min: 1, max: 19 }), { minLength: 24, maxLength: 24 }),
    });
    fc.assert(
      fc.property(fc.array(fc.tuple(noise, scan), { minLength: 1, maxLength: 4 }), (segments) => {
        const h = harness({ minLength: 8 });
        let t = 0;
        for (const [junk, { code, gaps }] of segments) {
          for (const e of junk) {
            t += e.gap;
            h.feed({ type: e.type, code: e.code, key: e.key, keyCode: e.keyCode, at: t });
          }
          t += 1200; // the customer scans a while after whatever was typed (closer: wedge-conformance)
          for (const event of typeText(`${code}\n`, t, (i) => gaps[i - 1]!)) h.feed(event);
          t += gaps.reduce((a, b) => a + b, 0) + 1200;
        }
        h.timers.advanceTo(t + 1000);
        const injected = segments.map(([, { code }]) => code);
        // Every injected scan is found, whole and in order...
        const found = h.scans.map((s) => s.code).filter((c) => injected.includes(c));
        expect(found).toEqual(injected);
        // ...and anything else scanned came from the noise alone (only its characters, long enough).
        for (const other of h.scans.filter((s) => !injected.includes(s.code))) {
          expect(other.code).toMatch(/^[015a1１]{8,}$/);
        }
      }),
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
          // ...and exactly the keys that no scan took and no rejected (cut-off) scanner burst dropped.
          const missing = fed.filter((k) => !h.page.includes(k)).map((k) => k.key);
          const rejected = h.rejects.map((r) => Number(/a (\d+)-character/.exec(r.reason)![1]));
          expect(missing.length).toBe(
            h.scans.reduce((n, s) => n + s.code.length, 0) + rejected.reduce((n, r) => n + r, 0),
          );
          for (const scan of h.scans) expect(missing.join('')).toContain(scan.code);
        },
      ),
    );
  });
});
