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
import { HID_POS_LAYOUTS, type HidPosLayout, VENDOR_LAYOUTS } from './hid-pos-layout.ts';

export interface HidSourceDeps {
  readonly clock?: Clock;
  readonly loadHid?: () => Promise<HidModule>;
  readonly reconnect?: BackoffPolicy;
  readonly platform?: NodeJS.Platform;
  /** Sees every report as it arrives, before decoding (`scanpay listen --raw`). */
  readonly onRawReport?: (report: Uint8Array, at: number) => void;
}

type ReportDecoder = {
  feed(report: Uint8Array): FrameEvent[];
  flush(reason: FlushReason): FrameEvent[];
  hasPending(): boolean;
};

export type ResolvedProfile =
  | { readonly kind: 'keyboard' }
  | { readonly kind: 'pos'; readonly name: string; readonly layout: HidPosLayout }
  | { readonly kind: 'unknown'; readonly reason: string };

/** How to read this interface: the configured layout or profile, else by interface and USB vendor. */
export function resolveProfile(config: HidScannerConfig, device: HidDeviceInfo): ResolvedProfile {
  if (config.layout) return { kind: 'pos', name: 'custom layout', layout: config.layout };
  const configured: HidProfileName = config.profile;
  if (configured === 'keyboard') return { kind: 'keyboard' };
  if (configured !== 'auto') return { kind: 'pos', name: configured, layout: HID_POS_LAYOUTS[configured] };
  if (isKeyboardInterface(device)) return { kind: 'keyboard' };
  const known = VENDOR_LAYOUTS.get(device.vendorId);
  if (known) return { kind: 'pos', name: known, layout: HID_POS_LAYOUTS[known] };
  // Guessing a layout could read a wrong code that still looks valid: refuse, and say how to fix it.
  return {
    kind: 'unknown',
    reason: `no HID POS layout known for USB vendor ${hex4(device.vendorId)}: set "profile" (honeywell, newland) or a "layout" (record reports with scanpay listen --hid VID:PID --raw; docs/scanner-facts.md)`,
  };
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
  readonly #onRawReport: ((report: Uint8Array, at: number) => void) | undefined;
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
    this.#onRawReport = deps.onRawReport;
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
    const profile = resolveProfile(this.#config, info);
    if (profile.kind === 'unknown') {
      this.events.setStatus(
        { state: 'error', code: 'hid_unknown_layout', reason: profile.reason },
        this.#clock.now(),
      );
      return 'unknown layout';
    }
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
    this.#decoder =
      profile.kind === 'keyboard'
        ? new BootKeyboardDecoder({ maxLength: this.#config.maxLength })
        : new HidPosDecoder({ layout: profile.layout, maxLength: this.#config.maxLength });
    const closed = new Promise<string>((resolve) => {
      this.#closeDevice = resolve;
    });
    device.on('data', (report) => this.#onReport(report));
    device.on('error', (error) => this.#closeDevice?.(`${this.#name} went away: ${error.message}`));
    const enable = profile.kind === 'pos' ? profile.layout.enableReport : null;
    if (enable) {
      // Honeywell and Youjie start sending HID POS reports only once told to; other vendors of the
      // same layout ignore or refuse the report, which is not an error (docs/scanner-facts.md).
      const bytes = [enable.reportId, ...enable.data];
      await Promise.resolve()
        .then(() => (enable.kind === 'feature' ? device.sendFeatureReport(bytes) : device.write(bytes)))
        .catch(() => {});
    }
    const name = profile.kind === 'pos' ? profile.name : 'keyboard';
    this.events.setStatus({ state: 'connected', detail: `${path} (${name})` }, this.#clock.now());
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
    this.#onRawReport?.(report, this.#lastReportAt);
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
      else this.events.reject(event.reason, this.#lastReportAt, event.code);
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
