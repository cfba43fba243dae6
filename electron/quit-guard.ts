/**
 * Clean quit: the first quit request is held until the service has stopped (journal closed,
 * scanners released), bounded by `timeoutMs` so a stuck stop cannot keep a till from quitting;
 * then the app exits. Later quit requests during the stop are ignored; after it, they pass.
 */

export interface QuitGuardOptions {
  readonly stopService: () => Promise<void>;
  readonly exit: (code: number) => void;
  readonly timers: { setTimeout(callback: () => void, ms: number): unknown };
  readonly timeoutMs?: number;
  readonly log?: (line: string) => void;
}

export function createQuitGuard(options: QuitGuardOptions): (event: { preventDefault(): void }) => void {
  const timeoutMs = options.timeoutMs ?? 10_000;
  let phase: 'running' | 'stopping' | 'stopped' = 'running';
  return (event) => {
    if (phase === 'stopped') return;
    event.preventDefault();
    if (phase === 'stopping') return;
    phase = 'stopping';
    let settled = false;
    const finish = (code: number, line: string | null): void => {
      if (settled) return;
      settled = true;
      phase = 'stopped';
      if (line !== null) options.log?.(line);
      options.exit(code);
    };
    options.timers.setTimeout(
      () => finish(1, `service did not stop within ${timeoutMs} ms: exiting anyway`),
      timeoutMs,
    );
    options.stopService().then(
      () => finish(0, null),
      (error: unknown) =>
        finish(1, `service stop failed: ${error instanceof Error ? error.message : String(error)}`),
    );
  };
}
