/**
 * The slice of node-hid the HID adapter and doctor use. node-hid is loaded lazily through
 * `loadNodeHid` (or a test's fake), so a machine whose libusb/libudev is missing still runs serial
 * and wedge scanners, and can say why HID is unavailable.
 */
import { UnavailableError } from '../../common/errors.ts';

export interface HidDeviceInfo {
  readonly vendorId: number;
  readonly productId: number;
  readonly path?: string | undefined;
  readonly serialNumber?: string | undefined;
  readonly manufacturer?: string | undefined;
  readonly product?: string | undefined;
  readonly interface?: number | undefined;
  readonly usagePage?: number | undefined;
  readonly usage?: number | undefined;
}

export interface HidDeviceHandle {
  on(event: 'data', listener: (report: Buffer) => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  removeAllListeners(): unknown;
  close(): Promise<void> | void;
  sendFeatureReport(data: number[]): Promise<number> | number;
  write(data: number[]): Promise<number> | number;
}

export interface HidModule {
  devicesAsync(): Promise<HidDeviceInfo[]>;
  readonly HIDAsync: { open(path: string): Promise<HidDeviceHandle> };
}

export const USAGE_PAGE_POS_SCANNER = 0x8c;
export const USAGE_PAGE_GENERIC_DESKTOP = 0x01;
export const USAGE_KEYBOARD = 0x06;

export function isKeyboardInterface(device: HidDeviceInfo): boolean {
  return device.usagePage === USAGE_PAGE_GENERIC_DESKTOP && device.usage === USAGE_KEYBOARD;
}

export async function loadNodeHid(): Promise<HidModule> {
  try {
    return (await import('node-hid')) as unknown as HidModule;
  } catch (error) {
    const message = (error as Error).message ?? String(error);
    const hint = /libusb|libudev/i.test(message)
      ? ' (install libusb-1.0-0 and libudev1: apt-get install libusb-1.0-0 libudev1)'
      : '';
    throw new UnavailableError('hid_unavailable', `node-hid cannot be loaded: ${message}${hint}`, undefined, {
      cause: error,
    });
  }
}
