import { describe, expect, it } from 'vitest';
import { createQuitGuard } from '../../electron/quit-guard.ts';
import { manualTimers } from './fakes/manual-timers.ts';

function quitEvent() {
  let prevented = false;
  return { preventDefault: () => (prevented = true), prevented: () => prevented } as const;
}

function setup(stop: () => Promise<void>) {
  const timers = manualTimers();
  const exits: number[] = [];
  let stops = 0;
  const guard = createQuitGuard({
    stopService: () => {
      stops++;
      return stop();
    },
    exit: (code) => exits.push(code),
    timers,
    timeoutMs: 5_000,
  });
  return { timers, exits, guard, stops: () => stops };
}

describe('clean quit', () => {
  it('holds the first quit until the service stopped, then exits 0; later quits pass', async () => {
    let release!: () => void;
    const s = setup(() => new Promise<void>((resolve) => (release = resolve)));
    const first = quitEvent();
    s.guard(first);
    expect(first.prevented()).toBe(true);
    const second = quitEvent();
    s.guard(second);
    expect(second.prevented()).toBe(true);
    expect(s.stops()).toBe(1);
    expect(s.exits).toEqual([]);
    release();
    await Promise.resolve();
    await Promise.resolve();
    expect(s.exits).toEqual([0]);
    const after = quitEvent();
    s.guard(after);
    expect(after.prevented()).toBe(false);
  });

  it('exits 1 when the stop hangs past the bound, and only once', async () => {
    let release!: () => void;
    const s = setup(() => new Promise<void>((resolve) => (release = resolve)));
    s.guard(quitEvent());
    s.timers.advance(5_000);
    expect(s.exits).toEqual([1]);
    release();
    await Promise.resolve();
    await Promise.resolve();
    expect(s.exits).toEqual([1]);
  });

  it('exits 1 when the stop fails', async () => {
    const s = setup(() => Promise.reject(new Error('journal busy')));
    s.guard(quitEvent());
    await Promise.resolve();
    await Promise.resolve();
    expect(s.exits).toEqual([1]);
  });
});
