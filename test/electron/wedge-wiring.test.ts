import { describe, expect, it } from 'vitest';
import { WedgeDetector } from '../../core/common/wedge/wedge-detector.ts';
import { WedgeFeed } from '../../core/common/wedge/wedge-feed.ts';
import {
  type BeforeInputSource,
  type InputLike,
  type ReplayInputEvent,
  replayEvents,
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
  const DOM_NAMES: Record<string, string> = { Left: 'ArrowLeft', Space: ' ' };
  /** sendInputEvent during a before-input-event: Chromium queues it behind the event in hand. */
  const queued: ReplayInputEvent[] = [];
  let handling = false;
  const deliverReplay = (event: ReplayInputEvent) => {
    // As Chromium does: replayed keyDown/keyUp go through before-input-event again; 'char' does not.
    if (event.type === 'char') reachedPage.push(`char:${event.keyCode}`);
    else send({ type: event.type, key: DOM_NAMES[event.keyCode] ?? event.keyCode, code: '' });
  };
  const send = (input: InputLike) => {
    let prevented = false;
    handling = true;
    try {
      listener!({ preventDefault: () => (prevented = true) }, input);
    } finally {
      handling = false;
    }
    if (!prevented) reachedPage.push(`${input.type}:${input.key}`);
    while (queued.length > 0) deliverReplay(queued.shift()!);
  };
  const contents: BeforeInputSource & { sendInputEvent(event: ReplayInputEvent): void } = {
    on(_event, l) {
      listener = l;
      return contents;
    },
    sendInputEvent(event) {
      if (handling) queued.push(event);
      else deliverReplay(event);
    },
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
  detector.onRelease((keys) => feed.release(keys));
  wireWedge({
    contents: win.contents,
    now: timers.now,
    push: (key) => feed.pushKey(key),
    onRelease: (listener) => feed.onRelease(listener),
  });
  return { timers, win, api, feed };
}

describe('keyboard-wedge wiring', () => {
  it('swallows a fast scanner burst and turns it into one submitScan', () => {
    const s = setup();
    s.win.type('134567890123456789\r', 8);
    expect(s.api.submitScan).toHaveBeenCalledTimes(1);
    expect(s.api.submitScan).toHaveBeenCalledWith({ code: '134567890123456789', source: 'wedge' });
    // Not one key of the scan reaches the page, the first digits (held back) included.
    s.timers.advance(1_000);
    expect(s.win.reachedPage).toEqual([]);
  });

  it('replays slow human typing into the page in order, once each, and submits nothing', () => {
    const s = setup();
    s.win.type('12345678\r', 150);
    s.timers.advance(1_000);
    expect(s.api.submitScan).not.toHaveBeenCalled();
    const downs = s.win.reachedPage.filter((e) => e.startsWith('keyDown:')).map((e) => e.slice(8));
    expect(downs).toEqual(['1', '2', '3', '4', '5', '6', '7', '8', 'Enter']);
    // Replayed digits type (char) and come back up; the replays were not fed to the detector again.
    expect(s.win.reachedPage.filter((e) => e.startsWith('char:'))).toHaveLength(8);
    expect(s.win.reachedPage.filter((e) => e === 'keyUp:5')).toHaveLength(1);
  });

  it('keeps the order when a key arrives while earlier keys are held: they first, then that key', () => {
    const s = setup();
    // A quick "7" then Enter (20 ms): the 7 is held, Enter shows it was typing.
    s.win.send({ type: 'keyDown', key: '7', code: 'Digit7' });
    s.timers.advance(20);
    s.win.send({ type: 'keyDown', key: 'Enter', code: 'Enter' });
    s.timers.advance(5);
    // A held 5, then an arrow key 10 ms later: its DOM name comes back from an accelerator name.
    s.timers.advance(500);
    s.win.send({ type: 'keyDown', key: '5', code: 'Digit5' });
    s.timers.advance(10);
    s.win.send({ type: 'keyDown', key: 'ArrowLeft', code: 'ArrowLeft' });
    s.timers.advance(1_000);
    const downs = s.win.reachedPage.filter((e) => e.startsWith('keyDown:')).map((e) => e.slice(8));
    expect(downs).toEqual(['7', 'Enter', '5', 'ArrowLeft']);
    expect(s.win.reachedPage.filter((e) => e.startsWith('char:'))).toEqual(['char:7', 'char:5']);
    expect(s.api.submitScan).not.toHaveBeenCalled();
  });

  it('a main-process stall does not split a scan: the late end timer waits for the keys queued behind it', () => {
    // before-input-event has no time stamp: keys are timed when handled. The loop stalls 150 ms
    // after 16 of 18 digits; the end timer then fires late, before the queued keys are handled.
    let clock = 0;
    const pending: (() => void)[] = [];
    const detector = new WedgeDetector({
      now: () => clock,
      setTimer: (callback) => {
        pending.push(callback);
        return () => {
          const i = pending.indexOf(callback);
          if (i >= 0) pending.splice(i, 1);
        };
      },
    });
    const feed = new WedgeFeed();
    const api = fakeApi();
    detector.onScan((code) => void api.submitScan({ code, source: 'wedge' }));
    feed.attach({ key: (event) => detector.feed(event), code: () => {} });
    detector.onRelease((keys) => feed.release(keys));
    const win = fakeWindow(manualTimers());
    wireWedge({
      contents: win.contents,
      now: () => clock,
      push: (key) => feed.pushKey(key),
      onRelease: (listener) => feed.onRelease(listener),
    });
    const press = (ch: string) => {
      const code = ch === '\r' ? 'Enter' : `Digit${ch}`;
      const key = ch === '\r' ? 'Enter' : ch;
      win.send({ type: 'keyDown', key, code });
      win.send({ type: 'keyUp', key, code });
    };
    const CODE = '281234567890123456';
    for (const ch of CODE.slice(0, 16)) {
      clock += 4;
      press(ch);
    }
    clock += 150;
    for (const fire of pending.splice(0)) fire(); // late: defers once
    for (const ch of `${CODE.slice(16)}\r`) {
      clock += 0.2;
      press(ch);
    }
    for (const fire of pending.splice(0)) fire();
    expect(api.submitScan).toHaveBeenCalledTimes(1);
    expect(api.submitScan).toHaveBeenCalledWith({ code: CODE, source: 'wedge' });
    expect(win.reachedPage).toEqual([]);
  });

  it('a scanner burst cut off by another key is dropped whole: none of its digits is replayed into the page', () => {
    const s = setup();
    s.win.type('2812345678901234', 4);
    s.win.send({ type: 'keyDown', key: 'ArrowLeft', code: 'ArrowLeft' });
    s.timers.advance(1_000);
    expect(s.api.submitScan).not.toHaveBeenCalled();
    expect(s.win.reachedPage).toEqual(['keyDown:ArrowLeft']);
  });

  it('replays a held key as Electron input events: down, its character, up; nothing for IME keys', () => {
    expect(replayEvents({ type: 'keydown', key: '7' })).toEqual([
      { type: 'keyDown', keyCode: '7' },
      { type: 'char', keyCode: '7' },
      { type: 'keyUp', keyCode: '7' },
    ]);
    expect(replayEvents({ type: 'keydown', key: 'Shift' })).toEqual([
      { type: 'keyDown', keyCode: 'Shift' },
      { type: 'keyUp', keyCode: 'Shift' },
    ]);
    expect(replayEvents({ type: 'keydown', key: 'Process' })).toEqual([]);
    expect(replayEvents({ type: 'keydown', key: 'ArrowLeft' })).toEqual([
      { type: 'keyDown', keyCode: 'Left' },
      { type: 'keyUp', keyCode: 'Left' },
    ]);
  });

  it('passes every key through when no wedge source is attached to the feed', () => {
    const timers = manualTimers();
    const win = fakeWindow(timers);
    const feed = new WedgeFeed();
    wireWedge({
      contents: win.contents,
      now: timers.now,
      push: (key) => feed.pushKey(key),
      onRelease: (listener) => feed.onRelease(listener),
    });
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
      {
        type: 'keydown',
        key: 'Process',
        code: 'Digit3',
        keyCode: 229,
        repeat: true,
        composing: false,
        alt: false,
        at: 1_000,
      },
      {
        type: 'keyup',
        key: '3',
        code: 'Digit3',
        keyCode: 0,
        repeat: false,
        composing: false,
        alt: false,
        at: 1_005,
      },
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
