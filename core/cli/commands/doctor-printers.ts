/**
 * The printer part of `scanpay doctor`: the configured receipt printer and its status (DLE EOT,
 * as the status bar shows it), and the USB printer-class devices plugged in (their ids go into
 * config.json). Only the `printer` key of config.json is read, so no secret reference is resolved.
 * Every probe is injected for tests; every failure becomes a line or a problem, never a crash.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createPeripherals } from '../../peripherals/create-peripherals.ts';
import {
  type UsbDeviceDescription,
  usbDevices,
  usbPrinters,
} from '../../peripherals/printer/usb/list-usb-printers.ts';
import type { CashDrawer, PrinterStatus, ReceiptPrinter } from '../../ports/peripherals.ts';
import type { Problem } from '../../scanners/diagnostics/collect-diagnostics.ts';
import { CONFIG_FILE } from '../../service/config/load-config.ts';
import { type PrinterConfig, PrinterConfigSchema } from '../../service/config/peripherals-config.ts';

export interface PrinterDiagnosticsDeps {
  readonly dataDir: string;
  readonly listUsbDevices?: () => Promise<readonly UsbDeviceDescription[]>;
  readonly makePrinter?: (config: PrinterConfig) => ReceiptPrinter & CashDrawer;
}

export type ConfiguredPrinterReport =
  | { readonly configured: false }
  | {
      readonly configured: true;
      readonly kind: PrinterConfig['kind'];
      readonly id: string;
      readonly status: PrinterStatus;
    }
  | { readonly configured: true; readonly invalid: string };

export interface PrinterDiagnostics {
  readonly configured: ConfiguredPrinterReport;
  readonly usb:
    | { readonly available: true; readonly printers: ReturnType<typeof usbPrinters> }
    | { readonly available: false; readonly reason: string };
  readonly problems: readonly Problem[];
}

const defaultMakePrinter = (config: PrinterConfig) => {
  const { printer } = createPeripherals({ printer: config });
  if (!printer) throw new Error('no printer made for a printer config');
  return printer;
};

/** The `printer` key of config.json, undefined when there is no file or no key. */
async function readPrinterKey(dataDir: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(join(dataDir, CONFIG_FILE), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const raw = JSON.parse(text) as { printer?: unknown } | null;
  return raw && typeof raw === 'object' ? raw.printer : undefined;
}

async function configuredPrinter(
  deps: PrinterDiagnosticsDeps,
  problems: Problem[],
): Promise<ConfiguredPrinterReport> {
  let key: unknown;
  try {
    key = await readPrinterKey(deps.dataDir);
  } catch (error) {
    const invalid = `${join(deps.dataDir, CONFIG_FILE)}: ${(error as Error).message}`;
    problems.push({ code: 'config_unreadable', severity: 'error', message: invalid, fix: undefined });
    return { configured: true, invalid };
  }
  if (key === undefined) return { configured: false };
  const parsed = PrinterConfigSchema.safeParse(key);
  if (!parsed.success) {
    const invalid = parsed.error.issues
      .map((i) => `printer.${i.path.map(String).join('.')}: ${i.message}`)
      .join('; ');
    problems.push({ code: 'config_invalid', severity: 'error', message: invalid, fix: undefined });
    return { configured: true, invalid };
  }
  const printer = (deps.makePrinter ?? defaultMakePrinter)(parsed.data);
  let status: PrinterStatus;
  try {
    status = await printer.status();
  } finally {
    await printer.close().catch(() => {});
  }
  const where = `the configured printer ${printer.id}`;
  if (status.state === 'unreachable')
    problems.push({
      code: 'printer_unreachable',
      severity: 'warning',
      message: `${where} cannot be reached: ${status.detail ?? ''}`.trim(),
      fix: 'check its cable or network address and that it is switched on; receipts wait in the queue meanwhile',
    });
  else if (status.state === 'paper_out' || status.state === 'cover_open' || status.state === 'offline')
    problems.push({
      code: `printer_${status.state}`,
      severity: 'warning',
      message: `${where} answers ${status.state.replace('_', ' ')}`,
      fix: status.state === 'paper_out' ? 'load a paper roll' : 'close the cover and check the printer panel',
    });
  return { configured: true, kind: parsed.data.kind, id: printer.id, status };
}

export async function collectPrinterDiagnostics(deps: PrinterDiagnosticsDeps): Promise<PrinterDiagnostics> {
  const problems: Problem[] = [];
  const configured = await configuredPrinter(deps, problems);
  let usb: PrinterDiagnostics['usb'];
  try {
    usb = { available: true, printers: usbPrinters(await (deps.listUsbDevices ?? usbDevices)()) };
  } catch (error) {
    usb = { available: false, reason: (error as Error).message ?? String(error) };
  }
  return { configured, usb, problems };
}

/** The printer lines of the human-readable report; serial ports are listed with the scanners'. */
export function formatPrinterDiagnostics(
  report: PrinterDiagnostics,
  serialPorts: readonly string[] | null,
): string {
  const lines = ['Printers'];
  const c = report.configured;
  if (!c.configured) lines.push('  configured: none (config.json has no "printer")');
  else if ('invalid' in c) lines.push(`  configured: invalid: ${c.invalid}`);
  else {
    const low = c.status.paper_low ? ', paper low' : '';
    const detail = c.status.detail ? ` (${c.status.detail})` : '';
    lines.push(`  configured: ${c.id}  ${c.status.state}${low}${detail}`);
  }
  if (!report.usb.available) lines.push(`  USB printers: unavailable: ${report.usb.reason}`);
  else if (report.usb.printers.length === 0) lines.push('  USB printers: none');
  else {
    lines.push('  USB printers:');
    for (const p of report.usb.printers)
      lines.push(
        `    ${p.vendorId}:${p.productId}  ${p.name ?? '(no name)'}${p.bidirectional ? '' : '  [no status channel]'}`,
      );
  }
  if (serialPorts === null) lines.push('  serial ports: unavailable (see Serial ports)');
  else lines.push(`  serial ports: ${serialPorts.length === 0 ? 'none' : serialPorts.join(', ')}`);
  return lines.join('\n');
}
