/**
 * Decodes USB HID POS (usage page 0x8C) input reports into codes. Hand-written because no npm
 * library parses these for Node: the public parsers are WebHID browser code for one vendor each,
 * and the layouts differ per vendor. Handles the report-ID byte whether or not the OS delivers it
 * (node-hid includes it for numbered reports, Windows prepends 0 for unnumbered ones, WebHID strips
 * it), reassembles codes split over several reports (the "more data" flag), caps the total and
 * rejects a code whose continuation never came. Pure: the adapter calls flush from its timer.
 *
 * Layouts, offsets after the report id (docs/scanners.md):
 * - newland:   [0] length, [1..56] data, [61] symbology id, [62] more-data flag
 * - honeywell: [0] length (counting the 3 AIM bytes), [1..3] AIM id, then payload, [60] code id, [62] more
 * - generic:   [0] length, then data; [62] more-data flag when the report is that long
 */
import type { FlushReason, FrameEvent } from '../serial/line-framer.ts';
import { frameText } from '../shared/frame-text.ts';

export type PosProfile = 'newland' | 'honeywell' | 'generic';

/** Report id HID POS scanners use for scanned data. */
const SCAN_REPORT_ID = 0x02;
/** A full report without the id byte: 63 bytes (64 with it). */
const FULL_REPORT = 63;
const MORE_FLAG = 62;
const AIM_OPEN = 0x5d; // ']'

export function stripReportId(report: Uint8Array): Uint8Array {
  if (report.length > FULL_REPORT) return report.subarray(1);
  if (report.length === FULL_REPORT) return report;
  // Short reports: only a leading 0x02 whose next byte is a length that fits is an id.
  if (report.length >= 2 && report[0] === SCAN_REPORT_ID && report[1]! <= report.length - 2) {
    return report.subarray(1);
  }
  return report;
}

type Chunk =
  | { readonly kind: 'chunk'; readonly prefix: Uint8Array; readonly data: Uint8Array; readonly more: boolean }
  | { readonly kind: 'invalid'; readonly reason: string };

export function decodePosReport(profile: PosProfile, report: Uint8Array): Chunk {
  const body = stripReportId(report);
  if (body.length === 0) return { kind: 'invalid', reason: 'empty HID report' };
  const length = body[0]!;
  const more = body.length > MORE_FLAG && body[MORE_FLAG] !== 0;
  const capacity = body.length > FULL_REPORT - 1 ? (profile === 'newland' ? 56 : 59) : body.length - 1;
  if (length > capacity) {
    return { kind: 'invalid', reason: `HID report claims ${length} data bytes but has room for ${capacity}` };
  }
  const region = body.subarray(1, 1 + length);
  if (profile !== 'honeywell') return { kind: 'chunk', prefix: new Uint8Array(0), data: region, more };
  if (region.length < 3) return { kind: 'chunk', prefix: new Uint8Array(0), data: new Uint8Array(0), more };
  // AIM id is only worth keeping when it is one (recognition reads it); zeros mean "none sent".
  const prefix = region[0] === AIM_OPEN ? region.subarray(0, 3) : new Uint8Array(0);
  return { kind: 'chunk', prefix, data: region.subarray(3), more };
}

const isSuffix = (byte: number) => byte === 0x0d || byte === 0x0a || byte === 0x09 || byte === 0x00;

export class HidPosDecoder {
  readonly #profile: PosProfile;
  readonly #maxLength: number;
  #parts: Uint8Array[] = [];
  #length = 0;
  #discarding = false;

  constructor(opts: { readonly profile: PosProfile; readonly maxLength: number }) {
    this.#profile = opts.profile;
    this.#maxLength = opts.maxLength;
  }

  hasPending(): boolean {
    return this.#length > 0 || this.#discarding;
  }

  feed(report: Uint8Array): FrameEvent[] {
    const chunk = decodePosReport(this.#profile, report);
    if (chunk.kind === 'invalid') {
      const events = this.flush('stale');
      this.#reset();
      return [...events, { kind: 'reject', reason: chunk.reason }];
    }
    const events: FrameEvent[] = [];
    const first = this.#parts.length === 0;
    for (const part of first ? [chunk.prefix, chunk.data] : [chunk.data]) {
      if (this.#discarding || part.length === 0) continue;
      if (this.#length + part.length > this.#maxLength) {
        this.#discarding = true;
        events.push({ kind: 'reject', reason: `HID code longer than ${this.#maxLength} bytes: dropped` });
        continue;
      }
      this.#parts.push(part.slice());
      this.#length += part.length;
    }
    if (!chunk.more) events.push(...this.#finish());
    return events;
  }

  /** A continuation that never came (or a device that vanished mid-code): reject, never hand on half. */
  flush(reason: FlushReason): FrameEvent[] {
    if (!this.hasPending()) return [];
    const discarding = this.#discarding;
    const length = this.#length;
    this.#reset();
    if (discarding) return [];
    return [
      {
        kind: 'reject',
        reason:
          reason === 'disconnect'
            ? `a ${length}-byte partial HID code was cut off when the device disconnected`
            : `a ${length}-byte HID code announced more data that never came`,
      },
    ];
  }

  #finish(): FrameEvent[] {
    const discarding = this.#discarding;
    const bytes = new Uint8Array(this.#length);
    let offset = 0;
    for (const part of this.#parts) {
      bytes.set(part, offset);
      offset += part.length;
    }
    this.#reset();
    let end = bytes.length;
    while (end > 0 && isSuffix(bytes[end - 1]!)) end--;
    if (discarding || end === 0) return [];
    const text = frameText(bytes.subarray(0, end));
    return [
      text.kind === 'text' ? { kind: 'code', text: text.text } : { kind: 'reject', reason: text.reason },
    ];
  }

  #reset(): void {
    this.#parts = [];
    this.#length = 0;
    this.#discarding = false;
  }
}
