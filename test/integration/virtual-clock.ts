/**
 * A clock for long seeded runs against a real (in-process) sandbox: `sleep` resolves on the next
 * turn of the event loop, and `now()` jumps to at least the sleeper's wake-up time. The engine's own
 * arithmetic therefore still holds (after `sleep(ms)` at least `ms` have passed, so poll schedules
 * and WeChat's 15 s reversal rule are kept), while a run with a 60 s poll schedule takes only as
 * long as its HTTP round trips. Concurrent sleepers overlap (time moves to the latest wake-up, not
 * by the sum of every sleep), as they would in real time. FakeClock (test/fakes) needs a test to
 * advance it by hand, which does not fit a thousand independently driven attempts.
 */
import type { Clock } from '../../core/ports/clock.ts';

export class VirtualClock implements Clock {
  private current: number;

  constructor(start = Date.UTC(2026, 10, 23, 2, 0, 0)) {
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted || ms <= 0) return Promise.resolve();
    const wakeAt = this.current + ms;
    return new Promise((resolve) => {
      setImmediate(() => {
        // An abort means "wake now": the sleeper did not wait its full time, so time does not jump.
        if (!signal?.aborted) this.current = Math.max(this.current, wakeAt);
        resolve();
      });
    });
  }
}
