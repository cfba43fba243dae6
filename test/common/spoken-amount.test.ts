import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CLIP_NAMES,
  paidPhrase,
  readInteger,
  spokenAmount,
  spokenAmountTokens,
} from '../../core/common/voice/spoken-amount.ts';

describe('spokenAmount: fen as a Chinese payment speaker says it', () => {
  it.each([
    [1288, '十二点八八元'],
    [100500, '一千零五元'],
    [10500, '一百零五元'],
    [1, '零点零一元'],
    [10, '零点一元'],
    [99, '零点九九元'],
    [100, '一元'],
    [200, '二元'],
    [250, '二点五元'],
    [1000, '十元'],
    [1200, '十二元'],
    [1280, '十二点八元'],
    [2000, '二十元'],
    [2200, '二十二元'],
    [11000, '一百一十元'],
    [20000, '二百元'],
    [22200, '二百二十二元'],
    [101000, '一千零一十元'],
    [120000, '一千二百元'],
    [200000, '二千元'],
    [1000000, '一万元'],
    [1050000, '一万零五百元'],
    [1005000, '一万零五十元'],
    [1000100, '一万零一元'],
    [2000000, '二万元'],
    [10000000, '十万元'],
    [12345678, '十二万三千四百五十六点七八元'],
    [100000000, '一百万元'],
    [1000000000, '一千万元'],
    [10000000000, '一亿元'],
    [10000010000, '一亿零一百元'],
    [0, '零元'],
  ])('%i fen → %s', (fen, text) => {
    expect(spokenAmount(fen)).toBe(text);
  });

  it('says 二 for every 2, never 两, as the clip-based 收款 speakers do (docs/peripherals.md)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 99_999_999_99 }), (fen) => {
        expect(spokenAmount(fen)).not.toContain('两');
      }),
    );
    expect(spokenAmount(222222)).toBe('二千二百二十二点二二元');
    expect(spokenAmount(20000000000)).toBe('二亿元');
    expect(CLIP_NAMES).not.toContain('两');
  });

  it('never says 一十 at the start, never two 零 in a row, never ends on 零 before 元', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 99_999_999_99 }), (fen) => {
        const text = spokenAmount(fen);
        expect(text.startsWith('一十')).toBe(false);
        expect(text).not.toContain('零零');
        expect(text).not.toMatch(/零元$/);
        expect(text.endsWith('元')).toBe(true);
      }),
    );
  });

  it('reads back to the same number (tokens are a faithful spelling)', () => {
    const value: Record<string, number> = {
      零: 0,
      一: 1,
      二: 2,
      三: 3,
      四: 4,
      五: 5,
      六: 6,
      七: 7,
      八: 8,
      九: 9,
    };
    const unit: Record<string, number> = { 十: 10, 百: 100, 千: 1000 };
    const parse = (tokens: string[]) => {
      let total = 0;
      let section = 0;
      let digit = 0;
      for (const t of tokens) {
        if (t in value) digit = value[t]!;
        else if (t in unit) {
          section += (digit || 1) * unit[t]!;
          digit = 0;
        } else if (t === '万' || t === '亿') {
          total = (total + section + digit) * (t === '万' ? 10_000 : 100_000_000);
          section = 0;
          digit = 0;
        }
      }
      return total + section + digit;
    };
    fc.assert(
      // Below 1 亿 (this little parser does not nest 万 inside 亿; the table above covers 亿).
      fc.property(fc.integer({ min: 0, max: 99_999_999 }), (yuan) => {
        expect(parse(readInteger(yuan))).toBe(yuan);
      }),
    );
  });

  it('every token is a clip the player has', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 99_999_999_99 }), (fen) => {
        for (const token of spokenAmountTokens(fen)) expect(CLIP_NAMES).toContain(token);
      }),
    );
  });

  it('refuses what is not an amount', () => {
    expect(() => spokenAmount(-1)).toThrow(RangeError);
    expect(() => spokenAmount(1.5)).toThrow(RangeError);
  });
});

describe('paidPhrase', () => {
  it('says the wallet the way its own speaker does', () => {
    expect(paidPhrase('wxpay', 1288, 'zh-CN')).toEqual({
      text: '微信收款十二点八八元',
      clips: ['微信收款', '十', '二', '点', '八', '八', '元'],
    });
    expect(paidPhrase('alipay', 100500, 'zh-CN').text).toBe('支付宝到账一千零五元');
  });

  it('has an English equivalent', () => {
    expect(paidPhrase('wxpay', 1288, 'en').text).toBe('WeChat Pay received 12.88 yuan');
    expect(paidPhrase('alipay', 5, 'en').text).toBe('Alipay received 0.05 yuan');
  });
});
