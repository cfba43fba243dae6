/**
 * The one place where configured peripherals become adapters: the receipt printer (and the drawer
 * on its kick port) over TCP, serial or USB, and the pole display over serial.
 */
import type { CashDrawer, PoleDisplay, ReceiptPrinter } from '../ports/peripherals.ts';
import type { PoleDisplayConfig, PrinterConfig } from '../service/config/peripherals-config.ts';
import { EscPosPrinter } from './escpos/escpos-printer.ts';
import { SerialPoleDisplay } from './pole-display/serial-pole-display.ts';
import { SerialLink } from './printer/serial/serial-link.ts';
import { TcpLink } from './printer/tcp/tcp-link.ts';
import { UsbLink } from './printer/usb/usb-link.ts';

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
  else if (p?.kind === 'usb') printer = new EscPosPrinter(new UsbLink(p.vendorId, p.productId));
  const d = config.pole_display;
  const poleDisplay = d ? new SerialPoleDisplay(new SerialLink(d.path, d.baud_rate), d.command_set) : null;
  return { printer, poleDisplay };
}
