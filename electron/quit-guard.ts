/**
 * Who may end the app, and how it ends.
 *
 * Kiosk lock: in kiosk mode the till is locked (KioskLock): the window cannot be closed and the app
 * does not quit, whatever the keyboard does (window-policy.ts swallows the shortcuts; this guard
 * refuses the quit itself). Three things unlock it: the supervisor turning kiosk mode off in
 * Settings, which the service accepts only with the supervisor PIN (its existing check, see
 * `unlockOnKioskSetting`); a signal from the service manager (SIGTERM/SIGINT/SIGHUP: systemd,
 * a shutdown) or the OS ending the session (Windows log-off/shut-down, see window-policy.ts); and
 * the app's own reasons (installing a verified update, a renderer that keeps
 * crashing). Alt+Tab and Ctrl+Alt+Del belong to the OS and are fenced there (docs/deploy.md).
 *
 * Clean quit: the first permitted quit request is held until the service has stopped (journal
 * closed, scanners released), bounded by `timeoutMs` so a stuck stop cannot keep a till from
 * quitting; then the app exits. Later quit requests during the stop are ignored; after it, they pass.
 */
import type { SettingsView } from '../core/common/contract/views.ts';
import type { OperationInvoker } from '../core/service/api/operation-invoker.ts';

export type QuitReason = 'signal' | 'session_end' | 'update' | 'renderer_gave_up';

export interface KioskLock {
  /** True while closing the window or quitting is refused. */
  locked(): boolean;
  /** The supervisor's kiosk setting (PIN-checked by the service) changed. */
  setKiosk(kiosk: boolean): void;
  /** A reason to end the app that no lock holds back. */
  permitQuit(reason: QuitReason): void;
  /** Told whenever the kiosk setting flips (the window leaves or re-enters kiosk mode). */
  onChange(listener: (kiosk: boolean) => void): void;
}

export function createKioskLock(kiosk: boolean): KioskLock {
  let kioskOn = kiosk;
  let permitted: QuitReason | null = null;
  const listeners: ((kiosk: boolean) => void)[] = [];
  return {
    locked: () => kioskOn && permitted === null,
    setKiosk(next) {
      if (next === kioskOn) return;
      kioskOn = next;
      for (const listener of listeners) listener(next);
    },
    permitQuit(reason) {
      permitted ??= reason;
    },
    onChange: (listener) => void listeners.push(listener),
  };
}

/**
 * The api the window's IPC reaches, with the kiosk setting watched: `updateSettings` succeeds only
 * with the supervisor PIN (the service checks it), so its answer is what unlocks or relocks the till.
 */
export function unlockOnKioskSetting(invoke: OperationInvoker, lock: KioskLock): OperationInvoker {
  return async (caller, name, request) => {
    const result = await invoke(caller, name, request);
    // Only a change of kiosk mode itself that the service accepted (PIN checked there) moves the lock:
    // a kiosk started with --kiosk must stay locked when the supervisor changes the PIN or the language.
    const asksKiosk = typeof (request as { kiosk?: unknown } | null)?.kiosk === 'boolean';
    if (name === 'updateSettings' && asksKiosk && result.ok)
      lock.setKiosk((result.value as SettingsView).kiosk);
    return result;
  };
}

/** The signals a service manager or the OS sends to end a process. */
export const QUIT_SIGNALS = ['SIGTERM', 'SIGINT', 'SIGHUP'] as const;

/** A signal permits the quit and starts it (the guard then stops the service cleanly). */
export function quitOnSignals(
  processLike: { on(signal: (typeof QUIT_SIGNALS)[number], listener: () => void): unknown },
  lock: KioskLock,
  quit: () => void,
  log?: (line: string) => void,
): void {
  for (const signal of QUIT_SIGNALS) {
    processLike.on(signal, () => {
      log?.(`${signal}: quitting`);
      lock.permitQuit('signal');
      quit();
    });
  }
}

export interface QuitGuardOptions {
  readonly stopService: () => Promise<void>;
  readonly exit: (code: number) => void;
  readonly timers: { setTimeout(callback: () => void, ms: number): unknown };
  /** Without one, nothing is locked (a desktop window). */
  readonly lock?: KioskLock;
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
    if (options.lock?.locked()) {
      options.log?.('quit refused: kiosk mode (supervisor PIN in Settings, or SIGTERM, ends it)');
      return;
    }
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
