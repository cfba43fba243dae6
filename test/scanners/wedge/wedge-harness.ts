/** The WedgeDetector test harness: fake timers driven by event time stamps, and what the page receives. */
import { WedgeDetector, type WedgeKey } from '../../../core/common/wedge/wedge-detector.ts';

/** A fake timer wheel driven by event time stamps, so no test sleeps. */
export function fakeTimers() {
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

export function harness(
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
export function typeText(text: string, start: number, gaps: (i: number) => number): WedgeKey[] {
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
