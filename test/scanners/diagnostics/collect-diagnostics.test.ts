import { describe, expect, it } from 'vitest';
import { collectDiagnostics, udevRule } from '../../../core/scanners/diagnostics/collect-diagnostics.ts';
import { formatDiagnostics } from '../../../core/scanners/diagnostics/format-diagnostics.ts';
import type { SerialPortModule } from '../../../core/scanners/serial/serial-port-module.ts';
import { FakeHid } from '../fakes/fake-hid.ts';

const serialModule = (ports: object[] | Error): (() => Promise<SerialPortModule>) => {
  return async () =>
    ({
      SerialPort: {
        list: async () => {
          if (ports instanceof Error) throw ports;
          return ports;
        },
      },
    }) as unknown as SerialPortModule;
};

describe('collectDiagnostics', () => {
  it('lists HID devices with usage page, hints at keyboard mode, and gives the udev rule for an unreadable hidraw', async () => {
    const hid = new FakeHid();
    hid.devices = [
      {
        vendorId: 0x1eab,
        productId: 0x1a03,
        path: '/dev/hidraw3',
        usagePage: 0x8c,
        usage: 2,
        product: 'NLS-FR40',
      },
      {
        vendorId: 0x0c2e,
        productId: 0x0b61,
        path: '/dev/hidraw4',
        usagePage: 1,
        usage: 6,
        product: 'Voyager',
      },
      {
        vendorId: 0x046d,
        productId: 0xc31c,
        path: '/dev/hidraw0',
        usagePage: 1,
        usage: 6,
        product: 'USB Keyboard',
      },
    ];
    const report = await collectDiagnostics({
      platform: 'linux',
      loadHid: async () => hid,
      loadSerialPort: serialModule([{ path: '/dev/ttyACM0', vendorId: '1eab', productId: '1a06' }]),
      canOpen: async (path) => path !== '/dev/hidraw3',
      hasProgram: async () => true,
    });
    expect(
      report.hid.available && report.hid.devices.map((d) => [d.vendorId, d.kind, d.usagePage, d.accessible]),
    ).toEqual([
      ['1eab', 'pos-scanner', '0x8c', false],
      ['0c2e', 'keyboard-scanner', '0x01', true],
      ['046d', 'keyboard', '0x01', undefined],
    ]);
    expect(report.hid.available && report.hid.devices[1]!.hint).toMatch(/keyboard mode.*hidraw/);
    const codes = report.problems.map((p) => p.code);
    expect(codes).toEqual(['hidraw_permission', 'keyboard_mode_scanner', 'modemmanager_probe']);
    expect(report.problems[0]!.fix).toContain(udevRule(0x1eab));
    expect(formatDiagnostics(report)).toContain('ATTRS{idVendor}=="1eab"');
  });

  it.each([
    ['win32', /Chinese IME.*English mode/],
    ['darwin', /Input Monitoring|IME.*English mode/],
    ['linux', /hidraw/],
  ] as const)('on %s gives the keyboard-mode hint as a problem with its fix', async (platform, fix) => {
    const hid = new FakeHid();
    hid.devices = [
      { vendorId: 0x1eab, productId: 0x0d10, path: '\\\\?\\hid#vid_1eab', usagePage: 1, usage: 6 },
    ];
    const report = await collectDiagnostics({
      platform,
      loadHid: async () => hid,
      loadSerialPort: serialModule([]),
      canOpen: async () => true,
      hasProgram: async () => true,
    });
    if (platform !== 'linux') {
      expect(report.hid.available && report.hid.devices[0]!.hint).toMatch(
        /Windows and macOS do not let programs open keyboards/,
      );
    }
    expect(report.problems).toEqual([
      {
        code: 'keyboard_mode_scanner',
        severity: 'warning',
        message: expect.stringMatching(/1eab:0d10 is in keyboard mode/),
        fix: expect.stringMatching(fix),
      },
    ]);
    expect(report.problems[0]!.fix).toMatch(/USB HID POS/);
  });

  it('reports what is missing: node-hid (libusb), udevadm, serial permission', async () => {
    const report = await collectDiagnostics({
      platform: 'linux',
      loadHid: async () => {
        throw new Error('libusb-1.0.so.0: cannot open shared object file');
      },
      loadSerialPort: serialModule([{ path: '/dev/ttyUSB0' }]),
      canOpen: async () => false,
      hasProgram: async (name) => name !== 'udevadm',
    });
    expect(report.hid).toEqual({
      available: false,
      reason: 'libusb-1.0.so.0: cannot open shared object file',
    });
    expect(report.problems.map((p) => [p.code, p.fix])).toEqual([
      ['hid_unavailable', 'apt-get install libusb-1.0-0 libudev1'],
      ['udevadm_missing', 'apt-get install udev'],
      ['serial_permission', expect.stringContaining('dialout')],
    ]);
    const text = formatDiagnostics(report);
    expect(text).toContain('unavailable: libusb-1.0.so.0');
    expect(text).toContain('/dev/ttyUSB0  -    [no permission]');
  });

  it('a failing port list is a line in the report, not a crash', async () => {
    const hid = new FakeHid();
    const report = await collectDiagnostics({
      platform: 'linux',
      loadHid: async () => hid,
      loadSerialPort: serialModule(new Error('spawn udevadm ENOENT')),
      hasProgram: async () => true,
    });
    expect(report.serial).toEqual({ available: false, reason: 'spawn udevadm ENOENT' });
    expect(report.problems.map((p) => p.code)).toEqual(['no_hid_scanner', 'serial_unavailable']);
  });
});
