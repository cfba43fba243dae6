/**
 * The USB devices that are printers (an interface of class 7), for `scanpay doctor`: what a
 * technician copies into `printer.vendorId` / `printer.productId`. Read through the `usb` package's
 * device list; descriptors come without opening the device, names only where the system gives them
 * (a getter that fails for this user costs the name, or skips that one device, never the list).
 */
import { USB_PRINTER_CLASS, type UsbConfigurationLike } from './usb-link.ts';

export interface UsbDeviceDescription {
  readonly vendorId: number;
  readonly productId: number;
  readonly manufacturerName?: string | null;
  readonly productName?: string | null;
  readonly configurations: readonly UsbConfigurationLike[];
}

export interface UsbPrinterInfo {
  /** Four hex digits, as config.json and lsusb take them. */
  readonly vendorId: string;
  readonly productId: string;
  readonly name: string | null;
  /** Has a bulk IN endpoint, so DLE EOT status can be read back. */
  readonly bidirectional: boolean;
}

const hex4 = (n: number) => n.toString(16).padStart(4, '0');

/** The devices of the `usb` package, loaded only when asked for. */
export async function usbDevices(): Promise<readonly UsbDeviceDescription[]> {
  const { usb } = await import('usb');
  return (await usb.getDevices()) as unknown as UsbDeviceDescription[];
}

/** A getter of the device that may fail (a descriptor the system will not read for this user). */
function attempt<T>(read: () => T, fallback: T): T {
  try {
    return read();
  } catch {
    return fallback;
  }
}

export function usbPrinters(devices: readonly UsbDeviceDescription[]): UsbPrinterInfo[] {
  const printers: UsbPrinterInfo[] = [];
  for (const device of devices) {
    const interfaces = attempt(() => device.configurations, []).flatMap((c) => c.interfaces);
    const printer = interfaces.filter((i) => i.alternate.interfaceClass === USB_PRINTER_CLASS);
    if (printer.length === 0) continue;
    const name = [attempt(() => device.manufacturerName, null), attempt(() => device.productName, null)]
      .filter(Boolean)
      .join(' ');
    printers.push({
      vendorId: hex4(device.vendorId),
      productId: hex4(device.productId),
      name: name || null,
      bidirectional: printer.some((i) =>
        i.alternate.endpoints.some((e) => e.type === 'bulk' && e.direction === 'in'),
      ),
    });
  }
  return printers;
}
