/**
 * The store peripherals' ports: the receipt printer, the cash drawer (kicked through the printer's
 * drawer port) and the pole display (客显). Adapters live in core/peripherals/<kind>/ and are made
 * in one place (core/peripherals/create-peripherals.ts). None of them may delay or fail a payment:
 * the service calls them after the money is booked and queues what could not be printed.
 */

/** What the printer's real-time status (ESC/POS `DLE EOT`) says, or that it could not be asked. */
export type PrinterState =
  | 'online'
  | 'paper_out'
  | 'cover_open'
  /** Offline for another reason (error, feed button held). */
  | 'offline'
  /** The printer could not be reached (connection refused, device missing, timeout). */
  | 'unreachable'
  /** Reached, but it did not answer DLE EOT (many serial printers do not): printing is still tried. */
  | 'unknown';

export interface PrinterStatus {
  readonly state: PrinterState;
  /** Paper near its end (a warning; printing continues). */
  readonly paper_low: boolean;
  /** Why, in words, for logs and the status bar's tooltip. */
  readonly detail: string | null;
}

export interface ReceiptPrinter {
  /** e.g. "tcp:192.168.1.87:9100" or "serial:/dev/ttyUSB0". */
  readonly id: string;
  /** Sends a complete ESC/POS job; rejects (UnavailableError) when the bytes could not be delivered. */
  print(job: Uint8Array): Promise<void>;
  /** Asks DLE EOT 1, 2 and 4; never rejects. */
  status(): Promise<PrinterStatus>;
  /** Releases the connection (service shutdown). */
  close(): Promise<void>;
}

export interface CashDrawer {
  /** One pulse on the drawer port; rejects (UnavailableError) when it could not be sent. */
  open(): Promise<void>;
}

export interface PoleDisplay {
  readonly id: string;
  /** Shows an amount in fen, or the idle 0.00 when null. Rejects (UnavailableError) when not delivered. */
  showAmount(fen: number | null): Promise<void>;
  /** Releases the connection (service shutdown). */
  close(): Promise<void>;
}
