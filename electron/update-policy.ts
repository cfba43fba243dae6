/**
 * Auto-update through electron-updater's generic provider, whose URL is configuration (a store may
 * host updates on its own LAN, over HTTPS only). Updates download in the background; every
 * downloaded package is verified against the release key (`verify`, see update-verifier.ts) when it
 * arrives and again just before it is installed, and a refused one is never installed. Installing
 * restarts the app, so it waits until no sale is in progress (no payment in flight, no customer about
 * to scan), re-checking every `installRetryMs`, and stops the service cleanly before handing over to
 * the installer. No URL configured → no updates at all.
 */
import type { UpdateRefusedError } from '../core/release/update-signature.ts';
import type { DownloadedUpdate } from './update-verifier.ts';

export interface UpdaterLike {
  autoDownload: boolean;
  autoInstallOnAppQuit: boolean;
  setFeedURL(options: { provider: 'generic'; url: string }): void;
  checkForUpdates(): Promise<unknown>;
  on(event: 'update-downloaded', listener: (info: DownloadedUpdate) => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  quitAndInstall(isSilent?: boolean, isForceRunAfter?: boolean): void;
}

export interface TimersLike {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface UpdateOptions {
  /** Called only when updates are configured: electron-updater builds its updater on first access. */
  readonly updater: () => UpdaterLike;
  readonly url: string | undefined;
  /** Builds the check a downloaded package must pass (signature against the release key). */
  readonly verifier: (feedUrl: string) => (update: DownloadedUpdate) => Promise<void>;
  /** Told about every refused package (for the screen and the log). */
  readonly onRefused?: (error: UpdateRefusedError) => void;
  /**
   * True while installing would disturb a sale: a charge or reversal in flight (and, as main.ts
   * wires it, a customer about to scan). A throw or rejection counts as busy.
   */
  readonly isBusy: () => boolean | Promise<boolean>;
  /** Stops the service (journal flushed, scanners closed) before the installer quits the app. */
  readonly beforeInstall: () => Promise<void>;
  readonly timers: TimersLike;
  readonly firstCheckMs?: number;
  readonly checkEveryMs?: number;
  readonly installRetryMs?: number;
  readonly log?: (line: string) => void;
}

export type UpdateState =
  | { readonly kind: 'disabled'; readonly reason: string }
  | { readonly kind: 'idle' }
  /** The last downloaded package was refused; checks go on (a good release replaces it). */
  | { readonly kind: 'refused'; readonly version: string; readonly code: string }
  | { readonly kind: 'waiting_for_payment'; readonly version: string }
  | { readonly kind: 'installing'; readonly version: string };

export interface UpdateController {
  state(): UpdateState;
  stop(): void;
}

export function updateFeedUrl(
  url: string | undefined,
): { ok: true; url: string } | { ok: false; reason: string } {
  if (url === undefined || url.trim() === '') return { ok: false, reason: 'no updates.url configured' };
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { ok: false, reason: 'updates.url is not a URL' };
  }
  // Plain http would let anyone on the store's network answer the update check (config load refuses
  // it too; this is the shell's own guard).
  if (parsed.protocol !== 'https:') {
    return { ok: false, reason: 'updates.url must be an https:// URL' };
  }
  return { ok: true, url: parsed.href };
}

export function startUpdates(options: UpdateOptions): UpdateController {
  const { timers, log } = options;
  const feed = updateFeedUrl(options.url);
  if (!feed.ok) {
    log?.(`auto-update off: ${feed.reason}`);
    return { state: () => ({ kind: 'disabled', reason: feed.reason }), stop: () => {} };
  }
  let verify: (update: DownloadedUpdate) => Promise<void>;
  try {
    verify = options.verifier(feed.url);
  } catch (error) {
    // No usable release key: nothing could ever be verified, so nothing is downloaded at all.
    const reason = `release key unusable: ${error instanceof Error ? error.message : String(error)}`;
    log?.(`auto-update off: ${reason}`);
    return { state: () => ({ kind: 'disabled', reason }), stop: () => {} };
  }
  const updater = options.updater();
  const checkEveryMs = options.checkEveryMs ?? 6 * 60 * 60_000;
  const installRetryMs = options.installRetryMs ?? 30_000;
  let current: UpdateState = { kind: 'idle' };
  let timer: unknown = null;
  let stopped = false;

  const schedule = (ms: number, run: () => void): void => {
    if (stopped) return;
    if (timer !== null) timers.clearTimeout(timer);
    timer = timers.setTimeout(() => {
      timer = null;
      run();
    }, ms);
  };

  const check = (): void => {
    if (current.kind !== 'idle' && current.kind !== 'refused') return;
    updater.checkForUpdates().catch((error: unknown) => {
      log?.(`update check failed: ${error instanceof Error ? error.message : String(error)}`);
    });
    schedule(checkEveryMs, check);
  };

  const busy = async (): Promise<boolean> => {
    try {
      return await options.isBusy();
    } catch {
      return true;
    }
  };

  /** True when the package may be installed; a refusal is reported and ends this attempt. */
  const verified = async (update: DownloadedUpdate): Promise<boolean> => {
    try {
      await verify(update);
      return true;
    } catch (error) {
      const refusal = error as UpdateRefusedError;
      const code = typeof refusal.code === 'string' ? refusal.code : 'update_signature_invalid';
      log?.(`update ${update.version} not installed (${code}): ${refusal.message}`);
      // Unavailable is not a verdict: back to idle, the next check downloads and verifies again.
      current =
        code === 'update_signature_unavailable'
          ? { kind: 'idle' }
          : { kind: 'refused', version: update.version, code };
      options.onRefused?.(refusal);
      // Keep checking for a good release (install retries may have taken the check's timer).
      schedule(checkEveryMs, check);
      return false;
    }
  };

  const attemptInstall = async (update: DownloadedUpdate, checked: boolean): Promise<void> => {
    const { version } = update;
    if (!checked && !(await verified(update))) return;
    if (await busy()) {
      if (stopped) return;
      current = { kind: 'waiting_for_payment', version };
      log?.(`update ${version} downloaded: waiting for the sale in progress to finish`);
      schedule(installRetryMs, () => tryInstall(update, true));
      return;
    }
    if (stopped) return;
    // Again just before installing: the file has waited on disk since it was first checked.
    if (!(await verified(update)) || stopped) return;
    current = { kind: 'installing', version };
    log?.(`installing update ${version}`);
    try {
      await options.beforeInstall();
    } catch (error) {
      // The service did not stop cleanly: do not restart under it; try again later.
      log?.(`update ${version} postponed: ${error instanceof Error ? error.message : String(error)}`);
      current = { kind: 'waiting_for_payment', version };
      schedule(installRetryMs, () => tryInstall(update, true));
      return;
    }
    updater.quitAndInstall(true, true);
  };

  // Single flight: a second 'update-downloaded' or a retry while an attempt runs is dropped. The
  // package verified is the one quitAndInstall installs: checks (hence downloads) only run while
  // idle or after a refusal, never while a verified package waits, so electron-updater's cached
  // download cannot change between the last verification and the install.
  let inProgress = false;
  const tryInstall = (update: DownloadedUpdate, checked: boolean): void => {
    if (stopped || inProgress || current.kind === 'installing') return;
    inProgress = true;
    void attemptInstall(update, checked).finally(() => {
      inProgress = false;
    });
  };

  updater.autoDownload = true;
  // Never let a plain quit install behind our back: installs go through tryInstall only.
  updater.autoInstallOnAppQuit = false;
  updater.setFeedURL({ provider: 'generic', url: feed.url });
  updater.on('error', (error) => log?.(`updater error: ${error.message}`));
  updater.on('update-downloaded', (info) => tryInstall(info, false));
  schedule(options.firstCheckMs ?? 60_000, check);

  return {
    state: () => current,
    stop: () => {
      stopped = true;
      if (timer !== null) timers.clearTimeout(timer);
      timer = null;
    },
  };
}
