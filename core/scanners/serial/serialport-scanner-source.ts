/**
 * A serial scanner (USB CDC-ACM or RS-232) read through serialport. One connect loop per source:
 * find the port (fixed path, or the port list matched by vendor/product/serial number, whose path
 * may change after a replug: ttyACM0 → ttyACM1), open it, read until it closes, then retry with
 * capped back-off until stopped. An unplug (`close` with `disconnected`) is a status change, never
 * a crash, and a code cut off by it is rejected, not handed on.
 *
 * Liveness: some drivers never report an unplug (serialport issues: no `close` on a physical
 * unplug on some systems), so while connected the device is checked every `livenessIntervalMs`:
 * a path that no longer exists, or now names another device (its inode/device number changed), or
 * a COM port gone from the port list closes the port and the loop reopens it when it is back.
 */
import { existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { Clock } from '../../ports/clock.ts';
import { systemClock } from '../../ports/clock.ts';
import type { ScannerStatus } from '../../ports/scanner-source.ts';
import type { SerialScannerConfig } from '../scanner-config.ts';
import { type BackoffPolicy, backoffDelay, DEFAULT_RECONNECT } from '../shared/backoff.ts';
import { EmittingScannerSource } from '../shared/emitting-source.ts';
import { type FlushReason, type FrameEvent, LineFramer } from './line-framer.ts';
import {
  loadSerialPort,
  portMatches,
  type SerialPortHandle,
  type SerialPortInfo,
  type SerialPortModule,
} from './serial-port-module.ts';

export interface SerialSourceDeps {
  readonly clock?: Clock;
  readonly loadSerialPort?: () => Promise<SerialPortModule>;
  readonly reconnect?: BackoffPolicy;
}

type Located =
  | { readonly kind: 'found'; readonly path: string }
  | { readonly kind: 'missing'; readonly status: ScannerStatus };

export class SerialPortScannerSource extends EmittingScannerSource {
  override readonly transport = 'serial' as const;
  readonly #config: SerialScannerConfig;
  readonly #clock: Clock;
  readonly #load: () => Promise<SerialPortModule>;
  readonly #reconnect: BackoffPolicy;
  readonly #framer: LineFramer;
  #abort: AbortController | undefined;
  #loop: Promise<void> | undefined;
  #port: SerialPortHandle | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #lastByteAt = 0;

  constructor(id: string, config: SerialScannerConfig, deps: SerialSourceDeps = {}) {
    super(id, 'serial');
    this.#config = config;
    this.#clock = deps.clock ?? systemClock;
    this.#load = deps.loadSerialPort ?? loadSerialPort;
    this.#reconnect = deps.reconnect ?? DEFAULT_RECONNECT;
    this.#framer = new LineFramer({ terminator: config.terminator, maxLength: config.maxLength });
  }

  async start(): Promise<void> {
    if (this.#loop) return;
    const abort = new AbortController();
    this.#abort = abort;
    this.events.setStatus({ state: 'connecting' }, this.#clock.now());
    let module: SerialPortModule;
    try {
      module = await this.#load();
    } catch (error) {
      this.#abort = undefined;
      this.events.setStatus(
        {
          state: 'unavailable',
          code: 'serial_module_unavailable',
          reason: `serialport could not be loaded: ${(error as Error).message}`,
        },
        this.#clock.now(),
      );
      return;
    }
    this.#loop = this.#run(module, abort.signal);
  }

  async stop(): Promise<void> {
    this.#abort?.abort();
    this.#closePort();
    await this.#loop;
    this.#loop = undefined;
    this.#abort = undefined;
    this.events.setStatus({ state: 'disconnected', reason: 'stopped' }, this.#clock.now());
  }

  async #run(module: SerialPortModule, signal: AbortSignal): Promise<void> {
    let attempt = 0;
    while (!signal.aborted) {
      const located = await this.#locate(module);
      if (signal.aborted) break;
      if (located.kind === 'missing') {
        this.events.setStatus(located.status, this.#clock.now());
      } else {
        const opened = await this.#open(module, located.path);
        if (signal.aborted) {
          this.#closePort();
          break;
        }
        if (opened.kind === 'open') {
          attempt = 0;
          this.events.setStatus({ state: 'connected', detail: located.path }, this.#clock.now());
          const reason = await opened.closed;
          this.#port = undefined;
          this.#flush('disconnect');
          if (signal.aborted) break;
          this.events.setStatus({ state: 'disconnected', reason }, this.#clock.now());
        } else {
          this.events.setStatus(opened.status, this.#clock.now());
        }
      }
      await this.#clock.sleep(backoffDelay(this.#reconnect, attempt++), signal);
    }
  }

  async #locate(module: SerialPortModule): Promise<Located> {
    const { path, match } = this.#config;
    if (path) return { kind: 'found', path };
    if (!match) {
      return {
        kind: 'missing',
        status: { state: 'error', code: 'serial_config', reason: 'no path or match configured' },
      };
    }
    try {
      const ports = await module.SerialPort.list();
      const found = ports.find((port) => portMatches(port, match));
      if (found) return { kind: 'found', path: stablePath(found) };
      return {
        kind: 'missing',
        status: { state: 'disconnected', reason: 'no serial port matches the configured ids' },
      };
    } catch (error) {
      return {
        kind: 'missing',
        status: {
          state: 'error',
          code: 'serial_list_failed',
          reason: `cannot list serial ports (is udevadm installed?): ${(error as Error).message}`,
        },
      };
    }
  }

  #open(
    module: SerialPortModule,
    path: string,
  ): Promise<{ kind: 'open'; closed: Promise<string> } | { kind: 'failed'; status: ScannerStatus }> {
    const { baudRate, dataBits, parity, stopBits } = this.#config;
    let port: SerialPortHandle;
    try {
      port = new module.SerialPort({ path, baudRate, dataBits, parity, stopBits, autoOpen: false });
    } catch (error) {
      return Promise.resolve({ kind: 'failed', status: openFailure(path, error) });
    }
    return new Promise((resolve) => {
      port.open((error) => {
        if (error) {
          port.removeAllListeners();
          resolve({ kind: 'failed', status: openFailure(path, error) });
          return;
        }
        this.#port = port;
        let finish: (reason: string) => void = () => {};
        const closed = new Promise<string>((done) => {
          let finished = false;
          finish = (reason) => {
            if (finished) return;
            finished = true;
            done(reason);
          };
        });
        port.on('close', (closeError) => {
          port.removeAllListeners();
          finish(closeError?.disconnected ? `${path} was unplugged` : `${path} closed`);
        });
        const stopWatching = this.#watchLiveness(module, path, (reason) => {
          finish(reason);
          port.removeAllListeners();
          if (port.isOpen) port.close(() => {});
        });
        void closed.then(stopWatching);
        port.on('error', (portError) => {
          // serialport reports read failures as a disconnected close; anything else is logged here
          // only as a status so the loop keeps going.
          this.events.setStatus(
            { state: 'error', code: 'serial_io_error', reason: `${path}: ${portError.message}` },
            this.#clock.now(),
          );
        });
        port.on('data', (chunk) => this.#onData(chunk));
        resolve({ kind: 'open', closed });
      });
    });
  }

  /** Checks, one at a time every livenessIntervalMs, that `path` still names the device opened. */
  #watchLiveness(module: SerialPortModule, path: string, gone: (reason: string) => void): () => void {
    let stopped = false;
    let busy = false;
    let opened: DeviceIdentity | undefined;
    const check = async () => {
      const now = await identify(module, path);
      if (stopped) return;
      if (now === 'missing') gone(`${path} vanished (the driver reported no close)`);
      else if (opened === undefined) opened = now;
      else if (!sameDevice(opened, now)) gone(`${path} was replaced by another device`);
    };
    void check();
    const timer = setInterval(() => {
      if (busy || stopped) return;
      busy = true;
      void check().finally(() => {
        busy = false;
      });
    }, this.#config.livenessIntervalMs);
    timer.unref?.();
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }

  #onData(chunk: Uint8Array): void {
    this.#lastByteAt = this.#clock.now();
    this.#deliver(this.#framer.push(chunk));
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    if (!this.#framer.hasPending()) return;
    const none = this.#config.terminator === 'none';
    this.#timer = setTimeout(
      () => {
        this.#timer = undefined;
        this.#flush(none ? 'idle' : 'stale');
      },
      none ? this.#config.idleTimeoutMs : this.#config.partialTimeoutMs,
    );
  }

  #flush(reason: FlushReason): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#deliver(this.#framer.flush(reason));
  }

  #deliver(events: readonly FrameEvent[]): void {
    for (const event of events) {
      if (event.kind === 'code') this.events.scan(event.text, this.#lastByteAt);
      else this.events.reject(event.reason, this.#lastByteAt, event.code);
    }
  }

  #closePort(): void {
    const port = this.#port;
    if (port?.isOpen) port.close(() => {});
  }
}

type DeviceIdentity = { readonly dev: number; readonly ino: number } | 'listed';

const sameDevice = (a: DeviceIdentity, b: DeviceIdentity) =>
  a === 'listed' || b === 'listed' ? a === b : a.dev === b.dev && a.ino === b.ino;

/**
 * What `path` names now: a device file's device number and inode (through any symlink), or, for
 * names that are not files (Windows COM3), whether the port list still has it.
 */
async function identify(module: SerialPortModule, path: string): Promise<DeviceIdentity | 'missing'> {
  if (path.startsWith('/')) {
    try {
      const info = await stat(path);
      return { dev: info.rdev, ino: info.ino };
    } catch {
      return 'missing';
    }
  }
  try {
    const ports = await module.SerialPort.list();
    return ports.some((port) => port.path.toLowerCase() === path.toLowerCase()) ? 'listed' : 'missing';
  } catch {
    return 'listed'; // cannot tell: never close a working port on a failed listing
  }
}

/** The /dev/serial/by-id link names this very device, whatever ttyACM number it got this time. */
function stablePath(port: SerialPortInfo): string {
  const byId = port.pnpId ? `/dev/serial/by-id/${port.pnpId}` : undefined;
  return byId && existsSync(byId) ? byId : port.path;
}

function openFailure(path: string, error: unknown): ScannerStatus {
  const message = (error as Error).message ?? String(error);
  if (/ENOENT|no such file/i.test(message))
    return { state: 'disconnected', reason: `${path} is not present` };
  if (/EACCES|permission denied/i.test(message)) {
    return {
      state: 'error',
      code: 'serial_permission_denied',
      reason: `no permission to open ${path}: add the kiosk user to the dialout group (run scanpay doctor)`,
    };
  }
  if (/EBUSY|lock/i.test(message)) {
    return { state: 'error', code: 'serial_port_busy', reason: `${path} is in use by another program` };
  }
  return { state: 'error', code: 'serial_open_failed', reason: `cannot open ${path}: ${message}` };
}
