/**
 * Time as a port, so every wait in the engine (poll schedule, reversal delay, back-off) can be
 * driven by a fake clock in tests without sleeping.
 */
export interface Clock {
  /** ms since epoch. */
  now(): number;
  /** Resolves after `ms` (or at once when aborted; it never rejects). */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve) => {
      if (signal?.aborted || ms <= 0) {
        resolve();
        return;
      }
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        resolve();
      }
      signal?.addEventListener('abort', done, { once: true });
    }),
};
