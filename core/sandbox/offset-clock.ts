/**
 * The sandbox's own clock: the injected clock plus an offset that POST /_sandbox/time/advance moves
 * forward, so a test in another process can expire a code or age an order past closeorder's
 * 5-minute rule without sleeping.
 */
import type { Clock } from '../ports/clock.ts';

export interface OffsetClock extends Clock {
  advance(ms: number): void;
  readonly offsetMs: number;
}

export function createOffsetClock(base: Clock): OffsetClock {
  let offset = 0;
  return {
    now: () => base.now() + offset,
    sleep: (ms, signal) => base.sleep(ms, signal),
    advance(ms: number) {
      offset += ms;
    },
    get offsetMs() {
      return offset;
    },
  };
}
