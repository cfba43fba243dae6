/**
 * The USB printer link against a fake device with the `usb` package's device interface (no virtual
 * USB exists, so this is as far as a test machine goes; the `usb` package itself is checked to load
 * and to expose that interface). The bytes the fake received are decoded back by the independent
 * ESC/POS reader: a receipt's text in GB18030, its cut, a drawer pulse, and DLE EOT status read
 * from the bulk IN endpoint.
 */
import { describe, expect, it } from 'vitest';
import { EscPosPrinter } from '../../core/peripherals/escpos/escpos-printer.ts';
import { encodeEscPos } from '../../core/peripherals/escpos/receipt-encoder.ts';
import { UsbLink } from '../../core/peripherals/printer/usb/usb-link.ts';
import { saleReceipt } from '../../core/service/peripherals/receipt-layout.ts';
import { decodeEscPos, printedText } from './escpos-decoder.ts';
import { FakeUsbPrinter, type FakeUsbPrinterOptions } from './fake-usb-printer.ts';
import { paidOrder } from './fixtures.ts';
import { STATUS } from './virtual-printer.ts';

function usbPrinter(options: FakeUsbPrinterOptions = {}) {
  const device = new FakeUsbPrinter(options);
  const lookups: string[] = [];
  const link = new UsbLink(0x0416, 0x5011, {
    findDevice: async (vid, pid) => {
      lookups.push(`${vid.toString(16)}:${pid.toString(16)}`);
      return device;
    },
  });
  return { device, lookups, printer: new EscPosPrinter(link, { statusTimeoutMs: 200 }) };
}

describe('USB receipt printer', () => {
  it('prints a Chinese receipt on the bulk OUT endpoint, decoded back to its text and cut', async () => {
    const { device, lookups, printer } = usbPrinter();
    const job = encodeEscPos(saleReceipt({ shopName: '老王便利店', terminalId: 'T01' }, paidOrder()), {
      width: 58,
      qr: 'native',
    });
    await printer.print(job);
    expect(lookups).toEqual(['416:5011']);
    expect(device.received().equals(Buffer.from(job))).toBe(true);
    const decoded = decodeEscPos(device.received());
    expect(decoded.lines[0]).toBe('老王便利店');
    expect(printedText(decoded)).toMatch(/合计 +￥12\.88/);
    expect(decoded.lines.at(-1)).toBe('谢谢惠顾');
    expect(decoded.cuts).toBe(1);
    // Claimed for the job, then let go: the device is not held between jobs.
    expect(device.calls).toEqual(['open', 'claim 0', 'release 0', 'close']);
  });

  it('kicks the drawer with ESC p on pin 2', async () => {
    const { device, printer } = usbPrinter();
    await printer.open();
    expect(decodeEscPos(device.received()).drawerPulses).toEqual([{ pin: 2, onMs: 50, offMs: 500 }]);
  });

  it.each([
    ['online', STATUS.online, 'online', false],
    ['paper out', STATUS.paperOut, 'paper_out', false],
    ['cover open', STATUS.coverOpen, 'cover_open', false],
    ['paper low', STATUS.paperLow, 'online', true],
  ] as const)('reads the %s status from the bulk IN endpoint', async (_name, reply, state, paperLow) => {
    const { device, printer } = usbPrinter();
    device.status = reply;
    expect(await printer.status()).toEqual({ state, paper_low: paperLow, detail: null });
    expect(decodeEscPos(device.received()).statusQueries).toEqual([1, 2, 4]);
  });

  it('a printer that does not answer, or has no bulk IN endpoint, is unknown and can still print', async () => {
    const silent = usbPrinter();
    silent.device.status = 'silent';
    expect((await silent.printer.status()).state).toBe('unknown');
    const noIn = usbPrinter({ withoutInEndpoint: true });
    expect((await noIn.printer.status()).state).toBe('unknown');
    await noIn.printer.print(new Uint8Array([0x1b, 0x40]));
    expect(noIn.device.received().subarray(-2)).toEqual(Buffer.from([0x1b, 0x40]));
  });

  it('detaches the kernel printer driver that holds the interface, then prints', async () => {
    const { device, printer } = usbPrinter({ kernelDriverAttached: true });
    await printer.print(new Uint8Array([0x1b, 0x40]));
    expect(device.calls).toEqual(['open', 'detachKernelDriver 0', 'claim 0', 'release 0', 'close']);
  });

  it('selects the first configuration of a device that has none yet', async () => {
    const { device, printer } = usbPrinter({ unconfigured: true });
    await printer.print(new Uint8Array([0x1b, 0x40]));
    expect(device.calls.slice(0, 2)).toEqual(['open', 'selectConfiguration 1']);
  });

  it('a job the printer did not take whole fails as unreachable (it stays queued) and frees the device', async () => {
    const { device, printer } = usbPrinter({ takeAtMost: 10 });
    await expect(printer.print(new Uint8Array(100))).rejects.toMatchObject({
      code: 'printer_unreachable',
      message: expect.stringMatching(/took 10 of 100 bytes/),
    });
    expect(device.calls.slice(-2)).toEqual(['release 0', 'close']);
  });

  it('a printer that is not plugged in is unreachable, named by its ids', async () => {
    const link = new UsbLink(0x0416, 0x5011, { findDevice: async () => undefined });
    const printer = new EscPosPrinter(link);
    await expect(printer.print(new Uint8Array([0x1b, 0x40]))).rejects.toThrow(/no USB device 0416:5011/);
    expect(await printer.status()).toMatchObject({ state: 'unreachable' });
  });

  it('refuses a USB device that is not a printer', async () => {
    const device = new FakeUsbPrinter();
    (device.configurations[0]!.interfaces[0]!.alternate as { interfaceClass: number }).interfaceClass = 3;
    const link = new UsbLink(0x0416, 0x5011, { findDevice: async () => device });
    await expect(link.exchange(new Uint8Array([0x1b, 0x40]))).rejects.toThrow(
      /no printer interface \(class 7\)/,
    );
  });

  it('the usb package loads here and its devices have the interface the link uses', async () => {
    const { usb } = await import('usb');
    expect(typeof usb.findDeviceByIds).toBe('function');
    const { UsbDevice } = (await import('usb/index.js')) as unknown as {
      UsbDevice: { prototype: Record<string, unknown> };
    };
    for (const method of ['open', 'close', 'claimInterface', 'releaseInterface', 'transferOut', 'transferIn'])
      expect(typeof UsbDevice.prototype[method], method).toBe('function');
  });
});
