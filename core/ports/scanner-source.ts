/**
 * The ScannerSource port: one physical or virtual scanner transport (serial, HID POS, keyboard
 * wedge). Adapters live in core/scanners/<transport>/. Every subscription returns a disposer.
 */
import type { Disposer } from '../common/disposer.ts';
import type { ScanRejectCode } from '../common/error-codes.ts';

export type { Disposer } from '../common/disposer.ts';

export type ScannerTransport = 'serial' | 'hid' | 'wedge';

export interface ScanEvent {
  /** The decoded text as the scanner sent it, framing removed (recognition normalises further). */
  readonly code: string;
  /** Stable id of the source, e.g. "serial:/dev/ttyACM0" or "hid:1eab:1a03". */
  readonly source: string;
  /** ms since epoch when the last byte/key of the code arrived. */
  readonly at: number;
}

export type ScannerStatus =
  | { readonly state: 'connecting' }
  | { readonly state: 'connected'; readonly detail?: string }
  | { readonly state: 'disconnected'; readonly reason: string }
  | { readonly state: 'error'; readonly code: string; readonly reason: string }
  | { readonly state: 'unavailable'; readonly code: string; readonly reason: string };

export interface ScannerStatusEvent {
  readonly source: string;
  readonly transport: ScannerTransport;
  readonly status: ScannerStatus;
  readonly at: number;
}

/** Stable codes for input a scanner source refused: the list and what each means live in core/common/error-codes.ts. */
export { SCAN_REJECT_CODES, type ScanRejectCode } from '../common/error-codes.ts';

/** Input that arrived but is not a code (garbage, over-long line, a half code cut off). */
export interface ScanRejectEvent {
  readonly source: string;
  readonly reason: string;
  readonly at: number;
  /** Why, as a stable code (absent only for rejects that predate typed codes). */
  readonly code?: ScanRejectCode;
}

export interface ScannerSource {
  readonly id: string;
  readonly transport: ScannerTransport;
  start(): Promise<void>;
  stop(): Promise<void>;
  onScan(listener: (scan: ScanEvent) => void): Disposer;
  onStatus(listener: (status: ScannerStatusEvent) => void): Disposer;
  onReject?(listener: (reject: ScanRejectEvent) => void): Disposer;
  status(): ScannerStatus;
}
