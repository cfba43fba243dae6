/**
 * The bundled main process (dist/electron/main.cjs, as packaged) run in Node with a scripted
 * `electron` (fakes/fake-electron-runtime.cjs): the real kiosk service starts on a scratch data
 * directory (built-in sandbox merchant, a keyboard-wedge scanner), and the fake plays a window
 * loading, IPC calls, a scanner burst, a renderer crash and a quit. This is what catches bundling
 * mistakes (externals, node:sqlite, files read via import.meta.url) without an Electron binary.
 */
import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '..', '..');
const work = mkdtempSync(path.join(tmpdir(), 'scanpay-main-'));
const dataDir = path.join(work, 'data');
const reportFile = path.join(work, 'report.json');
const SCAN = '134567890123456789';

interface Report {
  singleInstanceLock: boolean;
  paths: Record<string, string>;
  windowOptions: { kiosk: boolean; webPreferences: Record<string, unknown> };
  applicationMenu?: unknown;
  loadedUrls: string[];
  screenEvents?: string[];
  sent: {
    channel: string;
    payload: { kind: string; scan?: { code_masked: string; source: string; at: number } };
  }[];
  errorBoxes: string[];
  permissionsGranted: boolean[];
  cspHeader: string[] | null;
  exitCode: number;
  driverError?: string;
  steps: {
    health: { ok: boolean };
    foreign: { ok: boolean; error?: { code: string } };
    badPayload: { ok: boolean; error?: { code: string } };
    openHandler: { action: string };
    navigationBlocked: boolean;
    wedge: { keys: number; swallowed: number };
    quitPrevented: boolean;
    secondQuitPrevented: boolean;
    kiosk: {
      escapes: Record<string, boolean>;
      closePrevented: boolean;
      quitHeld: boolean;
      exitedWhileLocked: boolean;
      wrongPin: { ok: boolean; error?: { code: string } };
      quitHeldAfterWrongPin: boolean;
      exitedAfterWrongPin: boolean;
      newPin: { ok: boolean; value?: { kiosk: boolean; pin_set: boolean } };
      quitHeldAfterNewPin: boolean;
      unlock: { ok: boolean; value?: { kiosk: boolean } };
      closePreventedAfterUnlock: boolean;
    };
    lockedQuitHeld?: boolean;
    exitedBeforeSignal?: boolean;
  };
  kioskCalls?: boolean[];
  closable?: boolean;
}

let report: Report;
let output = '';
let status: number | null = null;
const sigtermDataDir = path.join(work, 'data-sigterm');
const sigtermReportFile = path.join(work, 'report-sigterm.json');
let sigtermReport: Report;
let sigtermStatus: number | null = null;
const updatesDataDir = path.join(work, 'data-updates');
let updatesRun: { report: Report; status: number | null; output: string };
const damagedDataDir = path.join(work, 'data-damaged');
let damagedRun: { report: Report; status: number | null; output: string };

/** Runs the bundle under the scripted Electron, in kiosk mode (--kiosk), until it exits. */
function runMain(data: string, reportPath: string, scenario = '') {
  const run = spawnSync(
    process.execPath,
    [
      '--require',
      path.join(import.meta.dirname, 'fakes', 'fake-electron-runtime.cjs'),
      path.join(work, 'dist', 'electron', 'main.cjs'),
      '--kiosk',
    ],
    {
      cwd: work,
      encoding: 'utf8',
      // A kill by this timeout would be a SIGTERM, which ends even a locked kiosk: the steps below
      // check that the app exited on its own before it.
      timeout: 30_000,
      env: {
        ...process.env,
        SCANPAY_DATA_DIR: data,
        FAKE_ELECTRON_HOME: path.join(work, 'home'),
        FAKE_ELECTRON_REPORT: reportPath,
        FAKE_ELECTRON_SCENARIO: scenario,
      },
    },
  );
  const text = `${run.stdout}\n${run.stderr}`;
  if (run.error) throw new Error(`main.cjs did not exit by itself (${run.error.message}):\n${text}`);
  if (!existsSync(reportPath)) throw new Error(`main.cjs wrote no report (exit ${run.status}):\n${text}`);
  return { report: JSON.parse(readFileSync(reportPath, 'utf8')) as Report, status: run.status, output: text };
}

beforeAll(() => {
  const bundle = spawnSync(
    process.execPath,
    ['build/scripts/build-electron.js', '--outdir', path.join(work, 'dist', 'electron')],
    {
      cwd: root,
      encoding: 'utf8',
    },
  );
  if (bundle.status !== 0) throw new Error(`build-electron.js failed:\n${bundle.stderr}`);
  // As in the package: externals (electron-updater, node-hid, serialport) resolve from node_modules beside dist/.
  symlinkSync(path.join(root, 'node_modules'), path.join(work, 'node_modules'), 'dir');
  mkdirSync(dataDir);
  writeFileSync(path.join(dataDir, 'config.json'), JSON.stringify({ scanners: [{ kind: 'wedge' }] }));
  ({ report, status, output } = runMain(dataDir, reportFile));
  // Updates configured: the bundled electron-updater is built and wired (its first check is a minute away).
  mkdirSync(updatesDataDir);
  writeFileSync(
    path.join(updatesDataDir, 'config.json'),
    JSON.stringify({ updates: { url: 'https://127.0.0.1:9/feed/' } }),
  );
  updatesRun = runMain(updatesDataDir, path.join(work, 'report-updates.json'));
  mkdirSync(sigtermDataDir);
  ({ report: sigtermReport, status: sigtermStatus } = runMain(sigtermDataDir, sigtermReportFile, 'sigterm'));
  // A data dir that has held a journal, whose journal is now an empty file (a disk that lost it).
  mkdirSync(damagedDataDir);
  writeFileSync(path.join(damagedDataDir, 'journal.marker'), '');
  writeFileSync(path.join(damagedDataDir, 'journal.sqlite'), '');
  damagedRun = runMain(damagedDataDir, path.join(work, 'report-damaged.json'));
}, 90_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('bundled main process with a scripted Electron', () => {
  it('runs to a clean exit: the quit waited for the service to stop', () => {
    expect(report.driverError).toBeUndefined();
    expect(report.errorBoxes).toEqual([]);
    expect(status).toBe(0);
    expect(report.exitCode).toBe(0);
    expect(report.steps.quitPrevented).toBe(true);
    expect(report.steps.secondQuitPrevented).toBe(true);
    expect(readFileSync(path.join(dataDir, 'logs', 'scanpay.log'), 'utf8')).toContain('"service stopped"');
    expect(existsSync(path.join(dataDir, 'journal.sqlite'))).toBe(true);
  });

  it('holds the single-instance lock and keeps Chromium out of the data directory', () => {
    expect(report.singleInstanceLock).toBe(true);
    expect(report.paths.userData).toBe(path.join(work, 'home', 'appData', 'ScanPay Kiosk', 'electron'));
  });

  it('opens one isolated, sandboxed window on the renderer, in kiosk mode from --kiosk', () => {
    const prefs = report.windowOptions.webPreferences;
    expect(prefs).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      devTools: false,
    });
    expect(prefs.preload).toBe(path.join(work, 'dist', 'electron', 'preload.cjs'));
    expect(existsSync(prefs.preload as string)).toBe(true);
    expect(report.windowOptions.kiosk).toBe(true);
    expect(report.applicationMenu).toBeNull();
    expect(report.loadedUrls[0]).toBe(pathToFileURL(path.join(work, 'dist', 'renderer', 'index.html')).href);
    // One monitor: the customer screen watches for a second one and opens nothing yet.
    expect(report.screenEvents).toContain('display-added');
    expect(report.loadedUrls.filter((url: string) => url.includes('mode=customer'))).toEqual([]);
  });

  it('serves the page over IPC and refuses foreign senders and bad payloads', () => {
    expect(report.steps.health.ok).toBe(true);
    expect(report.steps.foreign.error?.code).toBe('auth_untrusted_sender');
    expect(report.steps.badPayload.error?.code).toBe('validation_failed');
  });

  it('blocks new windows and navigation, sets the CSP and denies permissions', () => {
    expect(report.steps.openHandler).toEqual({ action: 'deny' });
    expect(report.steps.navigationBlocked).toBe(true);
    expect(report.cspHeader?.[0]).toContain("default-src 'none'");
    expect(report.permissionsGranted).toEqual([false]);
  });

  it('swallows a keyboard-scanner burst and the service reports the scan to the window', () => {
    expect(report.steps.wedge.keys).toBe(38);
    // The first keys cannot be told from typing; everything after them, Enter included, is swallowed.
    expect(report.steps.wedge.swallowed).toBeGreaterThanOrEqual(32);
    const scans = report.sent.filter((s) => s.channel === 'scanpay:event' && s.payload.kind === 'scan');
    expect(scans).toHaveLength(1);
    expect(scans[0]?.payload.scan?.source).toContain('wedge');
    expect(scans[0]?.payload.scan?.code_masked.startsWith('1345')).toBe(true);
    // Key times are epoch milliseconds, so the scan carries a real time of day.
    expect(Math.abs((scans[0]?.payload.scan?.at ?? 0) - Date.now())).toBeLessThan(60_000);
  });

  it('never writes the payment code to its output or log', () => {
    expect(output).not.toContain(SCAN);
    expect(readFileSync(path.join(dataDir, 'logs', 'scanpay.log'), 'utf8')).not.toContain(SCAN);
    expect(JSON.stringify(report.sent)).not.toContain(SCAN);
  });

  it('reloads the page after a renderer crash', () => {
    expect(report.loadedUrls).toHaveLength(2);
    expect(report.loadedUrls[1]).toBe(report.loadedUrls[0]);
  });

  it('in kiosk mode refuses Alt+F4, Ctrl+W, Ctrl+Q, F11, closing and quitting', () => {
    expect(report.steps.kiosk.escapes).toEqual({ 'Alt+F4': true, 'Ctrl+W': true, 'Ctrl+Q': true, F11: true });
    expect(report.steps.kiosk.closePrevented).toBe(true);
    expect(report.steps.kiosk.quitHeld).toBe(true);
    expect(report.steps.kiosk.exitedWhileLocked).toBe(false);
  });

  it('lets the supervisor out only with the PIN, through the service’s own check', () => {
    expect(report.steps.kiosk.wrongPin.error?.code).toBe('pin_invalid');
    expect(report.steps.kiosk.exitedAfterWrongPin).toBe(false);
    // Replacing the default PIN is a settings change that leaves the kiosk locked.
    expect(report.steps.kiosk.newPin).toMatchObject({ ok: true, value: { pin_set: true } });
    expect(report.steps.kiosk.quitHeldAfterNewPin).toBe(true);
    expect(report.steps.kiosk.unlock).toMatchObject({ ok: true, value: { kiosk: false } });
    expect(report.kioskCalls).toEqual([false]);
    expect(report.closable).toBe(true);
    expect(report.steps.kiosk.closePreventedAfterUnlock).toBe(false);
    // …and the quit that follows is the clean one (first test).
  });

  it('refuses a damaged journal: says what was found and how to restore, exits 78, never starts empty', () => {
    expect(damagedRun.status).toBe(78);
    expect(damagedRun.report.exitCode).toBe(78);
    expect(damagedRun.report.errorBoxes).toHaveLength(1);
    expect(damagedRun.report.errorBoxes[0]).toMatch(
      /^ScanPay Kiosk: the payment journal needs a restore: .*empty/,
    );
    expect(damagedRun.report.errorBoxes[0]).toMatch(/scanpay backup|backup/);
    expect(readFileSync(path.join(damagedDataDir, 'journal.sqlite')).length).toBe(0);
  });

  it('ends a locked kiosk cleanly on SIGTERM from the service manager', () => {
    expect(sigtermReport.driverError).toBeUndefined();
    expect(sigtermReport.steps.lockedQuitHeld).toBe(true);
    expect(sigtermReport.steps.exitedBeforeSignal).toBe(false);
    expect(sigtermStatus).toBe(0);
    expect(sigtermReport.exitCode).toBe(0);
    expect(readFileSync(path.join(sigtermDataDir, 'logs', 'scanpay.log'), 'utf8')).toContain(
      '"service stopped"',
    );
  });

  it('builds the bundled electron-updater when updates are configured, with the release key beside main.cjs', () => {
    expect(updatesRun.report.errorBoxes).toEqual([]);
    expect(updatesRun.report.driverError).toBeUndefined();
    expect(updatesRun.status).toBe(0);
    expect(updatesRun.output).not.toContain('auto-update off');
    expect(updatesRun.output).not.toContain('start-up failed');
    expect(existsSync(path.join(work, 'dist', 'electron', 'release-public-key.pem'))).toBe(true);
  });
});
