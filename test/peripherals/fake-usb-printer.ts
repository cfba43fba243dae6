/**
 * A fake USB receipt printer behind the `usb` package's device interface (the WebUSB-shaped
 * `UsbPrinterDevice`): there is no virtual USB on a test machine, so the USB link is tested against
 * this object, which keeps every byte written to its bulk OUT endpoint, answers DLE EOT on its bulk
 * IN endpoint with the status bytes the test sets (like the virtual TCP printer), and records the
 * calls a real device would see (open, claim, release, close; kernel driver detached).
 */
import type { UsbConfigurationLike, UsbPrinterDevice } from '../../core/peripherals/printer/usb/usb-link.ts';
import type { StatusReply } from './virtual-printer.ts';
import { STATUS } from './virtual-printer.ts';

export interface FakeUsbPrinterOptions {
  /** No bulk IN endpoint (a printer that cannot answer). */
  readonly withoutInEndpoint?: boolean;
  /** The kernel driver (usblp) holds the interface until it is detached. */
  readonly kernelDriverAttached?: boolean;
  /** Take only this many bytes of a job (a printer that stalls). */
  readonly takeAtMost?: number;
  /** Not configured yet: the link must select a configuration. */
  readonly unconfigured?: boolean;
}

export class FakeUsbPrinter implements UsbPrinterDevice {
  readonly vendorId = 0x0416;
  readonly productId = 0x5011;
  opened = false;
  status: StatusReply = STATUS.online;
  /** Every bulk OUT transfer, in order. */
  readonly written: Buffer[] = [];
  readonly calls: string[] = [];
  private configured: boolean;
  private claimed = false;
  private kernelDriver: boolean;
  private readonly replies: number[] = [];
  readonly configurations: UsbConfigurationLike[];

  private readonly options: FakeUsbPrinterOptions;

  constructor(options: FakeUsbPrinterOptions = {}) {
    this.options = options;
    this.configured = !options.unconfigured;
    this.kernelDriver = options.kernelDriverAttached ?? false;
    // Endpoint layout of a common 58 mm USB printer: interface 0, class 7, bulk OUT 1 and bulk IN 2 (0x82).
    const endpoints = [
      { endpointNumber: 1, direction: 'out' as const, type: 'bulk' as const, packetSize: 64 },
      ...(options.withoutInEndpoint
        ? []
        : [{ endpointNumber: 2, direction: 'in' as const, type: 'bulk' as const, packetSize: 64 }]),
    ];
    this.configurations = [
      {
        configurationValue: 1,
        interfaces: [{ interfaceNumber: 0, alternate: { interfaceClass: 7, endpoints } }],
      },
    ];
  }

  get configuration(): UsbConfigurationLike | null {
    return this.configured ? (this.configurations[0] ?? null) : null;
  }

  /** All bytes written, concatenated. */
  received(): Buffer {
    return Buffer.concat(this.written);
  }

  async open(): Promise<void> {
    this.calls.push('open');
    this.opened = true;
  }

  async close(): Promise<void> {
    this.calls.push('close');
    this.opened = false;
  }

  async selectConfiguration(value: number): Promise<void> {
    this.calls.push(`selectConfiguration ${value}`);
    this.configured = true;
  }

  async claimInterface(n: number): Promise<void> {
    this.must('claimInterface');
    if (this.kernelDriver) throw new Error('LIBUSB_ERROR_BUSY: the interface is held by usblp');
    this.calls.push(`claim ${n}`);
    this.claimed = true;
  }

  async releaseInterface(n: number): Promise<void> {
    this.calls.push(`release ${n}`);
    this.claimed = false;
  }

  async detachKernelDriver(n: number): Promise<void> {
    this.calls.push(`detachKernelDriver ${n}`);
    this.kernelDriver = false;
  }

  async transferOut(endpoint: number, data: Uint8Array): Promise<{ status: string; bytesWritten: number }> {
    this.must('transferOut');
    if (!this.claimed) throw new Error('transferOut without claiming the interface');
    if (endpoint !== 1) throw new Error(`transferOut to endpoint ${endpoint}, which is not bulk OUT`);
    const taken = Buffer.from(data.subarray(0, this.options.takeAtMost ?? data.length));
    this.written.push(taken);
    // DLE EOT n (10 04 n): the printer queues one status byte per query.
    for (let i = 0; i + 2 < taken.length; i++) {
      if (taken[i] !== 0x10 || taken[i + 1] !== 0x04 || this.status === 'silent') continue;
      const n = taken[i + 2];
      this.replies.push(n === 1 ? this.status.printer : n === 2 ? this.status.cause : this.status.paper);
    }
    return { status: taken.length < data.length ? 'stall' : 'ok', bytesWritten: taken.length };
  }

  async transferIn(endpoint: number, length: number): Promise<{ status: string; data?: DataView }> {
    this.must('transferIn');
    if (endpoint !== 2) throw new Error(`transferIn from endpoint ${endpoint}, which is not bulk IN`);
    // node-usb reports a read that timed out without data as a stall with no data.
    if (this.replies.length === 0) return { status: 'stall' };
    const bytes = Uint8Array.from(this.replies.splice(0, length));
    return { status: 'ok', data: new DataView(bytes.buffer) };
  }

  private must(what: string) {
    if (!this.opened) throw new Error(`${what} on a device that is not open`);
  }
}
