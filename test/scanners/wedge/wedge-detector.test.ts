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
    now: () => now,
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

function harness(
  opts: { maxKeyGapMs?: number; endTimeoutMs?: number; minLength?: number; requireSuffix?: boolean } = {},
) {
  const timers = fakeTimers();
  const detector = new WedgeDetector({ ...opts, setTimer: timers.setTimer, now: timers.now });
  const scans: { code: string; at: number }[] = [];
  detector.onScan((code, at) => scans.push({ code, at }));
  const rejects: { code: string; reason: string }[] = [];
  detector.onReject((code, reason) => rejects.push({ code, reason }));
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
  return { detector, scans, rejects, verdicts, feed, timers, page, pageText, released };
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
          t += 250; // the customer's scan comes a moment after whatever was typed
          for (const event of typeText(`${code}\n`, t, (i) => gaps[i - 1]!)) h.feed(event);
          t += gaps.reduce((a, b) => a + b, 0) + 250;
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

describe('WedgeDetector conformance (issue 12)', () => {
  const ALIPAY = '281234567890123456';

  it('one 60 ms stall in a 4 ms/char burst does not split an 18-digit code', () => {
    const h = harness();
    const events = typeText(`${ALIPAY}\n`, 0, (i) => (i === 16 ? 60 : 4));
    for (const event of events) h.feed(event);
    h.timers.advanceTo(5000);
    expect(h.scans.map((s) => s.code)).toEqual([ALIPAY]);
    expect(h.page).toEqual([]);
  });

  it('a confirmed burst cut off by another key is rejected whole, never scanned shorter nor replayed', () => {
    const h = harness();
    for (const event of typeText(ALIPAY.slice(0, 16), 0, () => 4)) h.feed(event);
    h.feed({ type: 'keydown', code: 'Backspace', key: 'Backspace', at: 64 });
    h.timers.advanceTo(5000);
    expect(h.scans).toEqual([]);
    expect(h.pageText()).toBe('Backspace');
  });

  it('reads digits from the physical key whatever the layout (AZERTY, German shift row)', () => {
    const h = harness();
    const azerty = '&é"\'(-è_çà';
    let t = 0;
    for (const digit of ALIPAY) {
      t += 5;
      h.feed({ type: 'keydown', code: `Digit${digit}`, key: azerty[(Number(digit) + 9) % 10]!, at: t });
    }
    h.feed({ type: 'keydown', code: 'Enter', key: 'Enter', at: t + 5 });
    expect(h.scans.map((s) => s.code)).toEqual([ALIPAY]);
  });
});

describe('WedgeDetector properties: jitter and stalls', () => {
  const code = fc.stringMatching(/^[12][0-9]{15,23}$/);
  /**
   * Per-key gaps of a scanner (1–19 ms jitter) with up to two event-loop stalls (46–99 ms, under the
   * end timeout) at random, non-adjacent places, including before the Enter.
   */
  const scannerGaps = fc
    .tuple(
      fc.array(fc.integer({ min: 1, max: 19 }), { minLength: 25, maxLength: 25 }),
      fc.uniqueArray(fc.integer({ min: 0, max: 12 }), { maxLength: 2 }),
      fc.array(fc.integer({ min: 46, max: 99 }), { minLength: 2, maxLength: 2 }),
    )
    .map(([gaps, slots, stalls]) => {
      const out = [...gaps];
      // Slots 2 apart at least: never two stalls in a row.
      slots.forEach((slot, i) => {
        out[slot * 2] = stalls[i]!;
      });
      return out;
    });
  /** A person's digits around the scan: 120–400 ms apart. */
  const human = fc.array(
    fc.record({ digit: fc.integer({ min: 0, max: 9 }), gap: fc.integer({ min: 120, max: 400 }) }),
    {
      maxLength: 6,
    },
  );

  function session(
    h: ReturnType<typeof harness>,
    before: { digit: number; gap: number }[],
    text: string,
    gaps: number[],
    enter: boolean,
    after: { digit: number; gap: number }[],
  ) {
    const typed: WedgeKey[] = [];
    const scanned: WedgeKey[] = [];
    let t = 0;
    const person = (list: { digit: number; gap: number }[]) => {
      for (const { digit, gap } of list) {
        t += gap;
        const key: WedgeKey = { type: 'keydown', code: `Digit${digit}`, key: String(digit), at: t };
        typed.push(key);
        h.feed(key);
      }
    };
    person(before);
    t += 300;
    [...text].forEach((ch, i) => {
      if (i > 0) t += gaps[i - 1]!;
      const key: WedgeKey = { type: 'keydown', code: `Digit${ch}`, key: ch, at: t };
      scanned.push(key);
      h.feed(key);
    });
    if (enter) h.feed({ type: 'keydown', code: 'Enter', key: 'Enter', at: t + gaps[24]! });
    t += 300;
    person(after);
    h.timers.advanceTo(t + 1000);
    return { typed, scanned };
  }

  it('no scan is ever split into a shorter code, and a scan ended by Enter always comes out whole', () => {
    fc.assert(
      fc.property(human, code, scannerGaps, fc.boolean(), human, (before, text, gaps, enter, after) => {
        const h = harness({ maxKeyGapMs: 45, endTimeoutMs: 100, minLength: 8 });
        session(h, before, text, gaps, enter, after);
        const scans = h.scans.map((s) => s.code);
        for (const scan of scans) expect(scan).toBe(text);
        // A stall right after the first key makes that key ambiguous (a person's?): rejected whole.
        if (enter && gaps[0]! <= 45) expect(scans).toEqual([text]);
        if (!enter && !gaps.slice(0, text.length - 1).some((g) => g > 45)) expect(scans).toEqual([text]);
        if (scans.length === 0) expect(h.rejects.map((r) => r.code)).toEqual(['scan_incomplete']);
      }),
    );
  });

  it('no digit is both scanned and typed: the page gets every person key, in order, and no scanner key', () => {
    fc.assert(
      fc.property(human, code, scannerGaps, fc.boolean(), human, (before, text, gaps, enter, after) => {
        const h = harness({ maxKeyGapMs: 45, endTimeoutMs: 100, minLength: 8 });
        const { typed, scanned } = session(h, before, text, gaps, enter, after);
        expect(h.page.filter((k) => scanned.includes(k))).toEqual([]);
        expect(h.page).toEqual(typed);
      }),
    );
  });

  it('requireSuffix: a confirmed burst without Enter is rejected whole', () => {
    fc.assert(
      fc.property(code, scannerGaps, (text, gaps) => {
        const h = harness({ requireSuffix: true });
        session(h, [], text, gaps, false, []);
        expect(h.scans).toEqual([]);
        expect(h.rejects).toEqual([
          { code: 'scan_incomplete', reason: expect.stringMatching(/rejected whole/) },
        ]);
        expect(h.page).toEqual([]);
      }),
    );
  });

  it('after one suffixed scan, a later burst stalled past the end timeout is rejected, not cut short', () => {
    fc.assert(
      fc.property(
        code,
        fc.integer({ min: 8, max: 15 }),
        fc.integer({ min: 100, max: 400 }),
        (text, cut, stall) => {
          const h = harness({ endTimeoutMs: 100 });
          for (const event of typeText(`${text}\n`, 0, () => 5)) h.feed(event);
          const start = 10_000;
          [...text].forEach((ch, i) => {
            const at = start + i * 5 + (i >= cut ? stall : 0);
            h.feed({ type: 'keydown', code: `Digit${ch}`, key: ch, at });
          });
          h.feed({ type: 'keydown', code: 'Enter', key: 'Enter', at: start + text.length * 5 + stall });
          h.timers.advanceTo(start + 5000);
          expect(h.scans.map((s) => s.code).filter((c) => c !== text)).toEqual([]);
        },
      ),
    );
  });
});

describe('WedgeDetector: Alt+numpad and IME flags', () => {
  it('detects an "Emulate ALT+keypad" scanner and rejects the burst with the setup hint', () => {
    const h = harness();
    let t = 0;
    for (const ch of '134567890123456789') {
      // Alt held, the character's decimal code on the numpad: '1' is Alt+0 4 9.
      for (const d of String(ch.charCodeAt(0)).padStart(3, '0')) {
        t += 3;
        h.feed({ type: 'keydown', code: `Numpad${d}`, key: d, alt: true, at: t });
      }
    }
    h.feed({ type: 'keydown', code: 'Enter', key: 'Enter', at: t + 3 });
    expect(h.scans).toEqual([]);
    expect(h.rejects.map((r) => r.code)).toEqual(['wedge_alt_numpad']);
    expect(h.page).toEqual([]);
  });

  it('never holds a key the event marks as composing', () => {
    const h = harness();
    expect(h.feed({ type: 'keydown', code: 'Digit1', key: '1', composing: true, at: 0 }).capture).toBe(false);
  });
});

describe('WedgeDetector: a person key just before a scan', () => {
  it('a digit typed 46–99 ms before a scan is never joined onto it', () => {
    fc.assert(
      fc.property(fc.integer({ min: 46, max: 99 }), fc.integer({ min: 0, max: 9 }), (lead, digit) => {
        const h = harness();
        h.feed({ type: 'keydown', code: `Digit${digit}`, key: String(digit), at: 1000 });
        for (const event of typeText('134567890123456789\n', 1000 + lead, () => 4)) h.feed(event);
        h.timers.advanceTo(10_000);
        expect(h.scans.filter((s) => s.code !== '134567890123456789')).toEqual([]);
      }),
    );
  });
});
