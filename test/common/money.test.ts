/** core/common/money.ts: fen inside, yuan strings only at the Alipay boundary, converted on digits. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../core/common/errors.ts';
import {
  assertPositiveFen,
  fenToYuan,
  formatFen,
  isFen,
  MAX_FEN,
  parseFenText,
  yuanToFen,
} from '../../core/common/money.ts';

describe('fenToYuan', () => {
  it.each([
    [0, '0.00'],
    [1, '0.01'],
    [10, '0.10'],
    [99, '0.99'],
    [100, '1.00'],
    [1230, '12.30'],
    [123_456_789, '1234567.89'],
    [MAX_FEN, '100000000.00'],
  ])('%i fen → "%s"', (fen, yuan) => {
    expect(fenToYuan(fen)).toBe(yuan);
  });

  it.each([[-1], [1.5], [Number.NaN], [MAX_FEN + 1], [Number.MAX_SAFE_INTEGER + 2]])(
    'refuses %s with amount_invalid',
    (fen) => {
      expect(() => fenToYuan(fen)).toThrow(ValidationError);
      expect(() => fenToYuan(fen)).toThrow(/not an amount in fen/);
    },
  );

  it('formatFen prefixes ¥', () => {
    expect(formatFen(1250)).toBe('¥12.50');
  });
});

describe('yuanToFen', () => {
  it.each([
    ['12.30', 1230],
    ['12.3', 1230],
    ['12', 1200],
    ['0.01', 1],
    ['0', 0],
    [' 9.90 ', 990],
    ['0.1', 10],
    ['9999999999.99', 999_999_999_999],
  ])('"%s" → %i fen', (yuan, fen) => {
    expect(yuanToFen(yuan)).toBe(fen);
  });

  // Floating point would turn "0.29" into 28.999… fen; digits never do.
  it('is exact where floating point is not: "0.29", "1.15", "4.35"', () => {
    expect([yuanToFen('0.29'), yuanToFen('1.15'), yuanToFen('4.35')]).toEqual([29, 115, 435]);
  });

  it.each([
    ['-1.00'],
    ['+1.00'],
    ['1.234'],
    ['1e3'],
    ['01.00'],
    ['1.'],
    ['.5'],
    ['1,000.00'],
    ['¥1.00'],
    [''],
    ['12345678901.00'],
    ['NaN'],
  ])('refuses "%s" with a ValidationError quoting it', (yuan) => {
    let thrown: unknown;
    try {
      yuanToFen(yuan);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ValidationError);
    expect(thrown).toMatchObject({
      code: 'amount_invalid',
      message: `not a yuan amount: ${JSON.stringify(yuan)}`,
    });
  });

  it('round-trips every amount in fen', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: MAX_FEN }), (fen) => {
        expect(yuanToFen(fenToYuan(fen))).toBe(fen);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('isFen and assertPositiveFen', () => {
  it('isFen accepts safe non-negative integers up to MAX_FEN only', () => {
    expect([0, 1, MAX_FEN].map(isFen)).toEqual([true, true, true]);
    expect([-1, 0.5, MAX_FEN + 1, '1', null, Number.POSITIVE_INFINITY].map(isFen)).toEqual([
      false,
      false,
      false,
      false,
      false,
      false,
    ]);
  });

  it.each([
    ['a string', '100', 'amount_invalid'],
    ['NaN', Number.NaN, 'amount_invalid'],
    ['Infinity', Number.POSITIVE_INFINITY, 'amount_invalid'],
    ['a fraction', 12.5, 'amount_not_integer'],
    ['zero', 0, 'amount_not_positive'],
    ['a negative amount', -100, 'amount_not_positive'],
    ['more than MAX_FEN', MAX_FEN + 1, 'amount_too_large'],
  ])('assertPositiveFen refuses %s with %s, naming the field', (_what, value, code) => {
    let thrown: unknown;
    try {
      assertPositiveFen(value, 'refund_fee');
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ValidationError);
    expect(thrown).toMatchObject({ code, details: { field: 'refund_fee' } });
    expect((thrown as Error).message).toContain('refund_fee');
  });

  it('assertPositiveFen returns a valid amount unchanged, total_fee by default', () => {
    expect(assertPositiveFen(1)).toBe(1);
    expect(assertPositiveFen(MAX_FEN)).toBe(MAX_FEN);
    expect(() => assertPositiveFen(0)).toThrow(/total_fee/);
  });
});

describe('parseFenText (the one parser of provider and form amounts)', () => {
  it.each([
    ['1230', 1230],
    ['0', 0],
    [1230, 1230],
    [String(MAX_FEN), MAX_FEN],
  ])('reads %j as %d fen', (value, fen) => {
    expect(parseFenText(value)).toBe(fen);
  });

  it.each([
    ['12.30'],
    ['-1'],
    [' 1'],
    ['0100'],
    ['1e3'],
    [''],
    [12.3],
    [-1],
    [String(MAX_FEN + 1)],
    ['9999999999999'],
    [undefined],
    [null],
    [{}],
  ])('refuses %j', (value) => {
    expect(parseFenText(value)).toBeUndefined();
  });
});
