/**
 * Amounts the way a Chinese payment speaker (收款音箱) says them, and the confirmation phrases built
 * on them: 1288 fen → 十二点八八元, 100500 → 一千零五元, 10500 → 一百零五元, 1 → 零点零一元.
 * Environment-neutral (the renderer speaks it). Hand-written: the npm number-to-Chinese packages
 * spell 大写 cheque amounts (壹拾贰元捌角捌分) or keep 一十, neither of which a speaker says.
 *
 * Rules (docs/peripherals.md § Spoken confirmation):
 * - yuan with 万/亿 groups; a run of zeros inside is one 零, trailing zeros are silent;
 * - a number starting with 十 drops the 一 (十二, not 一十二), but not inside (一百一十);
 * - 2 is always 二 (二元, 二百, 二千, 二万): the clip-based 收款 speakers are built from the clips
 *   零–九, 十/百/千/万/亿, 点, 元 and have no 两, so that is what a shop hears from them;
 * - the fraction is read digit by digit after 点 with trailing zeros dropped (十二点八元, 零点零一元).
 * Every token is one clip name, so the same list drives the recorded-clip player.
 */

const DIGITS = ['零', '一', '二', '三', '四', '五', '六', '七', '八', '九'] as const;
const SMALL_UNITS = ['', '十', '百', '千'] as const;
const GROUP_UNITS = ['', '万', '亿'] as const;

export type Wallet = 'wxpay' | 'alipay';

/** Reads 0..9999 as tokens (no leading/trailing zero handling across groups). */
function readGroup(value: number): string[] {
  const tokens: string[] = [];
  let pendingZero = false;
  for (let position = 3; position >= 0; position--) {
    const digit = Math.floor(value / 10 ** position) % 10;
    if (digit === 0) {
      if (tokens.length > 0) pendingZero = true;
      continue;
    }
    if (pendingZero) tokens.push('零');
    pendingZero = false;
    tokens.push(DIGITS[digit]!);
    if (SMALL_UNITS[position]) tokens.push(SMALL_UNITS[position]!);
  }
  return tokens;
}

/** The integer part of an amount in yuan as tokens: 1005 → 一 千 零 五. */
export function readInteger(value: number): string[] {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`not a whole number of yuan: ${value}`);
  if (value === 0) return ['零'];
  const groups: number[] = [];
  for (let rest = value; rest > 0; rest = Math.floor(rest / 10_000)) groups.push(rest % 10_000);
  if (groups.length > GROUP_UNITS.length) throw new RangeError(`too large to speak: ${value}`);
  const tokens: string[] = [];
  let zeroPending = false;
  for (let index = groups.length - 1; index >= 0; index--) {
    const group = groups[index]!;
    if (group === 0) {
      if (tokens.length > 0) zeroPending = true;
      continue;
    }
    // A group below 1000 after a higher group starts with 零 (一万零五百).
    if (tokens.length > 0 && (zeroPending || group < 1000)) tokens.push('零');
    zeroPending = false;
    tokens.push(...readGroup(group));
    if (GROUP_UNITS[index]) tokens.push(GROUP_UNITS[index]!);
  }
  if (tokens[0] === '一' && tokens[1] === '十') tokens.shift();
  return tokens;
}

/** An amount in fen as spoken tokens, ending in 元: 1288 → 十 二 点 八 八 元. */
export function spokenAmountTokens(fen: number): string[] {
  if (!Number.isSafeInteger(fen) || fen < 0) throw new RangeError(`not an amount in fen: ${fen}`);
  const yuan = Math.floor(fen / 100);
  const cents = fen % 100;
  const tokens = readInteger(yuan);
  if (cents > 0) {
    const jiao = Math.floor(cents / 10);
    const fenDigit = cents % 10;
    tokens.push('点', DIGITS[jiao]!);
    if (fenDigit > 0) tokens.push(DIGITS[fenDigit]!);
  }
  tokens.push('元');
  return tokens;
}

/** 1288 → "十二点八八元". */
export function spokenAmount(fen: number): string {
  return spokenAmountTokens(fen).join('');
}

/** Opening clip of each wallet's confirmation, as the providers' own speakers say it. */
export const PAID_PREFIX: Readonly<Record<Wallet, string>> = { wxpay: '微信收款', alipay: '支付宝到账' };

export interface SpokenPhrase {
  /** What a speech engine should say. */
  readonly text: string;
  /** The clip names to concatenate when no speech engine is available (zh-CN only). */
  readonly clips: readonly string[];
}

/** The paid confirmation: 微信收款十二点八八元 / "WeChat Pay received 12.88 yuan". */
export function paidPhrase(wallet: Wallet, fen: number, language: 'zh-CN' | 'en'): SpokenPhrase {
  const tokens = spokenAmountTokens(fen);
  if (language === 'en') {
    const yuan = `${Math.floor(fen / 100)}.${String(fen % 100).padStart(2, '0')}`;
    const name = wallet === 'wxpay' ? 'WeChat Pay' : 'Alipay';
    return { text: `${name} received ${yuan} yuan`, clips: [PAID_PREFIX[wallet], ...tokens] };
  }
  return { text: `${PAID_PREFIX[wallet]}${tokens.join('')}`, clips: [PAID_PREFIX[wallet], ...tokens] };
}

/** Every clip a phrase can use: the build script records these, the player looks them up. */
export const CLIP_NAMES: readonly string[] = [
  ...DIGITS,
  '十',
  '百',
  '千',
  '万',
  '亿',
  '点',
  '元',
  PAID_PREFIX.wxpay,
  PAID_PREFIX.alipay,
];
