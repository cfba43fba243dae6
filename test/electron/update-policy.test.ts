import { describe, expect, it } from 'vitest';
import { UPDATE_REFUSAL_CODES, UpdateRefusedError } from '../../core/release/update-signature.ts';
import { parseConfig } from '../../core/service/config/load-config.ts';
import { startUpdates, type UpdaterLike, updateFeedUrl } from '../../electron/update-policy.ts';
import type { DownloadedUpdate } from '../../electron/update-verifier.ts';
import { en } from '../../renderer/src/i18n/en.ts';
import { zhCN } from '../../renderer/src/i18n/zh-cn.ts';
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
    (listeners.get('update-downloaded') as (i: DownloadedUpdate) => void)({
      version,
      downloadedFile: `/cache/ScanPay Kiosk-${version}-x64.AppImage`,
      files: [{ url: `ScanPay Kiosk-${version}-x64.AppImage` }],
    });
  return {
    updater,
    log,
    downloaded,
    failChecks: () => (checkResult = async () => Promise.reject(new Error('ECONNREFUSED'))),
  };
}

/** Lets every promise chain that is not waiting on a timer run to its end. */
const flush = async () => {
  for (let i = 0; i < 3; i++) await new Promise<void>((resolve) => setImmediate(resolve));
};

describe('update feed URL', () => {
  it('accepts https URLs (a LAN server is fine) and refuses plain http and others', () => {
    expect(updateFeedUrl('https://192.168.1.10/scanpay/')).toEqual({
      ok: true,
      url: 'https://192.168.1.10/scanpay/',
    });
    expect(updateFeedUrl('http://192.168.1.10/scanpay/')).toEqual({
      ok: false,
      reason: 'updates.url must be an https:// URL',
    });
    expect(updateFeedUrl(undefined).ok).toBe(false);
    expect(updateFeedUrl('  ').ok).toBe(false);
    expect(updateFeedUrl('file:///srv/updates').ok).toBe(false);
    expect(updateFeedUrl('not a url').ok).toBe(false);
  });
});

describe('updates.url in config.json', () => {
  it('refuses plain http at load, naming the key', () => {
    expect(() => parseConfig({ updates: { url: 'http://192.168.1.10/scanpay/' } })).toThrow(
      /updates\.url: must be an https:\/\/ URL/,
    );
    expect(parseConfig({ updates: { url: 'https://192.168.1.10/scanpay/' } }).updates).toEqual({
      url: 'https://192.168.1.10/scanpay/',
    });
  });
});

describe('update refusals on screen', () => {
  it('have their own text in both languages', () => {
    for (const code of UPDATE_REFUSAL_CODES) {
      const key = `error.${code}` as keyof typeof en;
      expect(en[key], code).toMatch(/update/i);
      expect(zhCN[key], code).toMatch(/更新/);
    }
  });
});

describe('auto-update', () => {
  function setup(...args: [url: string | undefined] | []) {
    const url = args.length === 0 ? 'https://updates.shop.lan/scanpay' : args[0];
    const verified: string[] = [];
    const refused: string[] = [];
    let verdict: (update: DownloadedUpdate) => Promise<void> = async () => {};
    let verifierFeeds: string[] = [];
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
      verifier: (feedUrl) => {
        verifierFeeds.push(feedUrl);
        return async (update) => {
          verified.push(update.version);
          await verdict(update);
        };
      },
      onRefused: (error) => refused.push(error.code),
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
      verified,
      refused,
      verifierFeeds: () => verifierFeeds,
      refuseWith: (code: 'update_unsigned' | 'update_signature_invalid' | 'update_signature_unavailable') =>
        (verdict = async (update) => {
          throw new UpdateRefusedError(code, `update ${update.version} refused`);
        }),
      acceptAll: () => (verdict = async () => {}),
      resetFeeds: () => (verifierFeeds = []),
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
    // Verified when it arrived and again right before installing, against the configured feed.
    expect(s.verified).toEqual(['1.2.0', '1.2.0']);
    expect(s.verifierFeeds()).toEqual(['https://updates.shop.lan/scanpay']);
  });

  it('does not even build the updater for a plain-http feed', () => {
    const s = setup('http://updates.shop.lan/scanpay');
    expect(s.controller.state()).toEqual({ kind: 'disabled', reason: 'updates.url must be an https:// URL' });
    expect(s.built()).toBe(0);
  });

  for (const code of ['update_unsigned', 'update_signature_invalid'] as const) {
    it(`never installs a package refused as ${code}, reports it, and keeps checking`, async () => {
      const s = setup();
      s.refuseWith(code);
      s.u.downloaded('1.2.0');
      await flush();
      s.timers.advance(60_000);
      await flush();
      expect(s.u.log.filter((l) => l !== 'check')).toEqual([]);
      expect(s.stops).toEqual([]);
      expect(s.refused).toEqual([code]);
      expect(s.controller.state()).toEqual({ kind: 'refused', version: '1.2.0', code });
      expect(s.lines.some((l) => l.includes(code))).toBe(true);
      // A later, good release is still picked up.
      expect(s.u.log.filter((l) => l === 'check').length).toBeGreaterThan(0);
      s.acceptAll();
      s.u.downloaded('1.2.1');
      await flush();
      expect(s.u.log.filter((l) => l !== 'check')).toEqual(['service stopped', 'quitAndInstall(true,true)']);
    });
  }

  it('treats an unreachable signature as no verdict: idle again, nothing installed', async () => {
    const s = setup();
    s.refuseWith('update_signature_unavailable');
    s.u.downloaded('1.2.0');
    await flush();
    expect(s.controller.state()).toEqual({ kind: 'idle' });
    expect(s.u.log.filter((l) => l !== 'check')).toEqual([]);
    expect(s.refused).toEqual(['update_signature_unavailable']);
  });

  it('re-verifies before installing a package that waited for a sale, and refuses it if it changed', async () => {
    const s = setup();
    s.setInFlight(true);
    s.u.downloaded('1.2.0');
    await flush();
    expect(s.verified).toEqual(['1.2.0']);
    s.refuseWith('update_signature_invalid');
    s.setInFlight(false);
    s.timers.advance(5_000);
    await flush();
    expect(s.u.log.filter((l) => l !== 'check')).toEqual([]);
    expect(s.stops).toEqual([]);
    expect(s.controller.state()).toEqual({
      kind: 'refused',
      version: '1.2.0',
      code: 'update_signature_invalid',
    });
    // Checking goes on after a refusal at install time (the install retries had replaced its timer).
    const checks = s.u.log.filter((l) => l === 'check').length;
    s.timers.advance(60_000);
    expect(s.u.log.filter((l) => l === 'check').length).toBe(checks + 1);
  });

  it('turns updates off when the release key cannot be read', () => {
    const timers = manualTimers();
    let built = 0;
    const controller = startUpdates({
      updater: () => {
        built++;
        return fakeUpdater().updater;
      },
      url: 'https://updates.shop.lan/scanpay',
      verifier: () => {
        throw new Error('ENOENT release-public-key.pem');
      },
      isBusy: () => false,
      beforeInstall: async () => {},
      timers,
    });
    expect(controller.state()).toEqual({
      kind: 'disabled',
      reason: 'release key unusable: ENOENT release-public-key.pem',
    });
    expect(built).toBe(0);
    expect(timers.pending()).toBe(0);
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
