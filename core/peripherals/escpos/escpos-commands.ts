/**
 * The few ESC/POS commands receiptline does not make for us, and the reading of the real-time
 * status replies. Byte values from Epson's ESC/POS command reference
 * (https://download4.epson.biz/sec_pubs/pos/reference_en/escpos/), summarised in docs/peripherals.md.
 */

const ESC = 0x1b;
const GS = 0x1d;
const DLE = 0x10;
const EOT = 0x04;

/** ESC p m t1 t2: pulse on drawer pin 2 (m=0), on for 25×2 ms, off for 250×2 ms — the common kick. */
export const DRAWER_PULSE = Uint8Array.of(ESC, 0x70, 0x00, 25, 250);

/** ESC @: initialise (clears a half-received command left by an earlier broken job). */
export const INITIALISE = Uint8Array.of(ESC, 0x40);

/** DLE EOT 1 (printer), 2 (offline cause), 4 (roll paper): each answered with one byte. */
export const STATUS_QUERY = Uint8Array.of(DLE, EOT, 1, DLE, EOT, 2, DLE, EOT, 4);

/**
 * GS ( k: model 2, module size, error correction M, store the data, print it. The printer draws
 * the QR itself: 30-odd bytes instead of a few kilobytes of raster.
 */
export function nativeQrCode(data: Uint8Array, moduleSize = 6): Uint8Array {
  const store = data.length + 3;
  return Uint8Array.from([
    ...[GS, 0x28, 0x6b, 4, 0, 0x31, 0x41, 0x32, 0x00], // fn 65: model 2
    ...[GS, 0x28, 0x6b, 3, 0, 0x31, 0x43, moduleSize], // fn 67: module size
    ...[GS, 0x28, 0x6b, 3, 0, 0x31, 0x45, 0x31], // fn 69: error correction M
    ...[GS, 0x28, 0x6b, store & 0xff, store >> 8, 0x31, 0x50, 0x30, ...data], // fn 80: store
    ...[GS, 0x28, 0x6b, 3, 0, 0x31, 0x51, 0x30], // fn 81: print
  ]);
}

export interface StatusBytes {
  readonly printer: number;
  readonly offlineCause: number;
  readonly paper: number;
}

/** A status byte always has bit 1 and bit 4 set and bits 0 and 7 clear; anything else is not a status. */
function isStatusByte(byte: number): boolean {
  return (byte & 0x93) === 0x12;
}

export type DecodedStatus =
  | {
      readonly ok: true;
      readonly paperOut: boolean;
      readonly coverOpen: boolean;
      readonly offline: boolean;
      readonly paperLow: boolean;
    }
  | { readonly ok: false; readonly reason: string };

/** Reads the three replies to STATUS_QUERY. A malformed reply is not taken as "online". */
export function decodeStatus(reply: Uint8Array): DecodedStatus {
  if (reply.length < 3) return { ok: false, reason: `${reply.length} of 3 status bytes` };
  const [printer, cause, paper] = [reply[0]!, reply[1]!, reply[2]!];
  if (![printer, cause, paper].every(isStatusByte))
    return {
      ok: false,
      reason: `unrecognised status bytes ${Buffer.from(reply.subarray(0, 3)).toString('hex')}`,
    };
  return {
    ok: true,
    offline: (printer & 0x08) !== 0,
    coverOpen: (cause & 0x04) !== 0,
    paperOut: (cause & 0x20) !== 0 || (paper & 0x60) !== 0,
    paperLow: (paper & 0x0c) !== 0,
  };
}
