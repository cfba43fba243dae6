import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Terminator } from '../../../core/scanners/scanner-config.ts';
import { type FrameEvent, LineFramer } from '../../../core/scanners/serial/line-framer.ts';

const bytes = (text: string) => Uint8Array.from(Buffer.from(text, 'latin1'));
const codes = (events: readonly FrameEvent[]) => events.flatMap((e) => (e.kind === 'code' ? [e.text] : []));

describe('LineFramer', () => {
  it('keeps a CR split from its LF in CRLF mode', () => {
    const framer = new LineFramer({ terminator: 'CRLF', maxLength: 64 });
    expect(framer.push(bytes('1234\r'))).toEqual([]);
    expect(framer.push(bytes('\n'))).toEqual([{ kind: 'code', text: '1234' }]);
  });

  it('rejects a lone CR inside a CRLF-mode line as a control byte', () => {
    const framer = new LineFramer({ terminator: 'CRLF', maxLength: 64 });
    expect(framer.push(bytes('12\r34\r\n'))).toEqual([
      { kind: 'reject', code: 'scan_garbled', reason: expect.stringMatching(/0x0d/) },
    ]);
  });

  it('ignores the other terminators in single-terminator modes only as content', () => {
    const framer = new LineFramer({ terminator: 'TAB', maxLength: 64 });
    expect(framer.push(bytes('1234\t'))).toEqual([{ kind: 'code', text: '1234' }]);
    expect(framer.push(bytes('12\n34\t'))).toEqual([
      { kind: 'reject', code: 'scan_garbled', reason: expect.stringMatching(/0x0a/) },
    ]);
  });

  it('emits an idle-framed code only on an idle flush in none mode', () => {
    const framer = new LineFramer({ terminator: 'none', maxLength: 64 });
    // A scanner that does send a suffix, read in none mode: the trailing CR/LF is dropped, not fatal.
    expect(framer.push(bytes('1234\r'))).toEqual([]);
    expect(framer.flush('idle')).toEqual([{ kind: 'code', text: '1234' }]);
    framer.push(bytes('4321\r\n'));
    expect(framer.flush('idle')).toEqual([{ kind: 'code', text: '4321' }]);
    // A CR inside the code is still noise.
    framer.push(bytes('12\r34'));
    expect(framer.flush('idle')).toEqual([
      { kind: 'reject', code: 'scan_garbled', reason: expect.stringMatching(/0x0d/) },
    ]);
    framer.push(bytes('5678'));
    expect(framer.flush('idle')).toEqual([{ kind: 'code', text: '5678' }]);
    expect(framer.hasPending()).toBe(false);
  });

  it('rejects an over-long line once and accepts a line of exactly the cap', () => {
    const framer = new LineFramer({ terminator: 'CR', maxLength: 8 });
    expect(framer.push(bytes('12345678\r'))).toEqual([{ kind: 'code', text: '12345678' }]);
    const events = framer.push(bytes('123456789012345\r87654321\r'));
    expect(events).toEqual([
      {
        kind: 'reject',
        code: 'scan_too_long',
        reason: 'line longer than 8 bytes: dropped up to the next terminator',
      },
      { kind: 'code', text: '87654321' },
    ]);
  });

  it('decodes UTF-8 split across chunks and rejects invalid UTF-8', () => {
    const framer = new LineFramer({ terminator: 'LF', maxLength: 64 });
    const utf8 = Buffer.from('付款\n', 'utf8');
    expect(framer.push(utf8.subarray(0, 2))).toEqual([]);
    expect(framer.push(utf8.subarray(2))).toEqual([{ kind: 'code', text: '付款' }]);
    expect(framer.push(Uint8Array.from([0xc3, 0x28, 0x0a]))).toEqual([
      { kind: 'reject', code: 'scan_garbled', reason: expect.stringMatching(/not valid text/) },
    ]);
  });

  it('a disconnect flush rejects the partial line and hands nothing on', () => {
    const framer = new LineFramer({ terminator: 'auto', maxLength: 64 });
    framer.push(bytes('13456'));
    expect(framer.flush('disconnect')).toEqual([
      {
        kind: 'reject',
        code: 'scan_incomplete',
        reason: 'a 5-byte partial code was cut off when the device disconnected',
      },
    ]);
    expect(framer.flush('disconnect')).toEqual([]);
  });
});

const terminators: Terminator[] = ['auto', 'CR', 'LF', 'CRLF', 'TAB', 'none'];
const suffix: Record<Terminator, string> = {
  auto: '\r',
  CR: '\r',
  LF: '\n',
  CRLF: '\r\n',
  TAB: '\t',
  none: '',
};

describe('LineFramer fuzz', () => {
  it('never throws and never emits a code with control bytes or longer than the cap on random bytes', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...terminators),
        fc.integer({ min: 8, max: 40 }),
        fc.array(fc.uint8Array({ maxLength: 64 }), { maxLength: 20 }),
        (terminator, maxLength, chunks) => {
          const framer = new LineFramer({ terminator, maxLength });
          const events = [
            ...chunks.flatMap((c) => framer.push(c)),
            ...framer.flush('idle'),
            ...framer.flush('disconnect'),
          ];
          for (const text of codes(events)) {
            expect(text.length).toBeGreaterThan(0);
            expect(Buffer.byteLength(text, 'utf8')).toBeLessThanOrEqual(maxLength);
            expect([...text].some((ch) => ch.charCodeAt(0) < 0x20 || ch.charCodeAt(0) === 0x7f)).toBe(false);
          }
          expect(framer.hasPending()).toBe(false);
        },
      ),
    );
  });

  it('recovers every whole code sent after arbitrary garbage, however the stream is chunked', () => {
    fc.assert(
      fc.property(
        fc.constantFrom<Terminator>('auto', 'CR', 'LF', 'CRLF', 'TAB'),
        fc.uint8Array({ maxLength: 80 }),
        fc.array(fc.stringMatching(/^[0-9]{16,24}$/), { minLength: 1, maxLength: 5 }),
        fc.array(fc.integer({ min: 1, max: 7 }), { minLength: 1, maxLength: 10 }),
        (terminator, garbage, payload, cuts) => {
          const framer = new LineFramer({ terminator, maxLength: 32 });
          framer.push(garbage);
          framer.push(bytes(suffix[terminator]));
          const stream = bytes(payload.map((c) => c + suffix[terminator]).join(''));
          const events: FrameEvent[] = [];
          for (let i = 0, k = 0; i < stream.length; k++) {
            const size = cuts[k % cuts.length]!;
            events.push(...framer.push(stream.subarray(i, i + size)));
            i += size;
          }
          expect(codes(events)).toEqual(payload);
        },
      ),
    );
  });
});
