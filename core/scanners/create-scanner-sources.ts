/**
 * Builds one ScannerSource per configured scanner. Native modules are loaded lazily by the
 * sources themselves (through the injected loaders), so configuring only a wedge scanner never
 * loads serialport or node-hid, and a missing libusb only makes the HID sources `unavailable`.
 */
import type { WedgeFeed } from '../common/wedge/wedge-feed.ts';
import type { Clock } from '../ports/clock.ts';
import type { ScannerSource } from '../ports/scanner-source.ts';
import type { HidModule } from './hid/hid-module.ts';
import { NodeHidScannerSource } from './hid/node-hid-scanner-source.ts';
import { type ScannerConfig, sourceIdFor } from './scanner-config.ts';
import type { SerialPortModule } from './serial/serial-port-module.ts';
import { SerialPortScannerSource } from './serial/serialport-scanner-source.ts';
import type { BackoffPolicy } from './shared/backoff.ts';
import { WedgeScannerSource } from './wedge/wedge-scanner-source.ts';

export interface ScannerSourceDeps {
  readonly clock?: Clock;
  readonly loadHid?: () => Promise<HidModule>;
  /** The `serialport` package (or a stand-in), or a loader for it. */
  readonly serialPortModule?: SerialPortModule | (() => Promise<SerialPortModule>);
  readonly wedgeFeed?: WedgeFeed;
  readonly reconnect?: BackoffPolicy;
  /** Every HID report before decoding (`scanpay listen --raw`). */
  readonly onRawHidReport?: (report: Uint8Array, at: number) => void;
}

export function createScannerSources(
  configs: readonly ScannerConfig[],
  deps: ScannerSourceDeps = {},
): ScannerSource[] {
  const { clock, loadHid, serialPortModule, wedgeFeed, reconnect, onRawHidReport } = deps;
  const loadSerialPort =
    typeof serialPortModule === 'function'
      ? serialPortModule
      : serialPortModule
        ? async () => serialPortModule
        : undefined;
  const seen = new Map<string, number>();
  return configs.map((config) => makeSource(config, idFor(config)));

  function idFor(config: ScannerConfig): string {
    // Two scanners of the same model get distinct ids instead of colliding.
    const base = sourceIdFor(config);
    const count = (seen.get(base) ?? 0) + 1;
    seen.set(base, count);
    return count === 1 ? base : `${base}#${count}`;
  }

  function makeSource(config: ScannerConfig, id: string): ScannerSource {
    switch (config.kind) {
      case 'serial':
        return new SerialPortScannerSource(id, config, {
          ...(clock && { clock }),
          ...(loadSerialPort && { loadSerialPort }),
          ...(reconnect && { reconnect }),
        });
      case 'hid':
        return new NodeHidScannerSource(id, config, {
          ...(clock && { clock }),
          ...(loadHid && { loadHid }),
          ...(reconnect && { reconnect }),
          ...(onRawHidReport && { onRawReport: onRawHidReport }),
        });
      case 'wedge':
        return new WedgeScannerSource(id, config, {
          ...(clock && { clock }),
          ...(wedgeFeed && { feed: wedgeFeed }),
        });
    }
  }
}
