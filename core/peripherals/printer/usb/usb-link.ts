/**
 * A USB receipt printer (USB printer class, interface class 7) through the `usb` package (node-usb,
 * its current major, on the `nusb` Rust library with N-API prebuilds per platform: no libusb and no
 * compiler needed at install). Chosen over node-escpos's USB adapter, which pins the old libusb-based
 * `usb` 1.x and is no longer released. The device is reached through the WebUSB-shaped interface the
 * package exposes (`open`, `claimInterface`, `transferOut`, `transferIn`), of which `UsbPrinterDevice`
 * below names only what is used, so tests can hand in a fake device (there is no virtual USB).
 *
 * Each exchange opens the device by vendorId/productId, claims the printer interface, writes the job
 * to its bulk OUT endpoint and, for a status query, reads the printer's answer from its bulk IN
 * endpoint (printers without one, or that do not answer there, are `unknown`), then releases and
 * closes it: a printer unplugged and plugged back is simply found again, and the device is not held
 * between jobs. On Linux the kernel's usblp driver usually owns the interface; it is detached when
 * claiming fails (docs/peripherals.md, "USB printers"). Exchanges run one at a time.
 */
import type { ByteLink, ExchangeOptions } from '../../escpos/byte-link.ts';
import { SerialisedJobs } from '../serialised-jobs.ts';

/** USB interface class of printers (USB-IF, "Defined Class Codes": 07h). */
export const USB_PRINTER_CLASS = 7;

export interface UsbEndpointLike {
  readonly endpointNumber: number;
  readonly direction: 'in' | 'out';
  readonly type: 'bulk' | 'interrupt' | 'isochronous';
  readonly packetSize: number;
}

export interface UsbInterfaceLike {
  readonly interfaceNumber: number;
  readonly alternate: {
    readonly interfaceClass: number;
    readonly endpoints: readonly UsbEndpointLike[];
  };
}

export interface UsbConfigurationLike {
  readonly configurationValue: number;
  readonly interfaces: readonly UsbInterfaceLike[];
}

/** The part of the `usb` package's device (WebUSB `USBDevice` plus a timeout argument) this link uses. */
export interface UsbPrinterDevice {
  readonly vendorId: number;
  readonly productId: number;
  readonly opened: boolean;
  readonly configuration: UsbConfigurationLike | null | undefined;
  readonly configurations: readonly UsbConfigurationLike[];
  open(): Promise<void>;
  close(): Promise<void>;
  selectConfiguration(configurationValue: number): Promise<void>;
  claimInterface(interfaceNumber: number): Promise<void>;
  releaseInterface(interfaceNumber: number): Promise<void>;
  detachKernelDriver?(interfaceNumber: number): Promise<void>;
  transferOut(
    endpointNumber: number,
    data: Uint8Array,
    timeoutMs?: number,
  ): Promise<{ status: string; bytesWritten: number }>;
  transferIn(
    endpointNumber: number,
    length: number,
    timeoutMs?: number,
  ): Promise<{ status: string; data?: DataView | undefined }>;
}

export type FindUsbDevice = (vendorId: number, productId: number) => Promise<UsbPrinterDevice | undefined>;

export interface UsbLinkOptions {
  /** The whole job must be taken by the printer within this time. */
  readonly jobTimeoutMs?: number;
  /** Looks the device up; defaults to the `usb` package. Tests pass a fake. */
  readonly findDevice?: FindUsbDevice;
}

const hex4 = (n: number) => n.toString(16).padStart(4, '0');

/** The `usb` package's lookup, loaded on first use so a till without a USB printer never loads it. */
export const findUsbDevice: FindUsbDevice = async (vendorId, productId) => {
  const { usb } = await import('usb');
  return (await usb.findDeviceByIds(vendorId, productId)) as unknown as UsbPrinterDevice | undefined;
};

export class UsbLink implements ByteLink {
  readonly id: string;
  private readonly vendorId: number;
  private readonly productId: number;
  private readonly jobTimeoutMs: number;
  private readonly findDevice: FindUsbDevice;
  private readonly jobs = new SerialisedJobs();

  constructor(vendorId: number, productId: number, options: UsbLinkOptions = {}) {
    this.vendorId = vendorId;
    this.productId = productId;
    this.id = `usb:${hex4(vendorId)}:${hex4(productId)}`;
    this.jobTimeoutMs = options.jobTimeoutMs ?? 30_000;
    this.findDevice = options.findDevice ?? findUsbDevice;
  }

  exchange(bytes: Uint8Array, options: ExchangeOptions = {}): Promise<Uint8Array> {
    return this.jobs.run(() => this.run(bytes, options));
  }

  async close(): Promise<void> {
    await this.jobs.idle();
  }

  private async run(bytes: Uint8Array, options: ExchangeOptions): Promise<Uint8Array> {
    const device = await this.findDevice(this.vendorId, this.productId);
    if (!device) throw new Error(`no USB device ${this.id.slice(4)} is connected`);
    if (!device.opened) await device.open();
    let claimed: number | null = null;
    try {
      const { iface, out, inbound } = await this.printerInterface(device);
      await this.claim(device, iface.interfaceNumber);
      claimed = iface.interfaceNumber;
      const sent = await device.transferOut(out.endpointNumber, bytes, this.jobTimeoutMs);
      if (sent.status !== 'ok' || sent.bytesWritten < bytes.length)
        throw new Error(
          `the printer took ${Math.max(sent.bytesWritten, 0)} of ${bytes.length} bytes (${sent.status})`,
        );
      const want = options.replyBytes ?? 0;
      if (want === 0 || !inbound) return new Uint8Array(0);
      return await this.readReply(device, inbound, want, options.replyTimeoutMs ?? 800);
    } finally {
      if (claimed !== null) await device.releaseInterface(claimed).catch(() => {});
      await device.close().catch(() => {});
    }
  }

  /** The printer-class interface with a bulk OUT endpoint (and its bulk IN one, when it has one). */
  private async printerInterface(device: UsbPrinterDevice) {
    let configuration: UsbConfigurationLike | null | undefined;
    try {
      configuration = device.configuration;
    } catch {
      configuration = null; // an unconfigured device may throw instead of answering null
    }
    if (!configuration) {
      const first = device.configurations[0];
      if (!first) throw new Error(`the USB device ${this.id.slice(4)} has no configuration`);
      await device.selectConfiguration(first.configurationValue);
      configuration = device.configuration ?? first;
    }
    for (const iface of configuration.interfaces) {
      if (iface.alternate.interfaceClass !== USB_PRINTER_CLASS) continue;
      const bulk = iface.alternate.endpoints.filter((e) => e.type === 'bulk');
      const out = bulk.find((e) => e.direction === 'out');
      if (out) return { iface, out, inbound: bulk.find((e) => e.direction === 'in') };
    }
    throw new Error(
      `the USB device ${this.id.slice(4)} has no printer interface (class 7) with a bulk OUT endpoint`,
    );
  }

  private async claim(device: UsbPrinterDevice, interfaceNumber: number): Promise<void> {
    try {
      await device.claimInterface(interfaceNumber);
    } catch (error) {
      // Linux: usblp owns the interface. Detach it and try once more; elsewhere the error stands.
      if (!device.detachKernelDriver) throw error;
      await device.detachKernelDriver(interfaceNumber).catch(() => {});
      await device.claimInterface(interfaceNumber);
    }
  }

  /** Reads until `want` bytes came or the time is up; a printer that does not answer gives what it sent. */
  private async readReply(
    device: UsbPrinterDevice,
    inbound: UsbEndpointLike,
    want: number,
    timeoutMs: number,
  ): Promise<Uint8Array> {
    const chunks: Buffer[] = [];
    let received = 0;
    const deadline = Date.now() + timeoutMs;
    // Bounded: each read waits at most the time left, and an empty read ends the loop.
    while (received < want) {
      const left = deadline - Date.now();
      if (left <= 0) break;
      let result: { status: string; data?: DataView | undefined };
      try {
        result = await device.transferIn(
          inbound.endpointNumber,
          inbound.packetSize > 0 ? inbound.packetSize : 64,
          left,
        );
      } catch {
        break; // a read timeout: no (more) answer
      }
      const data = result.data;
      if (result.status !== 'ok' || !data || data.byteLength === 0) break;
      chunks.push(Buffer.from(data.buffer, data.byteOffset, data.byteLength));
      received += data.byteLength;
    }
    return new Uint8Array(Buffer.concat(chunks));
  }
}
