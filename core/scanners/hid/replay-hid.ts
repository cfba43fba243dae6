/**
 * A node-hid stand-in that plays recorded reports (`scanpay listen --hid-replay FILE`): it lists one
 * HID POS device and, once the source has opened it and subscribed, emits each report as a 'data'
 * event, exactly as node-hid does for a live scanner. The source, decoder and output are the live
 * ones; only the bytes come from a file.
 */
import { EventEmitter } from 'node:events';
import type { HidDeviceHandle, HidDeviceInfo, HidModule } from './hid-module.ts';
import { USAGE_KEYBOARD, USAGE_PAGE_GENERIC_DESKTOP, USAGE_PAGE_POS_SCANNER } from './hid-module.ts';

export interface ReplayHid extends HidModule {
  /** Resolves once every report has been emitted. */
  readonly finished: Promise<void>;
}

class ReplayDevice extends EventEmitter implements HidDeviceHandle {
  close(): void {}
  sendFeatureReport(data: number[]): number {
    return data.length;
  }
  write(data: number[]): number {
    return data.length;
  }
}

export function replayHid(
  reports: readonly Uint8Array[],
  ids: { readonly vendorId: number; readonly productId: number; readonly keyboard?: boolean },
): ReplayHid {
  let done: () => void = () => {};
  const finished = new Promise<void>((resolve) => {
    done = resolve;
  });
  // A keyboard-mode recording is listed as a boot keyboard interface, a HID POS one on page 0x8C.
  const info: HidDeviceInfo = {
    vendorId: ids.vendorId,
    productId: ids.productId,
    path: 'replay',
    usagePage: ids.keyboard ? USAGE_PAGE_GENERIC_DESKTOP : USAGE_PAGE_POS_SCANNER,
    usage: ids.keyboard ? USAGE_KEYBOARD : 0x02,
  };
  let opened = false;
  return {
    finished,
    async devicesAsync() {
      return opened ? [] : [info];
    },
    HIDAsync: {
      async open() {
        opened = true;
        const device = new ReplayDevice();
        device.once('newListener', (event) => {
          if (event !== 'data') return;
          // After the source's synchronous setup, like a real device whose first report comes later.
          setImmediate(() => {
            for (const report of reports) device.emit('data', Buffer.from(report));
            done();
          });
        });
        return device;
      },
    },
  };
}
