/**
 * Electron main process: thin wiring only. Every rule lives in an Electron-free module beside this
 * file (tested in Node with fakes): window-policy, sender-policy, ipc-handler, event-forwarder,
 * wedge-wiring, renderer-restart, quit-guard, update-policy, login-item, launch-flags.
 * Bundled to dist/electron/main.cjs by build/scripts/build-electron.js (hence __dirname).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { app, BrowserWindow, dialog, ipcMain, Menu, net, screen, session } from 'electron';
import { autoUpdater } from 'electron-updater';
import { WedgeFeed } from '../core/common/wedge/wedge-feed.ts';
import { EXIT_JOURNAL_REFUSED, isJournalRefusal } from '../core/journal/journal-errors.ts';
import { releasePublicKey } from '../core/release/update-signature.ts';
import { defaultDataDir } from '../core/service/data-dir.ts';
import { startKioskService } from '../core/service/kiosk-service.ts';
import { CUSTOMER_OPERATIONS, startCustomerScreen } from './customer-window.ts';
import { forwardEvents } from './event-forwarder.ts';
import { registerIpcHandler } from './ipc-handler.ts';
import { withLaunchFlags } from './launch-flags.ts';
import { applyStartAtLogin } from './login-item.ts';
import { createKioskLock, createQuitGuard, quitOnSignals, unlockOnKioskSetting } from './quit-guard.ts';
import { createRendererRestarter } from './renderer-restart.ts';
import { startUpdates } from './update-policy.ts';
import { createUpdateVerifier, fetchBytesWith } from './update-verifier.ts';
import { wireWedge } from './wedge-wiring.ts';
import { guardNavigation, hardenSession, lockKioskWindow, windowOptions } from './window-policy.ts';

const RENDERER_URL = pathToFileURL(path.join(__dirname, '..', 'renderer', 'index.html')).href;
const PRELOAD_PATH = path.join(__dirname, 'preload.cjs');
// Copied beside main.cjs by build-electron.js from build/release-public-key.pem.
const RELEASE_PUBLIC_KEY_PATH = path.join(__dirname, 'release-public-key.pem');
const log = (line: string): void => console.log(`[scanpay-shell] ${line}`);
const timers = { setTimeout: globalThis.setTimeout, clearTimeout: globalThis.clearTimeout };

async function main(): Promise<void> {
  let win: BrowserWindow | null = null;
  app.on('second-instance', () => {
    if (win === null) return;
    if (win.isMinimized()) win.restore();
    win.focus();
  });
  // Defence in depth: no contents of any kind may open windows or embed <webview>.
  app.on('web-contents-created', (_event, contents) => {
    contents.setWindowOpenHandler(() => ({ action: 'deny' }));
    contents.on('will-attach-webview', (event) => event.preventDefault());
  });
  await app.whenReady();

  // Keyboard-wedge keys go from this window into the service's wedge scanner source.
  const wedgeFeed = new WedgeFeed();
  const service = await startKioskService({ dataDir: defaultDataDir(), wedgeFeed });
  // Kiosk: config.json's ui.kiosk, then the supervisor's setting (settings.json), then --kiosk/--no-kiosk.
  const { kiosk: kioskSetting } = await service.api.getSettings({});
  const shellConfig = withLaunchFlags(
    { ...service.config, ui: { ...service.config.ui, kiosk: kioskSetting } },
    process.argv,
  );
  const lock = createKioskLock(shellConfig.ui.kiosk);
  let stopping: Promise<void> | null = null;
  const stopOnce = (): Promise<void> => {
    const pending: Promise<void> = stopping ?? service.stop();
    stopping = pending;
    return pending;
  };
  const updates = startUpdates({
    updater: () => autoUpdater,
    url: service.config.updates?.url,
    // Read only when updates are configured; an unreadable key throws here, so no update is installed.
    verifier: (feedUrl) =>
      createUpdateVerifier({
        feedUrl,
        publicKey: releasePublicKey(readFileSync(RELEASE_PUBLIC_KEY_PATH, 'utf8')),
        // Chromium's network stack: the OS certificate store and proxy settings, like electron-updater.
        fetchBytes: fetchBytesWith((url, init) => net.fetch(url, init)),
      }),
    onRefused: (error) => log(`update refused: ${error.code}`),
    // Busy while a charge or reversal runs, and while a sale waits for the customer's code. A finished
    // sale stays 'done' on screen until the next one begins, so 'done' does not hold updates back.
    isBusy: async () => {
      if (service.isPaymentInFlight()) return true;
      const { state } = await service.api.getSale({});
      return state === 'awaiting_scan' || state === 'charging';
    },
    // A verified update may end a locked kiosk, once the service has stopped cleanly.
    beforeInstall: async () => {
      await stopOnce();
      lock.permitQuit('update');
    },
    timers,
    log,
  });
  app.on(
    'before-quit',
    createQuitGuard({
      stopService: () => {
        updates.stop();
        return stopOnce();
      },
      exit: (code) => app.exit(code),
      timers,
      lock,
      log,
    }),
  );
  // systemd, a session logout or a shutdown: always a clean stop, kiosk or not.
  quitOnSignals(process, lock, () => app.quit(), log);
  app.on('window-all-closed', () => app.quit());
  applyStartAtLogin(app, process.platform, process.execPath);

  hardenSession(session.defaultSession);
  const live = (): BrowserWindow | null => (win !== null && !win.isDestroyed() ? win : null);
  // The customer-facing screen on a second monitor, when there is one (customer-window.ts).
  const customer = startCustomerScreen({
    screen,
    createWindow: (options) => new BrowserWindow(options),
    rendererUrl: RENDERER_URL,
    preloadPath: PRELOAD_PATH,
    guard: (w) =>
      guardNavigation((w as BrowserWindow).webContents, RENDERER_URL, (what) => log(`blocked ${what}`)),
    log,
  });
  registerIpcHandler({
    ipcMain,
    // Turning kiosk mode off in Settings (PIN-checked by the service) unlocks the window and quit.
    invoke: unlockOnKioskSetting(service.invoke, lock),
    trusted: () => {
      const current = live();
      return current === null ? null : { webContentsId: current.webContents.id, rendererUrl: RENDERER_URL };
    },
    onRefused: log,
    readOnly: { trusted: () => customer.trusted(), operations: CUSTOMER_OPERATIONS },
  });
  forwardEvents(
    (listener) => service.onEvent(listener),
    () => live()?.webContents ?? null,
  );
  forwardEvents((listener) => service.onEvent(listener), customer.contents);

  // A kiosk has no menu, hence none of its accelerators (reload, DevTools, zoom, full-screen toggle).
  if (shellConfig.ui.kiosk) Menu.setApplicationMenu(null);
  const window = new BrowserWindow(windowOptions(shellConfig, PRELOAD_PATH));
  win = window;
  const contents = window.webContents;
  guardNavigation(contents, RENDERER_URL, (what) => log(`blocked ${what}`));
  lockKioskWindow(window, contents, lock, (what) => log(`blocked ${what}`));
  // Epoch milliseconds at sub-millisecond resolution: gaps for the detector, and a real time on the scan.
  const keyTime = (): number => performance.timeOrigin + performance.now();
  wireWedge({
    contents,
    now: keyTime,
    push: (key) => wedgeFeed.pushKey(key),
    onRelease: (listener) => wedgeFeed.onRelease(listener),
  });
  const restart = createRendererRestarter({
    reload: () => void window.loadURL(RENDERER_URL),
    now: () => performance.now(),
    log,
    onGiveUp: () => {
      dialog.showErrorBox(
        'ScanPay Kiosk',
        'The screen keeps crashing. The app will close; please restart it.',
      );
      lock.permitQuit('renderer_gave_up');
      app.quit();
    },
  });
  contents.on('render-process-gone', (_event, details) => restart(details));
  window.once('ready-to-show', () => window.show());
  window.on('closed', () => {
    win = null;
    customer.close(); // the till's window is gone: so is the app, and a lone customer window would hold it open
  });
  await window.loadURL(RENDERER_URL);
}

// Chromium's profile (cache, local storage) in a folder of its own: on Windows the default userData
// (%APPDATA%\ScanPay Kiosk) is also the service's data directory, which holds the payment journal.
app.setPath('userData', path.join(app.getPath('appData'), 'ScanPay Kiosk', 'electron'));

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  main().catch((error: unknown) => {
    // Start-up errors (bad config, unreadable data dir) are typed with a safe message.
    const message = error instanceof Error ? error.message : String(error);
    log(`start-up failed: ${message}`);
    if (isJournalRefusal(error)) {
      // Missing, empty or damaged: never start empty; the message names the backup to restore.
      dialog.showErrorBox('ScanPay Kiosk', `the payment journal needs a restore: ${message}`);
      app.exit(EXIT_JOURNAL_REFUSED);
      return;
    }
    dialog.showErrorBox('ScanPay Kiosk could not start', message);
    app.exit(1);
  });
}
