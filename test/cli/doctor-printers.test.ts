/**
 * `scanpay doctor`'s printer part: the configured printer's status read from a virtual network
 * printer (DLE EOT answered by a TCP server), problems for a printer that is away or out of paper,
 * a refused config named by key, and the USB printer-class devices picked out of the device list
 * (no USB bus on a test machine: the list is handed in). Then once through the real command line.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  collectPrinterDiagnostics,
  formatPrinterDiagnostics,
} from '../../core/cli/commands/doctor-printers.ts';
import type { UsbDeviceDescription } from '../../core/peripherals/printer/usb/list-usb-printers.ts';
import { STATUS, startVirtualPrinter, type VirtualPrinter } from '../peripherals/virtual-printer.ts';

let dataDir: string;
let printer: VirtualPrinter | null = null;

beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'scanpay-doctor-'));
});

afterEach(async () => {
  await printer?.close();
  printer = null;
  rmSync(dataDir, { recursive: true, force: true });
});

const writeConfig = (config: unknown) => writeFileSync(join(dataDir, 'config.json'), JSON.stringify(config));
const noUsb = async () => [];

const endpoint = (endpointNumber: number, direction: 'in' | 'out') => ({
  endpointNumber,
  direction,
  type: 'bulk' as const,
  packetSize: 64,
});

const usbDevice = (
  vendorId: number,
  productId: number,
  interfaceClass: number,
  endpoints = [endpoint(1, 'out'), endpoint(2, 'in')],
  names: { manufacturerName?: string; productName?: string } = {},
): UsbDeviceDescription => ({
  vendorId,
  productId,
  ...names,
  configurations: [
    { configurationValue: 1, interfaces: [{ interfaceNumber: 0, alternate: { interfaceClass, endpoints } }] },
  ],
});

describe('doctor: the configured printer', () => {
  it('no printer key: says none configured, no problem', async () => {
    writeConfig({ terminal: {} });
    const report = await collectPrinterDiagnostics({ dataDir, listUsbDevices: noUsb });
    expect(report.configured).toEqual({ configured: false });
    expect(report.problems).toEqual([]);
    expect(formatPrinterDiagnostics(report, [])).toContain('configured: none');
  });

  it('a network printer that answers: its id and online status', async () => {
    printer = await startVirtualPrinter();
    writeConfig({ printer: { kind: 'tcp', host: '127.0.0.1', port: printer.port } });
    const report = await collectPrinterDiagnostics({ dataDir, listUsbDevices: noUsb });
    expect(report.configured).toMatchObject({
      kind: 'tcp',
      id: `tcp:127.0.0.1:${printer.port}`,
      status: { state: 'online', paper_low: false },
    });
    expect(report.problems).toEqual([]);
    expect(formatPrinterDiagnostics(report, ['/dev/ttyS0'])).toMatch(
      new RegExp(
        `configured: tcp:127\\.0\\.0\\.1:${printer.port}  online\\n[\\s\\S]*serial ports: /dev/ttyS0`,
      ),
    );
  });

  it('a printer out of paper is a warning with the fix', async () => {
    printer = await startVirtualPrinter();
    printer.status = STATUS.paperOut;
    writeConfig({ printer: { kind: 'tcp', host: '127.0.0.1', port: printer.port } });
    const report = await collectPrinterDiagnostics({ dataDir, listUsbDevices: noUsb });
    expect(report.problems).toEqual([
      expect.objectContaining({ code: 'printer_paper_out', severity: 'warning', fix: 'load a paper roll' }),
    ]);
  });

  it('a printer that cannot be reached is a warning, not an error (payments go on without it)', async () => {
    const gone = await startVirtualPrinter();
    const port = gone.port;
    await gone.close();
    writeConfig({ printer: { kind: 'tcp', host: '127.0.0.1', port } });
    const report = await collectPrinterDiagnostics({ dataDir, listUsbDevices: noUsb });
    expect(report.configured).toMatchObject({ status: { state: 'unreachable' } });
    expect(report.problems).toEqual([
      expect.objectContaining({ code: 'printer_unreachable', severity: 'warning' }),
    ]);
  });

  it('a wrong printer key is an error naming the key', async () => {
    writeConfig({ printer: { kind: 'usb', vendorId: 'epson', productId: 1 } });
    const report = await collectPrinterDiagnostics({ dataDir, listUsbDevices: noUsb });
    expect(report.problems).toEqual([
      expect.objectContaining({
        code: 'config_invalid',
        severity: 'error',
        message: expect.stringContaining('printer.vendorId'),
      }),
    ]);
    expect(formatPrinterDiagnostics(report, null)).toContain('configured: invalid: printer.vendorId');
  });
});

describe('doctor: USB printers', () => {
  it('lists only printer-class devices, with their ids as config.json takes them', async () => {
    const report = await collectPrinterDiagnostics({
      dataDir,
      listUsbDevices: async () => [
        usbDevice(0x0416, 0x5011, 7, undefined, { manufacturerName: 'Winbond', productName: 'POS-58' }),
        usbDevice(0x1eab, 0x1d06, 3), // a HID scanner
        usbDevice(0x0fe6, 0x811e, 7, [endpoint(1, 'out')]),
      ],
    });
    expect(report.usb).toEqual({
      available: true,
      printers: [
        { vendorId: '0416', productId: '5011', name: 'Winbond POS-58', bidirectional: true },
        { vendorId: '0fe6', productId: '811e', name: null, bidirectional: false },
      ],
    });
    const text = formatPrinterDiagnostics(report, []);
    expect(text).toContain('    0416:5011  Winbond POS-58\n');
    expect(text).toContain('    0fe6:811e  (no name)  [no status channel]');
    expect(text).not.toContain('1eab');
  });

  it('a device whose names or descriptors cannot be read costs its name, or itself, not the list', async () => {
    const nameless = usbDevice(0x0416, 0x5011, 7);
    Object.defineProperty(nameless, 'productName', {
      get: () => {
        throw new Error('LIBUSB_ERROR_ACCESS');
      },
    });
    const unreadable = usbDevice(0x0fe6, 0x811e, 7);
    Object.defineProperty(unreadable, 'configurations', {
      get: () => {
        throw new Error('LIBUSB_ERROR_ACCESS');
      },
    });
    const report = await collectPrinterDiagnostics({
      dataDir,
      listUsbDevices: async () => [nameless, unreadable],
    });
    expect(report.usb).toEqual({
      available: true,
      printers: [{ vendorId: '0416', productId: '5011', name: null, bidirectional: true }],
    });
  });

  it('a system without a USB bus says why instead of failing', async () => {
    const report = await collectPrinterDiagnostics({
      dataDir,
      listUsbDevices: async () => {
        throw new Error('/sys/bus/usb/devices/ not found');
      },
    });
    expect(report.usb).toEqual({ available: false, reason: '/sys/bus/usb/devices/ not found' });
    expect(formatPrinterDiagnostics(report, [])).toContain(
      'USB printers: unavailable: /sys/bus/usb/devices/ not found',
    );
  });
});

describe('scanpay doctor --json --data DIR', () => {
  it('reports the configured printer read by the real command', async () => {
    printer = await startVirtualPrinter();
    writeConfig({ printer: { kind: 'tcp', host: '127.0.0.1', port: printer.port } });
    const root = fileURLToPath(new URL('../../', import.meta.url));
    const pinned = join(root, 'node_modules', '.bin', 'node');
    // Asynchronous child: the virtual printer in this process must keep answering meanwhile.
    const child = spawn(
      existsSync(pinned) ? pinned : process.execPath,
      ['bin/scanpay.js', 'doctor', '--json', '--data', dataDir],
      { cwd: root },
    );
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    await new Promise((resolve) => child.on('close', resolve));
    const report = JSON.parse(stdout) as { printers: { configured: unknown }; problems: { code: string }[] };
    expect(report.printers.configured).toMatchObject({
      id: `tcp:127.0.0.1:${printer.port}`,
      status: { state: 'online' },
    });
    expect(report.problems.map((p) => p.code)).not.toContain('printer_unreachable');
  });

  it('prints the printers section before the problem list in text mode', async () => {
    const root = fileURLToPath(new URL('../../', import.meta.url));
    const pinned = join(root, 'node_modules', '.bin', 'node');
    const child = spawn(
      existsSync(pinned) ? pinned : process.execPath,
      ['bin/scanpay.js', 'doctor', '--data', dataDir],
      {
        cwd: root,
      },
    );
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    await new Promise((resolve) => child.on('close', resolve));
    expect(stdout).toMatch(/\nPrinters\n {2}configured: none[\s\S]*\nProblems\n/);
  });
});
