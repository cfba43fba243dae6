/**
 * The terminal's side of store config distribution (core/hub/store-config.ts). At start, a kept
 * `<data dir>/store-config.json` whose signature checks out is laid over config.json (its keys
 * replace the till's own: language, ui, qr_display). While running, when the hub announces a newer
 * version (every ingest answer carries it), the terminal fetches it, checks the signature and the
 * version, and keeps it once no payment is in flight (a safe moment: nothing is half-done). At that
 * same moment the settings no sale reads mid-way apply at once (liveStoreConfig: the language and the
 * QR display's product and success time); the UI mode and kiosk switch, which decide what the screen
 * is, still wait for the next start. A config that fails the check is refused and logged, and the
 * one kept before stays.
 */
import type { KeyObject } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EngineLogger } from '../engine/engine-deps.ts';
import { configPublicKey, type SignedStoreConfig, verifyStoreConfig } from '../hub/store-config.ts';
import type { ServiceConfig } from './config/service-config.ts';

export const STORE_CONFIG_FILE = 'store-config.json';
const SAFE_MOMENT_RETRY_MS = 2000;

/** The kept config, if any and if it checks out with `key`. */
export function readKeptStoreConfig(
  dataDir: string,
  key: KeyObject,
  logger: EngineLogger,
): SignedStoreConfig | null {
  const path = join(dataDir, STORE_CONFIG_FILE);
  if (!existsSync(path)) return null;
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    logger.warn('store config ignored: not JSON', { path });
    return null;
  }
  const checked = verifyStoreConfig(value, key);
  if (!checked.ok) {
    logger.warn('store config ignored', { path, reason: checked.reason });
    return null;
  }
  return checked.config;
}

/** config.json with the store config's keys laid over it. */
export function withStoreConfig(config: ServiceConfig, store: SignedStoreConfig | null): ServiceConfig {
  if (!store) return config;
  const { body } = store;
  return {
    ...config,
    ...(body.language ? { language: body.language } : {}),
    ...(body.ui ? { ui: body.ui } : {}),
    ...(body.qr_display
      ? {
          qr_display: {
            ...config.qr_display,
            ...body.qr_display,
            success_ms: body.qr_display.success_ms ?? config.qr_display?.success_ms ?? 8000,
            auto_start: body.qr_display.auto_start ?? config.qr_display?.auto_start ?? false,
          },
        }
      : {}),
  };
}

/**
 * The running config after a store config was kept: its language and qr_display laid over the
 * till's own config.json, the UI mode and kiosk switch left as they started.
 */
export function liveStoreConfig(
  own: ServiceConfig,
  running: ServiceConfig,
  store: SignedStoreConfig,
): ServiceConfig {
  const next = withStoreConfig(own, store);
  return { ...running, language: next.language, qr_display: next.qr_display };
}

export interface StoreConfigSync {
  /** The version kept on disk (0: none). */
  readonly keptVersion: number;
  /** The hub said its newest version is `version`. */
  announced(version: number): void;
  stop(): void;
}

export function startStoreConfigSync(options: {
  readonly dataDir: string;
  readonly hubUrl: string;
  readonly token: string;
  readonly key: KeyObject;
  readonly kept: SignedStoreConfig | null;
  readonly paymentInFlight: () => boolean;
  readonly logger: EngineLogger;
  /** Called with a config just kept, while no payment is in flight: apply what may apply live. */
  readonly onKept?: (config: SignedStoreConfig) => void;
}): StoreConfigSync {
  let keptVersion = options.kept?.version ?? 0;
  let fetching = false;
  let pending: SignedStoreConfig | null = null;
  let timer: NodeJS.Timeout | null = null;
  let stopped = false;
  const path = join(options.dataDir, STORE_CONFIG_FILE);

  const keepWhenSafe = () => {
    timer = null;
    if (stopped || !pending) return;
    if (options.paymentInFlight()) {
      timer = setTimeout(keepWhenSafe, SAFE_MOMENT_RETRY_MS);
      return;
    }
    const config = pending;
    pending = null;
    const tmp = `${path}.tmp`;
    writeFileSync(tmp, JSON.stringify(config), { mode: 0o600 });
    renameSync(tmp, path);
    keptVersion = config.version;
    options.logger.info('store config kept: language and QR settings now, UI mode at the next start', {
      version: config.version,
    });
    options.onKept?.(config);
  };

  const fetchNewest = async () => {
    fetching = true;
    try {
      const res = await fetch(`${options.hubUrl.replace(/\/+$/, '')}/api/terminal/config`, {
        headers: { authorization: `Bearer ${options.token}` },
        signal: AbortSignal.timeout(10_000),
      });
      if (!res.ok) throw new Error(`the hub answered ${res.status}`);
      const body = (await res.json()) as { config?: unknown };
      const checked = verifyStoreConfig(body.config, options.key);
      if (!checked.ok) {
        options.logger.warn('store config refused', { reason: checked.reason });
        return;
      }
      if (checked.config.version <= keptVersion) return;
      pending = checked.config;
      if (!timer) keepWhenSafe();
    } catch (error) {
      options.logger.warn('store config could not be fetched: next announcement tries again', {
        error: (error as Error).message,
      });
    } finally {
      fetching = false;
    }
  };

  return {
    get keptVersion() {
      return keptVersion;
    },
    announced(version) {
      if (stopped || fetching || version <= keptVersion || version <= (pending?.version ?? 0)) return;
      void fetchNewest();
    },
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
    },
  };
}

/** The public key from config, or null with a logged reason when it is not a usable Ed25519 key. */
export function storeConfigKey(pem: string | undefined, logger: EngineLogger): KeyObject | null {
  if (!pem) return null;
  try {
    return configPublicKey(pem);
  } catch (error) {
    logger.warn('store config disabled', { reason: (error as Error).message });
    return null;
  }
}
