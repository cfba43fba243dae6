/**
 * A USB HID scanner read through node-hid: HID POS (usage page 0x8C) with a vendor profile, or a
 * keyboard-mode scanner through Linux hidraw (boot reports). node-hid is loaded lazily from the
 * injected loader; when it cannot load, the status is `unavailable` with the reason and nothing
 * else is affected. Hot-plug by polling `devicesAsync()` with capped back-off (node-hid has no
 * attach events); a device that errors mid-read is closed, its partial code rejected, and found again.
 */

import type { Clock } from '../../ports/clock.ts';
import { systemClock } from '../../ports/clock.ts';
import type { ScannerStatus } from '../../ports/scanner-source.ts';
import type { HidProfileName, HidScannerConfig } from '../scanner-config.ts';
import { hex4 } from '../scanner-config.ts';
import type { FlushReason, FrameEvent } from '../serial/line-framer.ts';
import { type BackoffPolicy, backoffDelay, DEFAULT_RECONNECT } from '../shared/backoff.ts';
import { EmittingScannerSource } from '../shared/emitting-source.ts';
import { BootKeyboardDecoder } from './boot-keyboard-decoder.ts';
import {
  type HidDeviceHandle,
  type HidDeviceInfo,
  type HidModule,
  isKeyboardInterface,
  loadNodeHid,
  USAGE_PAGE_POS_SCANNER,
} from './hid-module.ts';
import { HidPosDecoder } from './hid-pos-decoder.ts';

export interface HidSourceDeps {
  readonly clock?: Clock;
  readonly loadHid?: () => Promise<HidModule>;
  readonly reconnect?: BackoffPolicy;
  readonly platform?: NodeJS.Platform;
}

type ReportDecoder = {
  feed(report: Uint8Array): FrameEvent[];
  flush(reason: FlushReason): FrameEvent[];
  hasPending(): boolean;
};

export type ResolvedProfile = Exclude<HidProfileName, 'auto'>;

const NEWLAND = 0x1eab;
const HONEYWELL = 0x0c2e;

export function resolveProfile(configured: HidProfileName, device: HidDeviceInfo): ResolvedProfile {
  if (configured !== 'auto') return configured;
  if (isKeyboardInterface(device)) return 'keyboard';
  if (device.vendorId === NEWLAND) return 'newland';
  if (device.vendorId === HONEYWELL) return 'honeywell';
  return 'generic';
}

/** Among a device's interfaces, the one to read: the POS scanner page, else the keyboard (hidraw). */
export function pickInterface(
  devices: readonly HidDeviceInfo[],
  config: HidScannerConfig,
): HidDeviceInfo | undefined {
  const ours = devices.filter(
    (d) => d.vendorId === config.vendorId && d.productId === config.productId && d.path !== undefined,
  );
  const pos = ours.find((d) => d.usagePage === USAGE_PAGE_POS_SCANNER);
  const keyboard = ours.find(isKeyboardInterface);
  if (config.profile === 'keyboard') return keyboard;
  if (config.profile === 'auto') return pos ?? keyboard ?? ours[0];
  return pos ?? ours.find((d) => !isKeyboardInterface(d)) ?? ours[0];
}

export class NodeHidScannerSource extends EmittingScannerSource {
  override readonly transport = 'hid' as const;
  readonly #config: HidScannerConfig;
  readonly #clock: Clock;
  readonly #load: () => Promise<HidModule>;
  readonly #reconnect: BackoffPolicy;
  readonly #platform: NodeJS.Platform;
  #abort: AbortController | undefined;
  #loop: Promise<void> | undefined;
  #closeDevice: ((reason: string) => void) | undefined;
  #decoder: ReportDecoder | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #lastReportAt = 0;

  constructor(id: string, config: HidScannerConfig, deps: HidSourceDeps = {}) {
    super(id, 'hid');
    this.#config = config;
    this.#clock = deps.clock ?? systemClock;
    this.#load = deps.loadHid ?? loadNodeHid;
    this.#reconnect = deps.reconnect ?? DEFAULT_RECONNECT;
    this.#platform = deps.platform ?? process.platform;
  }

  async start(): Promise<void> {
    if (this.#loop) return;
    this.events.setStatus({ state: 'connecting' }, this.#clock.now());
    let hid: HidModule;
    try {
      hid = await this.#load();
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      this.events.setStatus(
        {
          state: 'unavailable',
          code: typeof code === 'string' ? code : 'hid_unavailable',
          reason: (error as Error).message ?? String(error),
        },
        this.#clock.now(),
      );
      return;
    }
    const abort = new AbortController();
    this.#abort = abort;
    this.#loop = this.#run(hid, abort.signal);
  }

  async stop(): Promise<void> {
    this.#abort?.abort();
    this.#closeDevice?.('stopped');
    await this.#loop;
    this.#loop = undefined;
    this.#abort = undefined;
    this.events.setStatus({ state: 'disconnected', reason: 'stopped' }, this.#clock.now());
  }

  get #name(): string {
    return `${hex4(this.#config.vendorId)}:${hex4(this.#config.productId)}`;
  }

  async #run(hid: HidModule, signal: AbortSignal): Promise<void> {
    let attempt = 0;
    while (!signal.aborted) {
      let info: HidDeviceInfo | undefined;
      try {
        info = pickInterface(await hid.devicesAsync(), this.#config);
        if (!info) {
          this.events.setStatus(
            { state: 'disconnected', reason: `no HID device ${this.#name} connected` },
            this.#clock.now(),
          );
        }
      } catch (error) {
        this.events.setStatus(
          {
            state: 'error',
            code: 'hid_enumeration_failed',
            reason: `cannot list HID devices: ${(error as Error).message}`,
          },
          this.#clock.now(),
        );
      }
      if (info && !signal.aborted) {
        const reason = await this.#session(hid, info, signal);
        if (reason === undefined) attempt = 0;
      }
      if (signal.aborted) break;
      await this.#clock.sleep(backoffDelay(this.#reconnect, attempt++), signal);
    }
  }

  /** Opens and reads one device until it goes away. Returns undefined after a successful connection. */
  async #session(hid: HidModule, info: HidDeviceInfo, signal: AbortSignal): Promise<string | undefined> {
    const path = info.path!;
    let device: HidDeviceHandle;
    try {
      device = await hid.HIDAsync.open(path);
    } catch (error) {
      this.events.setStatus(this.#openFailure(path, error), this.#clock.now());
      return 'open failed';
    }
    if (signal.aborted) {
      await Promise.resolve(device.close()).catch(() => {});
      return 'stopped';
    }
    const profile = resolveProfile(this.#config.profile, info);
    this.#decoder =
      profile === 'keyboard'
        ? new BootKeyboardDecoder({ maxLength: this.#config.maxLength })
        : new HidPosDecoder({ profile, maxLength: this.#config.maxLength });
    const closed = new Promise<string>((resolve) => {
      this.#closeDevice = resolve;
    });
    device.on('data', (report) => this.#onReport(report));
    device.on('error', (error) => this.#closeDevice?.(`${this.#name} went away: ${error.message}`));
    if (profile === 'honeywell') {
      // Honeywell scanners start sending HID POS reports only after this enable feature report.
      await Promise.resolve()
        .then(() => device.sendFeatureReport([0xfe, 0x01]))
        .catch(() => {});
    }
    this.events.setStatus({ state: 'connected', detail: `${path} (${profile})` }, this.#clock.now());
    const reason = await closed;
    this.#closeDevice = undefined;
    device.removeAllListeners();
    await Promise.resolve()
      .then(() => device.close())
      .catch(() => {});
    this.#flush('disconnect');
    this.#decoder = undefined;
    if (!signal.aborted) this.events.setStatus({ state: 'disconnected', reason }, this.#clock.now());
    return undefined;
  }

  /** The handler node-hid's 'data' events call (tests feed recorded reports through a fake device). */
  #onReport(report: Uint8Array): void {
    const decoder = this.#decoder;
    if (!decoder) return;
    this.#lastReportAt = this.#clock.now();
    this.#deliver(decoder.feed(report));
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    if (decoder.hasPending()) {
      this.#timer = setTimeout(() => {
        this.#timer = undefined;
        this.#flush('idle');
      }, this.#config.endTimeoutMs);
    }
  }

  #flush(reason: FlushReason): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#decoder) this.#deliver(this.#decoder.flush(reason));
  }

  #deliver(events: readonly FrameEvent[]): void {
    for (const event of events) {
      if (event.kind === 'code') this.events.scan(event.text, this.#lastReportAt);
      else this.events.reject(event.reason, this.#lastReportAt);
    }
  }

  #openFailure(path: string, error: unknown): ScannerStatus {
    const message = (error as Error).message ?? String(error);
    if (this.#platform === 'linux' && /cannot open|permission|EACCES/i.test(message)) {
      return {
        state: 'error',
        code: 'hid_permission_denied',
        reason: `cannot open ${path}: install a udev rule: KERNEL=="hidraw*", ATTRS{idVendor}=="${hex4(this.#config.vendorId)}", MODE="0660", GROUP="plugdev" (see scanpay doctor)`,
      };
    }
    return { state: 'error', code: 'hid_open_failed', reason: `cannot open ${path}: ${message}` };
  }
}
