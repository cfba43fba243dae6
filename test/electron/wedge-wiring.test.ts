import { describe, expect, it } from 'vitest';
import { WedgeDetector } from '../../core/common/wedge/wedge-detector.ts';
import { WedgeFeed } from '../../core/common/wedge/wedge-feed.ts';
import {
  type BeforeInputSource,
  type InputLike,
  toWedgeKey,
  type WedgeKey,
  wireWedge,
} from '../../electron/wedge-wiring.ts';
import { fakeApi } from './fakes/fake-api.ts';
import { manualTimers } from './fakes/manual-timers.ts';

type Listener = (event: { preventDefault(): void }, input: InputLike) => void;

/** A webContents that lets the test press keys and tells which ones reached the page. */
function fakeWindow(timers: ReturnType<typeof manualTimers>) {
  let listener: Listener | null = null;
  const reachedPage: string[] = [];
  const contents: BeforeInputSource = {
    on(_event, l) {
      listener = l;
      return contents;
    },
  };
  const send = (input: InputLike) => {
    let prevented = false;
    listener!({ preventDefault: () => (prevented = true) }, input);
    if (!prevented) reachedPage.push(`${input.type}:${input.key}`);
  };
  const type = (text: string, gapMs: number) => {
    for (const ch of text) {
      const code = ch === '\r' ? 'Enter' : `Digit${ch}`;
      const key = ch === '\r' ? 'Enter' : ch;
      send({ type: 'keyDown', key, code });
      timers.advance(2);
      send({ type: 'keyUp', key, code });
      timers.advance(gapMs - 2);
    }
  };
  return { contents, type, send, reachedPage };
}

/**
 * The real path: Electron keys → WedgeFeed → WedgeDetector (as the service's wedge scanner source
 * attaches it) → scan → the service's submitScan.
 */
function setup() {
  const timers = manualTimers();
  const win = fakeWindow(timers);
  const api = fakeApi();
  const feed = new WedgeFeed();
  const detector = new WedgeDetector({
    setTimer: (callback, ms) => {
      const handle = timers.setTimeout(callback, ms);
      return () => timers.clearTimeout(handle);
    },
  });
  detector.onScan((code) => void api.submitScan({ code, source: 'wedge' }));
  feed.attach({ key: (event) => detector.feed(event), code: () => {} });
  wireWedge({ contents: win.contents, now: timers.now, push: (key) => feed.pushKey(key) });
  return { timers, win, api, feed };
}

describe('keyboard-wedge wiring', () => {
  it('swallows a fast scanner burst and turns it into one submitScan', () => {
    const s = setup();
    s.win.type('134567890123456789\r', 8);
    expect(s.api.submitScan).toHaveBeenCalledTimes(1);
    expect(s.api.submitScan).toHaveBeenCalledWith({ code: '134567890123456789', source: 'wedge' });
    // Only the first keys (before a burst can be told from typing) reach the page; never the Enter.
    expect(s.win.reachedPage.length).toBeLessThanOrEqual(4);
    expect(s.win.reachedPage).not.toContain('keyDown:Enter');
    expect(s.win.reachedPage).not.toContain('keyDown:9');
  });

  it('lets slow human typing through untouched and submits nothing', () => {
    const s = setup();
    s.win.type('12345678\r', 150);
    s.timers.advance(1_000);
    expect(s.api.submitScan).not.toHaveBeenCalled();
    expect(s.win.reachedPage).toHaveLength(18);
    expect(s.win.reachedPage.at(-2)).toBe('keyDown:Enter');
  });

  it('passes every key through when no wedge source is attached to the feed', () => {
    const timers = manualTimers();
    const win = fakeWindow(timers);
    const feed = new WedgeFeed();
    wireWedge({ contents: win.contents, now: timers.now, push: (key) => feed.pushKey(key) });
    win.type('134567890123456789\r', 8);
    expect(win.reachedPage).toHaveLength(38);
  });

  it('hands the feed Electron keys as keydown/keyup with the clock time, physical code and auto-repeat', () => {
    const timers = manualTimers();
    const win = fakeWindow(timers);
    const fed: WedgeKey[] = [];
    wireWedge({
      contents: win.contents,
      now: timers.now,
      push: (key) => {
        fed.push(key);
        return { capture: key.type === 'keyup' };
      },
    });
    timers.advance(1_000);
    win.send({ type: 'keyDown', key: 'Process', code: 'Digit3', isAutoRepeat: true });
    timers.advance(5);
    win.send({ type: 'keyUp', key: '3', code: 'Digit3' });
    expect(fed).toEqual([
      { type: 'keydown', key: 'Process', code: 'Digit3', keyCode: 229, repeat: true, at: 1_000 },
      { type: 'keyup', key: '3', code: 'Digit3', keyCode: 0, repeat: false, at: 1_005 },
    ]);
    expect(win.reachedPage).toEqual(['keyDown:Process']);
  });

  it('ignores input events that are not key presses', () => {
    expect(toWedgeKey({ type: 'mouseDown', key: '', code: '' }, 1)).toBeNull();
    const timers = manualTimers();
    const win = fakeWindow(timers);
    const fed: WedgeKey[] = [];
    const push = (key: WedgeKey) => {
      fed.push(key);
      return { capture: true };
    };
    wireWedge({ contents: win.contents, now: timers.now, push });
    win.send({ type: 'char', key: 'a', code: 'KeyA' });
    expect(fed).toEqual([]);
    expect(win.reachedPage).toEqual(['char:a']);
  });
});
