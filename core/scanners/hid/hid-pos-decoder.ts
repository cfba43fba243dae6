/**
 * Decodes USB HID POS (usage page 0x8C) input reports into codes, from a layout description
 * (hid-pos-layout.ts). Hand-written because no npm library parses these for Node: the public
 * parsers are WebHID browser code for one vendor each.
 *
 * Every report is checked against its layout before a byte of it is used: the report id, a length
 * that fits the report, zero padding after the data (so a length byte that counts more or fewer
 * bytes than were sent is caught, the bug that once turned a 24-digit Alipay code into a valid
 * 21-digit one), a report that announces more data being full, and the same AIM id on every report
 * of a code. Codes split over several reports are reassembled; a continuation that never comes is
 * rejected whole. Nothing short or inconsistent is ever handed on. Pure: the adapter calls flush
 * from its timer.
 */
import type { ScanRejectCode } from '../../ports/scanner-source.ts';
import type { FlushReason, FrameEvent } from '../serial/line-framer.ts';
import { frameText } from '../shared/frame-text.ts';
import type { HidPosLayout } from './hid-pos-layout.ts';

const AIM_OPEN = 0x5d; // ']'

export type PosReport =
  | {
      readonly kind: 'chunk';
      /** The AIM symbology id (`]Q1`), or '' when the layout has none or the scanner sent zeros. */
      readonly aim: string;
      readonly data: Uint8Array;
      readonly more: boolean;
    }
  | { readonly kind: 'invalid'; readonly code: ScanRejectCode; readonly reason: string };

const hex2 = (byte: number) => `0x${byte.toString(16).padStart(2, '0')}`;

/** The last byte offset (exclusive) a layout reads outside its data region. */
function fixedEnd(layout: HidPosLayout): number {
  const ends = [layout.lengthOffset + 1, layout.dataOffset];
  if (layout.aimOffset !== null) ends.push(layout.aimOffset + 3);
  if (layout.moreFlagOffset !== null) ends.push(layout.moreFlagOffset + 1);
  return Math.max(...ends);
}

/** One report → its data chunk, or why it cannot be trusted. */
export function decodePosReport(layout: HidPosLayout, report: Uint8Array): PosReport {
  const mismatch = (reason: string): PosReport => ({ kind: 'invalid', code: 'scan_length_mismatch', reason });
  if (report.length === 0) return mismatch('empty HID report');
  if (layout.reportId !== null && report[0] !== layout.reportId) {
    return {
      kind: 'invalid',
      code: 'scan_report_id',
      reason: `HID report id ${hex2(report[0]!)} is not the scan report id ${hex2(layout.reportId)}`,
    };
  }
  if (report.length < fixedEnd(layout)) {
    return mismatch(
      `a ${report.length}-byte HID report is shorter than its layout (${fixedEnd(layout)} bytes)`,
    );
  }
  const declared = report[layout.lengthOffset]!;
  const length = layout.lengthIncludesAim ? declared - 3 : declared;
  if (length < 0) return mismatch(`HID length byte ${declared} cannot include the 3 AIM bytes`);
  const capacity = Math.min(layout.dataCapacity, report.length - layout.dataOffset);
  if (length > capacity) {
    return mismatch(`HID report claims ${length} data bytes but has room for ${capacity}`);
  }
  const end = layout.dataOffset + length;
  for (let i = end; i < layout.dataOffset + capacity; i++) {
    if (report[i] !== 0) {
      return mismatch(
        `HID report claims ${length} data bytes but byte ${i} after them is ${hex2(report[i]!)}: the length disagrees with the data`,
      );
    }
  }
  if (layout.moreFlagOffset === null && length === layout.dataCapacity) {
    // Without a more-data flag a full report cannot say whether the code goes on: never emit it cut.
    return mismatch(`a HID code of ${length} bytes fills the report and the layout has no more-data flag`);
  }
  const more = layout.moreFlagOffset !== null && report[layout.moreFlagOffset] !== 0;
  if (more && length !== capacity) {
    return mismatch(`a HID report with ${length} of ${capacity} data bytes says more follow`);
  }
  let aim = '';
  if (layout.aimOffset !== null && report[layout.aimOffset] === AIM_OPEN) {
    aim = String.fromCharCode(...report.subarray(layout.aimOffset, layout.aimOffset + 3));
  }
  return { kind: 'chunk', aim, data: report.subarray(layout.dataOffset, end), more };
}

const isSuffix = (byte: number) => byte === 0x0d || byte === 0x0a || byte === 0x09;

export class HidPosDecoder {
  readonly #layout: HidPosLayout;
  readonly #maxLength: number;
  #parts: Uint8Array[] = [];
  #aim = '';
  #length = 0;
  #reports = 0;
  /** Over the cap: reports are dropped until the final one. */
  #discarding = false;

  constructor(opts: { readonly layout: HidPosLayout; readonly maxLength: number }) {
    this.#layout = opts.layout;
    this.#maxLength = opts.maxLength;
  }

  hasPending(): boolean {
    return this.#reports > 0;
  }

  feed(report: Uint8Array): FrameEvent[] {
    const chunk = decodePosReport(this.#layout, report);
    if (chunk.kind === 'invalid') {
      // A report of another id is not part of the code in progress; anything else breaks it.
      const events = chunk.code === 'scan_report_id' ? [] : this.flush('stale');
      return [...events, { kind: 'reject', code: chunk.code, reason: chunk.reason }];
    }
    const events: FrameEvent[] = [];
    if (this.#reports > 0 && chunk.aim !== this.#aim) {
      const reason = `HID report ${this.#reports + 1} of a code carries AIM "${chunk.aim}" after "${this.#aim}"`;
      this.#reset();
      return [{ kind: 'reject', code: 'scan_length_mismatch', reason }];
    }
    if (this.#reports === 0) this.#aim = chunk.aim;
    this.#reports++;
    if (!this.#discarding) {
      if (this.#length + chunk.data.length > this.#maxLength) {
        this.#discarding = true;
        events.push({
          kind: 'reject',
          code: 'scan_too_long',
          reason: `HID code longer than ${this.#maxLength} bytes: dropped`,
        });
      } else {
        this.#parts.push(chunk.data.slice());
        this.#length += chunk.data.length;
      }
    }
    if (!chunk.more) events.push(...this.#finish());
    return events;
  }

  /** A continuation that never came (or a device that vanished mid-code): reject, never hand on half. */
  flush(reason: FlushReason): FrameEvent[] {
    if (!this.hasPending()) return [];
    const { discarding, length, reports } = {
      discarding: this.#discarding,
      length: this.#length,
      reports: this.#reports,
    };
    this.#reset();
    if (discarding) return [];
    const what = `a ${length}-byte HID code in ${reports} report(s)`;
    return [
      {
        kind: 'reject',
        code: 'scan_incomplete',
        reason:
          reason === 'disconnect'
            ? `${what} was cut off when the device disconnected`
            : `${what} announced more data that never came`,
      },
    ];
  }

  #finish(): FrameEvent[] {
    const discarding = this.#discarding;
    const aim = this.#aim;
    const bytes = new Uint8Array(this.#length);
    let offset = 0;
    for (const part of this.#parts) {
      bytes.set(part, offset);
      offset += part.length;
    }
    this.#reset();
    if (discarding) return [];
    let end = bytes.length;
    while (end > 0 && isSuffix(bytes[end - 1]!)) end--;
    if (end === 0) return [];
    const text = frameText(bytes.subarray(0, end));
    return [
      text.kind === 'text'
        ? { kind: 'code', text: `${aim}${text.text}` }
        : { kind: 'reject', code: 'scan_garbled', reason: text.reason },
    ];
  }

  #reset(): void {
    this.#parts = [];
    this.#aim = '';
    this.#length = 0;
    this.#reports = 0;
    this.#discarding = false;
  }
}
