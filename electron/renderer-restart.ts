/**
 * Reloads the page when its renderer process dies (crash, OOM, killed), at most `maxRestarts`
 * times within `windowMs`, so a till recovers from a one-off crash by itself but a page that
 * crashes on every load does not spin forever: after the bound, `onGiveUp` decides (show an error
 * and quit, so the supervisor or the cashier restarts the app). The service, which owns every
 * payment, lives in the main process and is not affected by a renderer crash.
 */

export interface RendererGoneDetails {
  readonly reason: string;
  readonly exitCode: number;
}

export interface RendererRestartOptions {
  readonly reload: () => void;
  readonly now: () => number;
  readonly maxRestarts?: number;
  readonly windowMs?: number;
  readonly onGiveUp: (details: RendererGoneDetails, restarts: number) => void;
  readonly log?: (line: string) => void;
}

export type RestartDecision =
  | { readonly kind: 'reloaded'; readonly restarts: number }
  | { readonly kind: 'gave_up' };

export function createRendererRestarter(
  options: RendererRestartOptions,
): (details: RendererGoneDetails) => RestartDecision {
  const maxRestarts = options.maxRestarts ?? 3;
  const windowMs = options.windowMs ?? 60_000;
  const restarts: number[] = [];
  let gaveUp = false;
  return (details) => {
    if (gaveUp) return { kind: 'gave_up' };
    const now = options.now();
    while (restarts.length > 0 && now - (restarts[0] ?? now) >= windowMs) restarts.shift();
    if (restarts.length >= maxRestarts) {
      gaveUp = true;
      options.log?.(
        `renderer gone (${details.reason}, exit ${details.exitCode}) ${restarts.length + 1} times in ${windowMs} ms: giving up`,
      );
      options.onGiveUp(details, restarts.length);
      return { kind: 'gave_up' };
    }
    restarts.push(now);
    options.log?.(`renderer gone (${details.reason}, exit ${details.exitCode}): reloading`);
    options.reload();
    return { kind: 'reloaded', restarts: restarts.length };
  };
}
