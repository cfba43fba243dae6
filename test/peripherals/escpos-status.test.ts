/** Reading DLE EOT replies (docs/peripherals.md, ESC/POS facts). */
import { describe, expect, it } from 'vitest';
import { decodeStatus } from '../../core/peripherals/escpos/escpos-commands.ts';

describe('decodeStatus', () => {
  it('a ready printer: 12 12 12', () => {
    expect(decodeStatus(Uint8Array.of(0x12, 0x12, 0x12))).toEqual({
      ok: true,
      offline: false,
      coverOpen: false,
      paperOut: false,
      paperLow: false,
    });
  });

  it('out of paper, as an independent implementation reads the same bytes (1A 32 7E: paper end, near end, offline)', () => {
    expect(decodeStatus(Uint8Array.of(0x1a, 0x32, 0x7e))).toMatchObject({
      ok: true,
      offline: true,
      paperOut: true,
      paperLow: true,
    });
  });

  it('cover open: offline cause bit 2', () => {
    expect(decodeStatus(Uint8Array.of(0x1a, 0x16, 0x12))).toMatchObject({
      ok: true,
      coverOpen: true,
      paperOut: false,
    });
  });

  it.each([
    [Uint8Array.of(0x12, 0x12), '2 of 3 status bytes'],
    [Uint8Array.of(0x00, 0x12, 0x12), 'unrecognised status bytes 001212'],
    [Uint8Array.of(0x1b, 0x40, 0x12), 'unrecognised status bytes 1b4012'],
  ])('%o is not a status: %s', (reply, reason) => {
    expect(decodeStatus(reply)).toEqual({ ok: false, reason });
  });
});
