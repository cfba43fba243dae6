import { describe, expect, it } from 'vitest';
import { startUpdates, type UpdaterLike, updateFeedUrl } from '../../electron/update-policy.ts';
import { manualTimers } from './fakes/manual-timers.ts';

function fakeUpdater() {
  const listeners = new Map<string, (arg: never) => void>();
  const log: string[] = [];
  let checkResult: () => Promise<unknown> = async () => null;
  const updater: UpdaterLike & { feed?: unknown } = {
    autoDownload: false,
    autoInstallOnAppQuit: true,
    setFeedURL(options) {
      updater.feed = options;
    },
    checkForUpdates: () => {
      log.push('check');
      return checkResult();
    },
    on(event: string, listener: (arg: never) => void) {
      listeners.set(event, listener);
      return updater;
    },
    quitAndInstall(silent, forceRun) {
      log.push(`quitAndInstall(${silent},${forceRun})`);
    },
  };
  const downloaded = (version: string) =>
    (listeners.get('update-downloaded') as (i: { version: string }) => void)({ version });
  return {
    updater,
    log,
    downloaded,
    failChecks: () => (checkResult = async () => Promise.reject(new Error('ECONNREFUSED'))),
  };
}

const flush = async () => {
  for (let i = 0; i < 5; i++) await Promise.resolve();
};

describe('update feed URL', () => {
  it('accepts http(s) URLs (a LAN server is fine) and refuses others', () => {
    expect(updateFeedUrl('http://192.168.1.10/scanpay/')).toEqual({
      ok: true,
      url: 'http://192.168.1.10/scanpay/',
    });
    expect(updateFeedUrl(undefined).ok).toBe(false);
    expect(updateFeedUrl('  ').ok).toBe(false);
    expect(updateFeedUrl('file:///srv/updates').ok).toBe(false);
    expect(updateFeedUrl('not a url').ok).toBe(false);
  });
});

describe('auto-update', () => {
  function setup(...args: [url: string | undefined] | []) {
    const url = args.length === 0 ? 'https://updates.shop.lan/scanpay' : args[0];
    const timers = manualTimers();
    const u = fakeUpdater();
    let inFlight = false;
    let busyError = false;
    const stops: number[] = [];
    const lines: string[] = [];
    let built = 0;
    const controller = startUpdates({
      updater: () => {
        built++;
        return u.updater;
      },
      url,
      isBusy: () => (busyError ? Promise.reject(new Error('service gone')) : inFlight),
      beforeInstall: async () => {
        stops.push(timers.now());
        u.log.push('service stopped');
      },
      timers,
      firstCheckMs: 1_000,
      checkEveryMs: 60_000,
      installRetryMs: 5_000,
      log: (line) => lines.push(line),
    });
    return {
      timers,
      u,
      controller,
      stops,
      lines,
      built: () => built,
      setInFlight: (v: boolean) => (inFlight = v),
      failBusy: () => (busyError = true),
    };
  }

  it('is off without a configured URL and touches nothing', () => {
    const s = setup(undefined);
    expect(s.controller.state()).toEqual({ kind: 'disabled', reason: 'no updates.url configured' });
    s.timers.advance(10 * 60_000);
    expect(s.u.log).toEqual([]);
    expect(s.u.updater.feed).toBeUndefined();
    expect(s.built()).toBe(0);
  });

  it('uses the generic provider at the configured URL and never installs on a plain quit', () => {
    const s = setup();
    expect(s.u.updater.feed).toEqual({ provider: 'generic', url: 'https://updates.shop.lan/scanpay' });
    expect(s.u.updater.autoInstallOnAppQuit).toBe(false);
    expect(s.u.updater.autoDownload).toBe(true);
  });

  it('checks after the first delay and then periodically; a failed check is logged, not thrown', async () => {
    const s = setup();
    s.u.failChecks();
    s.timers.advance(999);
    expect(s.u.log).toEqual([]);
    s.timers.advance(1);
    await flush();
    expect(s.u.log).toEqual(['check']);
    expect(s.lines.some((l) => l.includes('ECONNREFUSED'))).toBe(true);
    s.timers.advance(120_000);
    expect(s.u.log).toEqual(['check', 'check', 'check']);
  });

  it('installs a downloaded update at once when no payment is in flight, after stopping the service', async () => {
    const s = setup();
    s.u.downloaded('1.2.0');
    await flush();
    expect(s.u.log).toEqual(['service stopped', 'quitAndInstall(true,true)']);
  });

  it('never installs in the middle of a payment: waits and installs once it is over', async () => {
    const s = setup();
    s.setInFlight(true);
    s.u.downloaded('1.2.0');
    await flush();
    expect(s.controller.state()).toEqual({ kind: 'waiting_for_payment', version: '1.2.0' });
    s.timers.advance(5_000 * 10);
    await flush();
    expect(s.u.log.filter((l) => l !== 'check')).toEqual([]);
    s.setInFlight(false);
    s.timers.advance(5_000);
    await flush();
    expect(s.u.log.filter((l) => l !== 'check')).toEqual(['service stopped', 'quitAndInstall(true,true)']);
    expect(s.controller.state()).toEqual({ kind: 'installing', version: '1.2.0' });
  });

  it('treats a failing busy check as busy', async () => {
    const s = setup();
    s.failBusy();
    s.u.downloaded('1.2.0');
    await flush();
    s.timers.advance(20_000);
    await flush();
    expect(s.u.log.filter((l) => l !== 'check')).toEqual([]);
    expect(s.controller.state()).toEqual({ kind: 'waiting_for_payment', version: '1.2.0' });
  });

  it('installs once even if the download is reported twice', async () => {
    const s = setup();
    s.u.downloaded('1.2.0');
    s.u.downloaded('1.2.0');
    await flush();
    await flush();
    expect(s.u.log.filter((l) => l.startsWith('quitAndInstall'))).toHaveLength(1);
  });

  it('stops retrying once stopped (app quitting)', async () => {
    const s = setup();
    s.setInFlight(true);
    s.u.downloaded('1.2.0');
    await flush();
    s.controller.stop();
    s.setInFlight(false);
    s.timers.advance(60_000);
    await flush();
    expect(s.u.log).toEqual([]);
    expect(s.timers.pending()).toBe(0);
  });
});
