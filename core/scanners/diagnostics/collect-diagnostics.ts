/**
 * What `scanpay doctor` finds: the HID devices (with usage page, and a hint when a scanner is in
 * keyboard mode), the serial ports, and what is missing to read them (node-hid's libusb, udevadm
 * for the port list, hidraw / tty permissions) with the fix for each. Every probe is injected so
 * the report can be tested without hardware, and every failure becomes a line, never a crash.
 */
import { access, constants } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import {
  type HidDeviceInfo,
  type HidModule,
  isKeyboardInterface,
  loadNodeHid,
  USAGE_PAGE_POS_SCANNER,
} from '../hid/hid-module.ts';
import { hex4 } from '../scanner-config.ts';
import { loadSerialPort, type SerialPortInfo, type SerialPortModule } from '../serial/serial-port-module.ts';

export interface DiagnosticsDeps {
  readonly loadHid?: () => Promise<HidModule>;
  readonly loadSerialPort?: () => Promise<SerialPortModule>;
  readonly platform?: NodeJS.Platform;
  /** Can this process open the path for reading and writing? */
  readonly canOpen?: (path: string) => Promise<boolean>;
  /** Is this program on PATH? */
  readonly hasProgram?: (name: string) => Promise<boolean>;
}

export type HidDeviceKind = 'pos-scanner' | 'keyboard-scanner' | 'keyboard' | 'other';

export interface HidDeviceReport {
  readonly vendorId: string;
  readonly productId: string;
  readonly path: string | undefined;
  readonly usagePage: string | undefined;
  readonly usage: string | undefined;
  readonly product: string | undefined;
  readonly manufacturer: string | undefined;
  readonly kind: HidDeviceKind;
  readonly accessible: boolean | undefined;
  readonly hint: string | undefined;
}

export interface SerialPortReport extends SerialPortInfo {
  readonly accessible: boolean | undefined;
}

export interface Problem {
  readonly code: string;
  readonly severity: 'error' | 'warning';
  readonly message: string;
  readonly fix: string | undefined;
}

export interface Diagnostics {
  readonly platform: NodeJS.Platform;
  readonly hid:
    | { readonly available: true; readonly devices: readonly HidDeviceReport[] }
    | { readonly available: false; readonly reason: string };
  readonly serial:
    | { readonly available: true; readonly ports: readonly SerialPortReport[] }
    | { readonly available: false; readonly reason: string };
  readonly problems: readonly Problem[];
}

/** Vendors whose keyboard interfaces are barcode scanners (Newland, Honeywell, Zebra, Datalogic, Youjie). */
const SCANNER_VENDORS = new Set([0x1eab, 0x0c2e, 0x05e0, 0x05f9, 0x23d0]);

const hex = (n: number | undefined) => (n === undefined ? undefined : `0x${n.toString(16).padStart(2, '0')}`);

export function udevRule(vendorId: number): string {
  return `KERNEL=="hidraw*", ATTRS{idVendor}=="${hex4(vendorId)}", MODE="0660", GROUP="plugdev"`;
}

function kindOf(device: HidDeviceInfo): HidDeviceKind {
  if (device.usagePage === USAGE_PAGE_POS_SCANNER) return 'pos-scanner';
  if (isKeyboardInterface(device)) {
    const named = /scan|barcode|imager/i.test(`${device.product ?? ''} ${device.manufacturer ?? ''}`);
    return SCANNER_VENDORS.has(device.vendorId) || named ? 'keyboard-scanner' : 'keyboard';
  }
  return 'other';
}

function keyboardHint(platform: NodeJS.Platform): string {
  return platform === 'linux'
    ? "scanner in keyboard mode: readable here through hidraw (profile 'keyboard'; keys still reach the window), or use the keyboard-wedge source; best: scan the scanner's 'USB HID POS' setup code"
    : "scanner in keyboard mode: Windows and macOS do not let programs open keyboards, so use the keyboard-wedge source, or scan the scanner's 'USB HID POS' setup code";
}

/** What to do about a keyboard-mode scanner, per platform (docs/scanner-facts.md, "Platform and IME notes"). */
function keyboardModeFix(platform: NodeJS.Platform): string {
  const best =
    "best: scan the scanner's 'USB HID POS' setup code (read by node-hid: no focus, layout or IME trouble)";
  switch (platform) {
    case 'win32':
      return `Windows does not let programs open keyboards: the keyboard-wedge source reads it in the app window. Under a Chinese IME digits can still be typed into the focused field (Electron cannot stop an active IME): keep the IME in English mode. ${best}`;
    case 'darwin':
      return `macOS does not let programs open keyboards (Input Monitoring): the keyboard-wedge source reads it in the app window. Keep any Chinese IME in English mode. ${best}`;
    default:
      return `readable through hidraw with profile 'keyboard' (keys still reach the window), or by the keyboard-wedge source; ${best}`;
  }
}

async function defaultCanOpen(path: string): Promise<boolean> {
  try {
    await access(path, constants.R_OK | constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

async function defaultHasProgram(name: string): Promise<boolean> {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    try {
      await access(join(dir, name), constants.X_OK);
      return true;
    } catch {
      // not in this directory
    }
  }
  return false;
}

export async function collectDiagnostics(deps: DiagnosticsDeps = {}): Promise<Diagnostics> {
  const platform = deps.platform ?? process.platform;
  const canOpen = deps.canOpen ?? defaultCanOpen;
  const hasProgram = deps.hasProgram ?? defaultHasProgram;
  const problems: Problem[] = [];
  const [hid, serial] = await Promise.all([
    collectHid(deps.loadHid ?? loadNodeHid, platform, canOpen, problems),
    collectSerial(deps.loadSerialPort ?? loadSerialPort, platform, canOpen, hasProgram, problems),
  ]);
  return { platform, hid, serial, problems };
}

async function collectHid(
  load: () => Promise<HidModule>,
  platform: NodeJS.Platform,
  canOpen: (path: string) => Promise<boolean>,
  problems: Problem[],
): Promise<Diagnostics['hid']> {
  let devices: HidDeviceInfo[];
  try {
    devices = await (await load()).devicesAsync();
  } catch (error) {
    const reason = (error as Error).message ?? String(error);
    problems.push({
      code: 'hid_unavailable',
      severity: 'error',
      message: `HID scanners cannot be read: ${reason}`,
      fix: platform === 'linux' ? 'apt-get install libusb-1.0-0 libudev1' : undefined,
    });
    return { available: false, reason };
  }
  const reports: HidDeviceReport[] = [];
  const ruleVendors = new Set<number>();
  for (const device of devices) {
    const kind = kindOf(device);
    const isScanner = kind === 'pos-scanner' || kind === 'keyboard-scanner';
    const accessible =
      platform === 'linux' && isScanner && device.path?.startsWith('/dev/')
        ? await canOpen(device.path)
        : undefined;
    if (accessible === false) ruleVendors.add(device.vendorId);
    reports.push({
      vendorId: hex4(device.vendorId),
      productId: hex4(device.productId),
      path: device.path,
      usagePage: hex(device.usagePage),
      usage: hex(device.usage),
      product: device.product,
      manufacturer: device.manufacturer,
      kind,
      accessible,
      hint: kind === 'keyboard-scanner' ? keyboardHint(platform) : undefined,
    });
  }
  for (const vendorId of ruleVendors) {
    problems.push({
      code: 'hidraw_permission',
      severity: 'error',
      message: `this user cannot open the hidraw device of scanner vendor ${hex4(vendorId)}`,
      fix: `put this line in /etc/udev/rules.d/99-scanpay-scanners.rules, then run "udevadm control --reload-rules && udevadm trigger" and add the kiosk user to plugdev:\n${udevRule(vendorId)}`,
    });
  }
  for (const device of reports.filter((d) => d.kind === 'keyboard-scanner')) {
    problems.push({
      code: 'keyboard_mode_scanner',
      severity: 'warning',
      message: `scanner ${device.vendorId}:${device.productId} is in keyboard mode`,
      fix: keyboardModeFix(platform),
    });
  }
  if (!reports.some((d) => d.kind === 'pos-scanner' || d.kind === 'keyboard-scanner')) {
    problems.push({
      code: 'no_hid_scanner',
      severity: 'warning',
      message: 'no HID scanner found (usage page 0x8C, or a known scanner vendor in keyboard mode)',
      fix: undefined,
    });
  }
  return { available: true, devices: reports };
}

async function collectSerial(
  load: () => Promise<SerialPortModule>,
  platform: NodeJS.Platform,
  canOpen: (path: string) => Promise<boolean>,
  hasProgram: (name: string) => Promise<boolean>,
  problems: Problem[],
): Promise<Diagnostics['serial']> {
  if (platform === 'linux' && !(await hasProgram('udevadm'))) {
    problems.push({
      code: 'udevadm_missing',
      severity: 'error',
      message: 'udevadm is missing: the serial port list (and matching a scanner by USB id) needs it',
      fix: 'apt-get install udev',
    });
  }
  let ports: SerialPortInfo[];
  try {
    ports = await (await load()).SerialPort.list();
  } catch (error) {
    const reason = (error as Error).message ?? String(error);
    problems.push({
      code: 'serial_unavailable',
      severity: 'error',
      message: `cannot list serial ports: ${reason}`,
      fix: undefined,
    });
    return { available: false, reason };
  }
  const reports: SerialPortReport[] = [];
  for (const port of ports) {
    const accessible = platform === 'win32' ? undefined : await canOpen(port.path);
    reports.push({ ...port, accessible });
  }
  if (reports.some((p) => p.accessible === false)) {
    problems.push({
      code: 'serial_permission',
      severity: 'error',
      message: `this user cannot open ${reports
        .filter((p) => p.accessible === false)
        .map((p) => p.path)
        .join(', ')}`,
      fix: 'add the kiosk user to the dialout group: usermod -aG dialout <user> (then log in again)',
    });
  }
  if (platform === 'linux' && reports.some((p) => /ttyACM/.test(p.path))) {
    problems.push({
      code: 'modemmanager_probe',
      severity: 'warning',
      message: 'ModemManager may probe new /dev/ttyACM* scanners for seconds after plug-in',
      fix: 'udev rule: ATTRS{idVendor}=="<vendor>", ENV{ID_MM_DEVICE_IGNORE}="1"',
    });
  }
  return { available: true, ports: reports };
}
