/**
 * Start-up's resumption of unresolved attempts, and the route (gateway and policy) an attempt is
 * driven with. Moved out of checkout-engine.ts unchanged.
 * An attempt still `submitted` may or may not have reached the provider (the crash came between the
 * intent and the reply), so its charge counts as unknown: query, then paid or reverse. An attempt
 * whose merchant is no longer configured is parked for a person (the till never stops for one
 * attempt) and resumes at the first start that finds the merchant again.
 */
import { UnavailableError } from '../common/errors.ts';
import type { AttemptEvent } from '../domain/attempt-events.ts';
import { apply } from '../domain/attempt-machine.ts';
import { type AttemptState, MERCHANT_NOT_CONFIGURED } from '../domain/attempt-state.ts';
import { DEFAULT_POLL_POLICIES } from '../domain/poll-policy.ts';
import type { Clock } from '../ports/clock.ts';
import type { Journal } from '../ports/journal.ts';
import type { AttemptDriver } from './attempt-driver.ts';
import type { Route } from './attempt-launcher.ts';
import type { MerchantDirectory, MerchantGateways } from './engine-deps.ts';
import { summarise } from './gateway-call.ts';

export type RouteOrWhyNot =
  | ({ readonly ok: true } & Route)
  | { readonly ok: false; readonly message: string };

/** The gateway and policy an attempt is driven with, or why the configuration no longer has one. */
export function routeOf(merchants: MerchantDirectory, state: AttemptState): RouteOrWhyNot {
  const merchant = merchants.get(state.pid);
  if (!merchant) return { ok: false, message: `merchant "${state.pid}" is no longer in the configuration` };
  const gateway = merchant.gateways.find((g) => g.provider === state.provider);
  if (!gateway)
    return { ok: false, message: `merchant "${state.pid}" no longer has a ${state.provider} gateway` };
  return { ok: true, gateway, policy: merchant.policies[state.provider] };
}

/** The route of an attempt whose merchant is known; a typed error when its gateway is gone. */
export function requireRoute(merchant: MerchantGateways, state: AttemptState): Route {
  const gateway = merchant.gateways.find((g) => g.provider === state.provider);
  if (!gateway)
    throw new UnavailableError(
      'provider_not_configured',
      `merchant ${state.pid} no longer has a ${state.provider} gateway`,
    );
  return { gateway, policy: merchant.policies[state.provider] };
}

export interface ResumeDeps {
  readonly journal: Journal;
  readonly clock: Clock;
  readonly merchants: MerchantDirectory;
  readonly driver: AttemptDriver;
  readonly emitAttempt: (state: AttemptState) => void;
}

/** Resumes every unresolved attempt nobody drives; returns how many were started. */
export function resumeAttempts(deps: ResumeDeps): number {
  const { journal, driver } = deps;
  let attempts = 0;
  for (const stored of journal.unresolvedAttempts()) {
    if (driver.get(stored.outTradeNo)) continue;
    const route = routeOf(deps.merchants, stored);
    const parked = stored.phase === 'needs_attention' && stored.attention?.code === MERCHANT_NOT_CONFIGURED;
    if (!route.ok) {
      if (!parked) recordOffline(deps, stored, { kind: 'merchant_missing', message: route.message });
      continue;
    }
    const state = parked ? recordOffline(deps, stored, { kind: 'merchant_restored' }) : stored;
    if (state.phase === 'needs_attention') continue; // waits for a human or the network (retryUnreachable)
    // Without the payment code (never stored) a `submitted` attempt's charge replays as "unknown": query, then decide.
    driver.start(state, route.gateway, route.policy, undefined);
    attempts++;
  }
  return attempts;
}

/** Applies a configuration event to an attempt nobody drives, journals it and tells listeners. */
function recordOffline(
  deps: ResumeDeps,
  state: AttemptState,
  event: Extract<AttemptEvent, { kind: 'merchant_missing' | 'merchant_restored' }>,
): AttemptState {
  const after = apply(state, event, DEFAULT_POLL_POLICIES[state.provider], deps.clock.now());
  if (after === state) return state;
  deps.journal.recordOutcome(after, event.kind, summarise(event));
  deps.emitAttempt(after);
  return after;
}
