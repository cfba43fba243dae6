import { describe, expect, it } from 'vitest';
import { createRendererRestarter } from '../../electron/renderer-restart.ts';
import { manualTimers } from './fakes/manual-timers.ts';

function setup(maxRestarts = 3, windowMs = 60_000) {
  const clock = manualTimers();
  let reloads = 0;
  const gaveUp: string[] = [];
  const gone = createRendererRestarter({
    reload: () => reloads++,
    now: clock.now,
    maxRestarts,
    windowMs,
    onGiveUp: (details) => gaveUp.push(details.reason),
  });
  return { clock, gone, reloads: () => reloads, gaveUp };
}

describe('renderer crash restart', () => {
  it('reloads a crashed renderer', () => {
    const s = setup();
    expect(s.gone({ reason: 'crashed', exitCode: 139 })).toEqual({ kind: 'reloaded', restarts: 1 });
    expect(s.reloads()).toBe(1);
  });

  it('gives up after maxRestarts within the window and stays given up', () => {
    const s = setup(3, 60_000);
    for (let i = 0; i < 3; i++) {
      s.gone({ reason: 'crashed', exitCode: 139 });
      s.clock.advance(1_000);
    }
    expect(s.gone({ reason: 'oom', exitCode: 0 })).toEqual({ kind: 'gave_up' });
    expect(s.reloads()).toBe(3);
    expect(s.gaveUp).toEqual(['oom']);
    s.clock.advance(10 * 60_000);
    expect(s.gone({ reason: 'crashed', exitCode: 139 })).toEqual({ kind: 'gave_up' });
    expect(s.reloads()).toBe(3);
    expect(s.gaveUp).toHaveLength(1);
  });

  it('forgets crashes older than the window, so rare crashes keep being recovered', () => {
    const s = setup(2, 60_000);
    for (let i = 0; i < 6; i++) {
      expect(s.gone({ reason: 'crashed', exitCode: 139 }).kind).toBe('reloaded');
      s.clock.advance(45_000);
    }
    expect(s.reloads()).toBe(6);
    expect(s.gaveUp).toEqual([]);
  });
});
