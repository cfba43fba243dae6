/** Reconnect delays: capped exponential back-off (core/domain/timing.ts), reset after a successful connection. */
import { type Backoff, backoffMs } from '../../domain/timing.ts';

export type BackoffPolicy = Backoff;

export const DEFAULT_RECONNECT: BackoffPolicy = { initialMs: 250, maxMs: 2000 };

/** `attempt` counts from 0 (the first reconnect waits initialMs). */
export function backoffDelay(policy: BackoffPolicy, attempt: number): number {
  return backoffMs(policy, attempt + 1);
}
