/** The printer, pole_display and voice keys of config.json: defaults, and errors that name the key. */
import { describe, expect, it } from 'vitest';
import { createPeripherals } from '../../core/peripherals/create-peripherals.ts';
import { parseConfig } from '../../core/service/config/load-config.ts';

const problems = (raw: unknown): string => {
  try {
    parseConfig(raw);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected the config to be refused');
};

describe('peripheral config keys', () => {
  it('fills the defaults: port 9100, 80 mm, GB18030, auto-print, native QR, drawer on cash; voice on at 80', () => {
    const config = parseConfig({ printer: { kind: 'tcp', host: '192.168.1.87' } });
    expect(config.printer).toEqual({
      kind: 'tcp',
      host: '192.168.1.87',
      port: 9100,
      width: 80,
      encoding: 'gb18030',
      auto_print: true,
      qr: 'native',
      drawer_on_cash: true,
    });
    expect(config.voice).toEqual({ enabled: true, volume: 80 });
    expect(config.pole_display).toBeUndefined();
  });

  it('a pole display defaults to 2400 baud and the ESC/POS command set', () => {
    expect(parseConfig({ pole_display: { path: '/dev/ttyUSB1' } }).pole_display).toEqual({
      kind: 'serial',
      path: '/dev/ttyUSB1',
      baud_rate: 2400,
      command_set: 'escpos',
    });
  });

  it.each([
    [{ printer: { kind: 'tcp', host: 'p', width: 76 } }, 'printer.width'],
    [{ printer: { kind: 'tcp', host: 'p', port: 70000 } }, 'printer.port'],
    [{ printer: { kind: 'tcp' } }, 'printer.host'],
    [{ printer: { kind: 'tcp', host: 'p', path: '/dev/ttyS0' } }, 'printer'],
    [{ printer: { kind: 'serial', path: '/dev/ttyS0', encoding: 'utf8' } }, 'printer.encoding'],
    [{ printer: { kind: 'bluetooth' } }, 'printer.kind'],
    [{ pole_display: { path: '/dev/ttyUSB1', command_set: 'vfd' } }, 'pole_display.command_set'],
    [{ voice: { volume: 150 } }, 'voice.volume'],
  ])('%j is refused naming %s', (raw, key) => {
    const message = problems(raw);
    expect(message).toContain(`${key}:`);
  });

  it('an unknown key inside printer is named', () => {
    expect(problems({ printer: { kind: 'tcp', host: 'p', colour: true } })).toMatch(/colour/);
  });

  it('makes a USB printer from its ids, given as numbers or as the hex lsusb prints', () => {
    const byNumber = createPeripherals(
      parseConfig({ printer: { kind: 'usb', vendorId: 0x0416, productId: 0x5011 } }),
    );
    expect(byNumber.printer?.id).toBe('usb:0416:5011');
    const byHex = createPeripherals(
      parseConfig({ printer: { kind: 'usb', vendorId: '0x0416', productId: '5011' } }),
    );
    expect(byHex.printer?.id).toBe('usb:0416:5011');
  });

  it('a USB id that is not hex is refused naming the key', () => {
    expect(problems({ printer: { kind: 'usb', vendorId: 'epson', productId: 1 } })).toContain(
      'printer.vendorId:',
    );
  });

  it('makes a TCP or serial printer, and a pole display, with their ids', () => {
    const tcp = createPeripherals(parseConfig({ printer: { kind: 'tcp', host: '10.0.0.5', port: 9101 } }));
    expect(tcp.printer?.id).toBe('tcp:10.0.0.5:9101');
    const serial = createPeripherals(
      parseConfig({
        printer: { kind: 'serial', path: '/dev/ttyS0' },
        pole_display: { path: '/dev/ttyUSB1' },
      }),
    );
    expect(serial.printer?.id).toBe('serial:/dev/ttyS0');
    expect(serial.poleDisplay?.id).toBe('serial:/dev/ttyUSB1');
    expect(createPeripherals(parseConfig({}))).toEqual({ printer: null, poleDisplay: null });
  });
});
