/** Reconnect delays: capped exponential back-off, reset after a successful connection. */
export interface BackoffPolicy {
  readonly initialMs: number;
  readonly maxMs: number;
}

export const DEFAULT_RECONNECT: BackoffPolicy = { initialMs: 250, maxMs: 2000 };

export function backoffDelay(policy: BackoffPolicy, attempt: number): number {
  return Math.min(policy.maxMs, policy.initialMs * 2 ** Math.min(attempt, 16));
}
