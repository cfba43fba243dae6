import { describe, expect, it } from 'vitest';
import type { ScanPayApi } from '../../core/common/contract/api-contract.ts';
import type { SettingsView } from '../../core/common/contract/views.ts';
import { AuthError } from '../../core/common/errors.ts';
import { type AccessPolicy, CONSOLE_CALLER } from '../../core/service/api/access-policy.ts';
import { createOperationInvoker } from '../../core/service/api/operation-invoker.ts';
import {
  createKioskLock,
  createQuitGuard,
  QUIT_SIGNALS,
  quitOnSignals,
  unlockOnKioskSetting,
} from '../../electron/quit-guard.ts';
import { manualTimers } from './fakes/manual-timers.ts';

function quitEvent() {
  let prevented = false;
  return { preventDefault: () => (prevented = true), prevented: () => prevented } as const;
}

function setup(stop: () => Promise<void>) {
  const timers = manualTimers();
  const exits: number[] = [];
  let stops = 0;
  const guard = createQuitGuard({
    stopService: () => {
      stops++;
      return stop();
    },
    exit: (code) => exits.push(code),
    timers,
    timeoutMs: 5_000,
  });
  return { timers, exits, guard, stops: () => stops };
}

describe('clean quit', () => {
  it('holds the first quit until the service stopped, then exits 0; later quits pass', async () => {
    let release!: () => void;
    const s = setup(() => new Promise<void>((resolve) => (release = resolve)));
    const first = quitEvent();
    s.guard(first);
    expect(first.prevented()).toBe(true);
    const second = quitEvent();
    s.guard(second);
    expect(second.prevented()).toBe(true);
    expect(s.stops()).toBe(1);
    expect(s.exits).toEqual([]);
    release();
    await Promise.resolve();
    await Promise.resolve();
    expect(s.exits).toEqual([0]);
    const after = quitEvent();
    s.guard(after);
    expect(after.prevented()).toBe(false);
  });

  it('exits 1 when the stop hangs past the bound, and only once', async () => {
    let release!: () => void;
    const s = setup(() => new Promise<void>((resolve) => (release = resolve)));
    s.guard(quitEvent());
    s.timers.advance(5_000);
    expect(s.exits).toEqual([1]);
    release();
    await Promise.resolve();
    await Promise.resolve();
    expect(s.exits).toEqual([1]);
  });

  it('exits 1 when the stop fails', async () => {
    const s = setup(() => Promise.reject(new Error('journal busy')));
    s.guard(quitEvent());
    await Promise.resolve();
    await Promise.resolve();
    expect(s.exits).toEqual([1]);
  });
});

describe('kiosk lock', () => {
  function lockedSetup(kiosk = true) {
    const lock = createKioskLock(kiosk);
    const timers = manualTimers();
    const exits: number[] = [];
    const lines: string[] = [];
    let stops = 0;
    const guard = createQuitGuard({
      stopService: async () => {
        stops++;
      },
      exit: (code) => exits.push(code),
      timers,
      lock,
      timeoutMs: 5_000,
      log: (line) => lines.push(line),
    });
    return { lock, guard, exits, lines, stops: () => stops };
  }

  it('refuses every quit in kiosk mode, without stopping the service, and says so', async () => {
    const s = lockedSetup();
    for (let i = 0; i < 3; i++) {
      const event = quitEvent();
      s.guard(event);
      expect(event.prevented()).toBe(true);
    }
    await Promise.resolve();
    expect(s.stops()).toBe(0);
    expect(s.exits).toEqual([]);
    expect(s.lines[0]).toMatch(/quit refused: kiosk mode/);
  });

  it('quits cleanly once the supervisor turned kiosk mode off in Settings (PIN checked by the service)', async () => {
    const s = lockedSetup();
    const api = fakeSettingsApi('4321');
    const shell = unlockOnKioskSetting(settingsInvoker(api), s.lock);
    const refused = await shell(CONSOLE_CALLER, 'updateSettings', { pin: '000000', kiosk: false });
    expect(refused).toMatchObject({ ok: false, error: { code: 'pin_invalid' } });
    expect(s.lock.locked()).toBe(true);
    expect(await shell(CONSOLE_CALLER, 'updateSettings', { pin: '4321', kiosk: false })).toMatchObject({
      ok: true,
    });
    expect(s.lock.locked()).toBe(false);
    s.guard(quitEvent());
    await Promise.resolve();
    await Promise.resolve();
    expect(s.exits).toEqual([0]);
    expect(s.stops()).toBe(1);
  });

  it('stays locked when the supervisor changes the PIN or the language, whatever kiosk the settings hold', async () => {
    const s = lockedSetup();
    // The service's settings say kiosk off (the window was locked by --kiosk), as in a real start.
    const api = fakeSettingsApi('4321', false);
    const shell = unlockOnKioskSetting(settingsInvoker(api), s.lock);
    expect(await shell(CONSOLE_CALLER, 'updateSettings', { pin: '4321', language: 'en' })).toMatchObject({
      ok: true,
      value: { kiosk: false },
    });
    expect(s.lock.locked()).toBe(true);
  });

  it('locks again when the supervisor turns kiosk mode back on, and tells the window', async () => {
    const s = lockedSetup(false);
    const seen: boolean[] = [];
    s.lock.onChange((kiosk) => seen.push(kiosk));
    const shell = unlockOnKioskSetting(settingsInvoker(fakeSettingsApi('4321')), s.lock);
    await shell(CONSOLE_CALLER, 'updateSettings', { pin: '4321', kiosk: true });
    expect(s.lock.locked()).toBe(true);
    await shell(CONSOLE_CALLER, 'updateSettings', { pin: '4321', language: 'en' });
    expect(seen).toEqual([true]);
  });

  for (const signal of QUIT_SIGNALS) {
    it(`quits cleanly on ${signal} from the service manager, even in kiosk mode`, async () => {
      const s = lockedSetup();
      const handlers = new Map<string, () => void>();
      let quits = 0;
      quitOnSignals({ on: (name, listener) => handlers.set(name, listener) }, s.lock, () => {
        quits++;
        s.guard(quitEvent());
      });
      handlers.get(signal)!();
      await Promise.resolve();
      await Promise.resolve();
      expect(quits).toBe(1);
      expect(s.stops()).toBe(1);
      expect(s.exits).toEqual([0]);
    });
  }

  it('lets the app itself end a locked kiosk for a verified update or a renderer that keeps crashing', () => {
    for (const reason of ['update', 'renderer_gave_up'] as const) {
      const lock = createKioskLock(true);
      lock.permitQuit(reason);
      expect(lock.locked()).toBe(false);
    }
    expect(createKioskLock(false).locked()).toBe(false);
  });
});

/** The service's updateSettings as far as the shell sees it: PIN checked, the stored kiosk answered. */
/** The service's real invoker over a fake API; the fake checks the PIN as the service does. */
function settingsInvoker(api: ScanPayApi) {
  const letEveryoneIn = { authorize: () => {} } as unknown as AccessPolicy;
  return createOperationInvoker({ api, policy: letEveryoneIn, onInternalError: () => {} });
}

function fakeSettingsApi(pin: string, kioskSetting = true): ScanPayApi {
  let kiosk = kioskSetting;
  const api = {
    async updateSettings(request: { pin: string; kiosk?: boolean }) {
      if (request.pin !== pin) throw new AuthError('pin_invalid', 'the supervisor PIN is wrong');
      if (request.kiosk !== undefined) kiosk = request.kiosk;
      return { kiosk } as SettingsView;
    },
  };
  return api as unknown as ScanPayApi;
}
