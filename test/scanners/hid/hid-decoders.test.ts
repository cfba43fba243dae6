import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BootKeyboardDecoder } from '../../../core/scanners/hid/boot-keyboard-decoder.ts';
import { HidPosDecoder, type PosProfile } from '../../../core/scanners/hid/hid-pos-decoder.ts';
import type { FrameEvent } from '../../../core/scanners/serial/line-framer.ts';
import {
  genericReport,
  honeywellReport,
  keyboardReports,
  keypadReports,
  newlandReport,
  RELEASE,
  ROLLOVER,
} from '../fixtures/hid-reports.ts';

const CODE = '134567890123456789';
const feedAll = (decoder: { feed(r: Uint8Array): FrameEvent[] }, reports: readonly Uint8Array[]) =>
  reports.flatMap((r) => decoder.feed(r));
const pos = (profile: PosProfile) => new HidPosDecoder({ profile, maxLength: 1024 });

describe('HID POS decoding', () => {
  it('reads a Newland report with and without the report-id byte', () => {
    expect(pos('newland').feed(newlandReport(CODE))).toEqual([{ kind: 'code', text: CODE }]);
    expect(pos('newland').feed(newlandReport(CODE, { withId: false }))).toEqual([
      { kind: 'code', text: CODE },
    ]);
  });

  it('reassembles a Newland code split across reports by the more-data flag', () => {
    const decoder = pos('newland');
    const long = `https://qr.alipay.com/${'x'.repeat(60)}`;
    const reports = [newlandReport(long.slice(0, 56), { more: true }), newlandReport(long.slice(56))];
    expect(decoder.feed(reports[0]!)).toEqual([]);
    expect(decoder.hasPending()).toBe(true);
    expect(decoder.feed(reports[1]!)).toEqual([{ kind: 'code', text: long }]);
  });

  it('keeps the Honeywell AIM id of the first report only, and drops absent (zero) AIM bytes', () => {
    const decoder = pos('honeywell');
    expect(
      feedAll(decoder, [
        honeywellReport(']Q1', CODE.slice(0, 10), { more: true }),
        honeywellReport(']Q1', CODE.slice(10)),
      ]),
    ).toEqual([{ kind: 'code', text: `]Q1${CODE}` }]);
    expect(decoder.feed(honeywellReport('', CODE, { withId: false }))).toEqual([
      { kind: 'code', text: CODE },
    ]);
  });

  it('reads short generic reports with or without the id and strips a CR suffix', () => {
    expect(pos('generic').feed(genericReport(`${CODE}\r`))).toEqual([{ kind: 'code', text: CODE }]);
    expect(pos('generic').feed(genericReport(CODE, false))).toEqual([{ kind: 'code', text: CODE }]);
  });

  it('rejects a report whose length byte overruns it, and a continuation that never came', () => {
    const overrun = newlandReport(CODE);
    overrun[1] = 60; // a Newland report has room for 56 data bytes
    expect(pos('newland').feed(overrun)).toEqual([
      { kind: 'reject', reason: expect.stringMatching(/claims/) },
    ]);
    const decoder = pos('newland');
    decoder.feed(newlandReport(CODE.slice(0, 8), { more: true }));
    expect(decoder.flush('idle')).toEqual([
      { kind: 'reject', reason: expect.stringMatching(/more data that never came/) },
    ]);
    expect(decoder.feed(newlandReport(CODE))).toEqual([{ kind: 'code', text: CODE }]);
  });

  it('caps a runaway multi-report code and resynchronises at the final report', () => {
    const decoder = new HidPosDecoder({ profile: 'newland', maxLength: 100 });
    const events = feedAll(decoder, [
      newlandReport('1'.repeat(56), { more: true }),
      newlandReport('2'.repeat(56), { more: true }),
      newlandReport('3'.repeat(56)),
      newlandReport(CODE),
    ]);
    expect(events).toEqual([
      { kind: 'reject', reason: expect.stringMatching(/longer than 100/) },
      { kind: 'code', text: CODE },
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
      { kind: 'reject', reason: expect.stringMatching(/cut off/) },
    ]);
  });

  it('accepts a report carrying its report id (9 bytes) and rejects other sizes', () => {
    const decoder = keyboard();
    const withId = keyboardReports('12\r').map((r) => Uint8Array.from([0x01, ...r]));
    expect(feedAll(decoder, withId)).toEqual([{ kind: 'code', text: '12' }]);
    expect(decoder.feed(Uint8Array.from([1, 2, 3]))).toEqual([
      { kind: 'reject', reason: expect.stringMatching(/3 bytes/) },
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
        fc.constantFrom<PosProfile | 'keyboard'>('newland', 'honeywell', 'generic', 'keyboard'),
        fc.array(fc.uint8Array({ maxLength: 70 }), { maxLength: 30 }),
        (profile, reports) => {
          const decoder =
            profile === 'keyboard'
              ? new BootKeyboardDecoder({ maxLength: 64 })
              : new HidPosDecoder({ profile, maxLength: 64 });
          const events = [...feedAll(decoder, reports), ...decoder.flush('disconnect')];
          expect(noControl(events)).toBe(true);
          expect(decoder.hasPending()).toBe(false);
        },
      ),
    );
  });

  it('a whole Newland code after random reports is still decoded', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 70 }), { maxLength: 10 }), (reports) => {
        const decoder = new HidPosDecoder({ profile: 'newland', maxLength: 1024 });
        feedAll(decoder, reports);
        decoder.flush('idle');
        expect(decoder.feed(newlandReport(CODE))).toEqual([{ kind: 'code', text: CODE }]);
      }),
    );
  });
});
