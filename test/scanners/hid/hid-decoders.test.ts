import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BootKeyboardDecoder } from '../../../core/scanners/hid/boot-keyboard-decoder.ts';
import { decodePosReport, HidPosDecoder } from '../../../core/scanners/hid/hid-pos-decoder.ts';
import { HID_POS_LAYOUTS, type HidPosLayout } from '../../../core/scanners/hid/hid-pos-layout.ts';
import type { FrameEvent } from '../../../core/scanners/serial/line-framer.ts';
import {
  honeywellReport,
  keyboardReports,
  keypadReports,
  newlandReport,
  RELEASE,
  ROLLOVER,
  readReportFile,
} from '../fixtures/hid-reports.ts';

const CODE = '134567890123456789';
const ALIPAY = '281234567890123456789012';
const feedAll = (decoder: { feed(r: Uint8Array): FrameEvent[] }, reports: readonly Uint8Array[]) =>
  reports.flatMap((r) => decoder.feed(r));
const pos = (layout: HidPosLayout, maxLength = 1024) => new HidPosDecoder({ layout, maxLength });
const { honeywell, newland } = HID_POS_LAYOUTS;

describe('captured and documented HID POS reports decode to exactly the scanned data', () => {
  it('Honeywell Voyager 1602g (captured): the length byte counts the data only, not the AIM', () => {
    expect(feedAll(pos(honeywell), readReportFile('honeywell-voyager-1602g-single.hex'))).toEqual([
      { kind: 'code', text: ']X0um: N/A' },
    ]);
  });

  it('Honeywell Voyager 1602g (captured, 6 reports): every byte of every report, more flag at byte 63', () => {
    const reports = readReportFile('honeywell-voyager-1602g-revinf.hex');
    const chunks = reports.map((r) => decodePosReport(honeywell, r));
    expect(chunks.map((c) => c.kind === 'chunk' && c.more)).toEqual([true, true, true, true, true, false]);
    expect(chunks.map((c) => c.kind === 'chunk' && c.aim)).toEqual(Array(6).fill(']X0'));
    const text = chunks
      .map((c) => (c.kind === 'chunk' ? Buffer.from(c.data).toString('latin1') : ''))
      .join('');
    expect(text).toBe(
      'Product Name: Voyager 1602g\r\nBoot Revision: : 8992\r\nSoftware Part Number: CW000082BBA\r\n' +
        'Software Revision: $ProjectRevision: 16345 \r\nSerial Number: 15232B1F0C\r\nSupported IF: Bluetooth\r\n' +
        'PCB Assembly ID: 000000\r\nEngine Firmware Type: N/A   Revision: N/A   Serial Number: N/A   Checksum: N/A\r\n',
    );
    // Line breaks inside are not a code: the reassembled text is refused whole, never cut at the first.
    expect(feedAll(pos(honeywell), reports)).toEqual([
      { kind: 'reject', code: 'scan_garbled', reason: expect.stringMatching(/control byte 0x0d/) },
    ]);
  });

  it.each([
    [
      'access-is-lsr116-two-reports.hex',
      honeywell,
      ']Q0M1GATHERGOOD/MICHAEL  YABCDEF LHRDURAK 3542 052Y003D23   100',
    ],
    ['honeywell-wechat-18-single.hex', honeywell, `]C0${CODE}`],
    ['zebra-alipay-24-single.hex', honeywell, `]C0${ALIPAY}`],
    ['datalogic-alipay-24-single.hex', honeywell, `]C0${ALIPAY}`],
    ['youjie-alipay-24-single.hex', honeywell, `]C0${ALIPAY}`],
    [
      'zebra-qr-two-reports.hex',
      honeywell,
      ']Q1https://qr.alipay.com/bax03431ljhokirwl38f00a7tqpwbvtk0mmsd7u8',
    ],
    ['newland-wechat-18-single.hex', newland, CODE],
    ['newland-alipay-24-single.hex', newland, ALIPAY],
  ])('%s', (file, layout, text) => {
    expect(feedAll(pos(layout), readReportFile(file))).toEqual([{ kind: 'code', text }]);
  });

  it('a layout that misreads the length is caught, never emitted as a shorter code', () => {
    // The old reading (length counts the AIM) against a real 24-digit Alipay report.
    const wrong: HidPosLayout = { ...honeywell, lengthIncludesAim: true };
    expect(feedAll(pos(wrong), readReportFile('zebra-alipay-24-single.hex'))).toEqual([
      { kind: 'reject', code: 'scan_length_mismatch', reason: expect.stringMatching(/disagrees/) },
    ]);
    // And the Honeywell layout read by the Newland one.
    const events = feedAll(pos(newland), readReportFile('honeywell-wechat-18-single.hex'));
    expect(events.filter((e) => e.kind === 'code')).toEqual([]);
  });
});

describe('HID POS decoding rules', () => {
  it('checks the report id and leaves a code in progress alone', () => {
    const decoder = pos(honeywell);
    expect(decoder.feed(honeywellReport(']C0', 'x'.repeat(56), { more: true }))).toEqual([]);
    const foreign = honeywellReport(']C0', CODE);
    foreign[0] = 0x04;
    expect(decoder.feed(foreign)).toEqual([
      {
        kind: 'reject',
        code: 'scan_report_id',
        reason: expect.stringMatching(/0x04 is not the scan report id 0x02/),
      },
    ]);
    expect(decoder.feed(honeywellReport(']C0', '12'))).toEqual([
      { kind: 'code', text: `]C0${'x'.repeat(56)}12` },
    ]);
  });

  it('rejects a report whose length byte overruns it or that says more follow when it is not full', () => {
    const overrun = newlandReport(CODE);
    overrun[1] = 60;
    expect(pos(newland).feed(overrun)).toEqual([
      {
        kind: 'reject',
        code: 'scan_length_mismatch',
        reason: expect.stringMatching(/claims 60 data bytes but has room for 56/),
      },
    ]);
    expect(pos(honeywell).feed(honeywellReport(']C0', CODE, { more: true }))).toEqual([
      {
        kind: 'reject',
        code: 'scan_length_mismatch',
        reason: expect.stringMatching(/18 of 56 data bytes says more follow/),
      },
    ]);
    expect(pos(honeywell).feed(honeywellReport(']C0', CODE).subarray(0, 40))).toEqual([
      {
        kind: 'reject',
        code: 'scan_length_mismatch',
        reason: expect.stringMatching(/shorter than its layout/),
      },
    ]);
  });

  it('a full report in a layout with no more-data flag may continue: refused, never emitted cut', () => {
    expect(pos(newland).feed(newlandReport('7'.repeat(56)))).toEqual([
      { kind: 'reject', code: 'scan_length_mismatch', reason: expect.stringMatching(/fills the report/) },
    ]);
    expect(pos(newland).feed(newlandReport('7'.repeat(55)))).toEqual([
      { kind: 'code', text: '7'.repeat(55) },
    ]);
  });

  it('rejects a multi-report code whose continuation never came, or whose reports disagree on the AIM', () => {
    const decoder = pos(honeywell);
    decoder.feed(honeywellReport(']Q1', 'a'.repeat(56), { more: true }));
    expect(decoder.flush('idle')).toEqual([
      {
        kind: 'reject',
        code: 'scan_incomplete',
        reason: expect.stringMatching(/56-byte HID code in 1 report\(s\) announced more data/),
      },
    ]);
    decoder.feed(honeywellReport(']Q1', 'a'.repeat(56), { more: true }));
    expect(decoder.feed(honeywellReport(']C0', CODE))).toEqual([
      {
        kind: 'reject',
        code: 'scan_length_mismatch',
        reason: expect.stringMatching(/AIM "\]C0" after "\]Q1"/),
      },
    ]);
    expect(decoder.feed(honeywellReport(']C0', CODE))).toEqual([{ kind: 'code', text: `]C0${CODE}` }]);
  });

  it('caps a runaway multi-report code and resynchronises at the final report', () => {
    const decoder = pos(honeywell, 100);
    const events = feedAll(decoder, [
      honeywellReport(']Q1', '1'.repeat(56), { more: true }),
      honeywellReport(']Q1', '2'.repeat(56), { more: true }),
      honeywellReport(']Q1', '3'.repeat(10)),
      honeywellReport(']C0', CODE),
    ]);
    expect(events).toEqual([
      { kind: 'reject', code: 'scan_too_long', reason: expect.stringMatching(/longer than 100/) },
      { kind: 'code', text: `]C0${CODE}` },
    ]);
  });
});

describe('keyboard boot reports (hidraw)', () => {
  const keyboard = () => new BootKeyboardDecoder({ maxLength: 256 });

  it('decodes press/release pairs, repeated digits, shift and Enter', () => {
    expect(feedAll(keyboard(), keyboardReports(`]C0${CODE}11\r`))).toEqual([
      { kind: 'code', text: `]C0${CODE}11` },
    ]);
    expect(feedAll(keyboard(), keyboardReports('AbC123\t'))).toEqual([{ kind: 'code', text: 'AbC123' }]);
  });

  it('decodes keypad digits ended by keypad Enter', () => {
    expect(feedAll(keyboard(), keypadReports(CODE))).toEqual([{ kind: 'code', text: CODE }]);
  });

  it('ignores rollover-error reports and keys held across reports', () => {
    const one = Uint8Array.from([0, 0, 0x1e, 0, 0, 0, 0, 0]);
    const oneAndTwo = Uint8Array.from([0, 0, 0x1e, 0x1f, 0, 0, 0, 0]);
    const enter = Uint8Array.from([0, 0, 0x28, 0, 0, 0, 0, 0]);
    expect(feedAll(keyboard(), [one, ROLLOVER, oneAndTwo, RELEASE, enter, RELEASE])).toEqual([
      { kind: 'code', text: '12' },
    ]);
  });

  it('ends a suffix-less code on idle and rejects one cut off by a disconnect', () => {
    const decoder = keyboard();
    feedAll(decoder, keyboardReports(CODE));
    expect(decoder.flush('idle')).toEqual([{ kind: 'code', text: CODE }]);
    feedAll(decoder, keyboardReports('1234'));
    expect(decoder.flush('disconnect')).toEqual([
      { kind: 'reject', code: 'scan_incomplete', reason: expect.stringMatching(/cut off/) },
    ]);
  });

  it('once a code ended on Enter, a later one that falls silent was cut off: rejected, never emitted shorter', () => {
    const decoder = keyboard();
    expect(feedAll(decoder, keyboardReports(`${CODE}\r`))).toEqual([{ kind: 'code', text: CODE }]);
    // The scanner paused longer than the end timeout after 20 of the 24 digits: those 20 digits are a
    // valid-looking Alipay code, not the customer's.
    feedAll(decoder, keyboardReports(ALIPAY.slice(0, 20)));
    expect(decoder.flush('idle')).toEqual([
      { kind: 'reject', code: 'scan_incomplete', reason: expect.stringMatching(/20-character/) },
    ]);
    // Whole codes still pass afterwards.
    expect(feedAll(decoder, keyboardReports(`${ALIPAY}\r`))).toEqual([{ kind: 'code', text: ALIPAY }]);
  });

  it('accepts a report carrying its report id (9 bytes) and rejects other sizes', () => {
    const decoder = keyboard();
    const withId = keyboardReports('12\r').map((r) => Uint8Array.from([0x01, ...r]));
    expect(feedAll(decoder, withId)).toEqual([{ kind: 'code', text: '12' }]);
    expect(decoder.feed(Uint8Array.from([1, 2, 3]))).toEqual([
      { kind: 'reject', code: 'scan_length_mismatch', reason: expect.stringMatching(/3 bytes/) },
    ]);
  });
});

describe('HID decoder fuzz', () => {
  const noControl = (events: readonly FrameEvent[]) =>
    events.every(
      (e) =>
        e.kind !== 'code' || ![...e.text].some((ch) => ch.charCodeAt(0) < 0x20 || ch.charCodeAt(0) === 0x7f),
    );

  it('random reports never throw, never emit control characters, and leave nothing pending after a disconnect', () => {
    fc.assert(
      fc.property(
        fc.constantFrom<'honeywell' | 'newland' | 'keyboard'>('newland', 'honeywell', 'keyboard'),
        fc.array(fc.uint8Array({ maxLength: 70 }), { maxLength: 30 }),
        (profile, reports) => {
          const decoder =
            profile === 'keyboard'
              ? new BootKeyboardDecoder({ maxLength: 64 })
              : new HidPosDecoder({ layout: HID_POS_LAYOUTS[profile], maxLength: 64 });
          const events = [...feedAll(decoder, reports), ...decoder.flush('disconnect')];
          expect(noControl(events)).toBe(true);
          expect(decoder.hasPending()).toBe(false);
        },
      ),
    );
  });

  it('a multi-report code cut off anywhere comes out whole or not at all, never shorter', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 200 }),
        fc.integer({ min: 0, max: 5 }),
        fc.constantFrom<'idle' | 'disconnect'>('idle', 'disconnect'),
        (extra, keep, reason) => {
          const text = `${ALIPAY}${'9'.repeat(extra)}`;
          const reports: Uint8Array[] = [];
          for (let at = 0; at < text.length; at += 56) {
            reports.push(honeywellReport(']C0', text.slice(at, at + 56), { more: at + 56 < text.length }));
          }
          const decoder = pos(honeywell);
          const events = [...feedAll(decoder, reports.slice(0, keep)), ...decoder.flush(reason)];
          const codes = events.filter((e) => e.kind === 'code');
          expect(codes).toEqual(keep >= reports.length ? [{ kind: 'code', text: `]C0${text}` }] : []);
          if (keep > 0 && keep < reports.length) {
            expect(events).toEqual([expect.objectContaining({ kind: 'reject', code: 'scan_incomplete' })]);
          }
        },
      ),
    );
  });

  it('a whole code after random reports is still decoded', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 70 }), { maxLength: 10 }), (reports) => {
        const decoder = pos(newland);
        feedAll(decoder, reports);
        decoder.flush('idle');
        expect(decoder.feed(newlandReport(CODE))).toEqual([{ kind: 'code', text: CODE }]);
      }),
    );
  });
});
