/**
 * The one place where configured peripherals become adapters: the receipt printer (and the drawer
 * on its kick port) over TCP or serial, and the pole display over serial. USB printers are not
 * supported yet (no USB library installs here without downloading binaries): configuring one
 * stops at start with a clear error instead of printing nowhere.
 */
import { ConfigError } from '../common/errors.ts';
import type { CashDrawer, PoleDisplay, ReceiptPrinter } from '../ports/peripherals.ts';
import type { PoleDisplayConfig, PrinterConfig } from '../service/config/peripherals-config.ts';
import { EscPosPrinter } from './escpos/escpos-printer.ts';
import { SerialPoleDisplay } from './pole-display/serial-pole-display.ts';
import { SerialLink } from './printer/serial/serial-link.ts';
import { TcpLink } from './printer/tcp/tcp-link.ts';

export interface Peripherals {
  readonly printer: (ReceiptPrinter & CashDrawer) | null;
  readonly poleDisplay: PoleDisplay | null;
}

export function createPeripherals(config: {
  printer?: PrinterConfig | undefined;
  pole_display?: PoleDisplayConfig | undefined;
}): Peripherals {
  let printer: (ReceiptPrinter & CashDrawer) | null = null;
  const p = config.printer;
  if (p?.kind === 'tcp') printer = new EscPosPrinter(new TcpLink(p.host, p.port));
  else if (p?.kind === 'serial') printer = new EscPosPrinter(new SerialLink(p.path, p.baud_rate));
  else if (p?.kind === 'usb')
    throw new ConfigError(
      'printer_usb_unsupported',
      'printer.kind: "usb" is not supported yet; connect the printer by network (kind "tcp") or as a serial/virtual COM port (kind "serial")',
      { key: 'printer.kind' },
    );
  const d = config.pole_display;
  const poleDisplay = d ? new SerialPoleDisplay(new SerialLink(d.path, d.baud_rate), d.command_set) : null;
  return { printer, poleDisplay };
}
