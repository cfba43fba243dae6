/** A clock that re-renders on an interval while mounted (countdowns, the status bar clock). */
import { useEffect, useState } from 'react';

/**
 * The time at this render. The interval only schedules re-renders: a render for any other reason
 * (a new QR arriving) must not show a time up to one interval old, or a 120 s QR reads "121 s".
 */
export function useNow(intervalMs = 1000): number {
  const [, setTick] = useState(0);
  useEffect(() => {
    const timer = setInterval(() => setTick((tick) => tick + 1), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  return Date.now();
}

export function secondsLeft(deadline: number | null, now: number): number | null {
  if (deadline === null) return null;
  return Math.max(0, Math.ceil((deadline - now) / 1000));
}
