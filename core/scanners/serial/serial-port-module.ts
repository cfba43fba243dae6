/**
 * The slice of the `serialport` package the serial adapter uses, so tests and doctor can inject a
 * subclass (e.g. one whose static `list()` reports a pseudo-terminal as a USB port) and so the
 * native module is only loaded when a serial scanner is actually configured.
 */

export interface SerialPortInfo {
  readonly path: string;
  readonly manufacturer?: string | undefined;
  readonly serialNumber?: string | undefined;
  readonly pnpId?: string | undefined;
  readonly vendorId?: string | undefined;
  readonly productId?: string | undefined;
}

export interface SerialOpenOptions {
  readonly path: string;
  readonly baudRate: number;
  readonly dataBits: 7 | 8;
  readonly parity: 'none' | 'even' | 'odd';
  readonly stopBits: 1 | 2;
  readonly autoOpen: false;
}

export interface SerialPortHandle {
  readonly isOpen: boolean;
  open(callback: (error: Error | null) => void): void;
  close(callback?: (error: Error | null) => void): void;
  on(event: 'data', listener: (chunk: Buffer) => void): unknown;
  on(event: 'close', listener: (error?: (Error & { disconnected?: boolean }) | null) => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  removeAllListeners(): unknown;
}

export interface SerialPortConstructor {
  new (options: SerialOpenOptions): SerialPortHandle;
  list(): Promise<SerialPortInfo[]>;
}

export interface SerialPortModule {
  readonly SerialPort: SerialPortConstructor;
}

export async function loadSerialPort(): Promise<SerialPortModule> {
  return (await import('serialport')) as unknown as SerialPortModule;
}

/** USB ids in the port list are lower-case hex strings without 0x ("1eab"). */
export function portMatches(
  port: SerialPortInfo,
  match: {
    readonly vendorId?: number | undefined;
    readonly productId?: number | undefined;
    readonly serialNumber?: string | undefined;
  },
): boolean {
  const id = (hex: string | undefined) => (hex === undefined ? undefined : Number.parseInt(hex, 16));
  if (match.vendorId !== undefined && id(port.vendorId) !== match.vendorId) return false;
  if (match.productId !== undefined && id(port.productId) !== match.productId) return false;
  if (match.serialNumber !== undefined && port.serialNumber !== match.serialNumber) return false;
  return true;
}
