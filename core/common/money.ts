/**
 * Money is integer fen everywhere inside the product. Yuan strings exist only at the Alipay
 * boundary ("12.30"), so the two conversions below work on digits, never on floating point.
 */
import { ValidationError } from './errors.ts';

/** An amount in fen (1/100 yuan). Always a safe, non-negative integer. */
export type Fen = number;

export const MAX_FEN: Fen = 100_000_000_00; // 1 亿元: far above any till sale, far below 2^53.

export function isFen(value: unknown): value is Fen {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 && value <= MAX_FEN;
}

/** Throws a ValidationError naming `field` unless `value` is a positive integer amount of fen. */
export function assertPositiveFen(value: unknown, field = 'total_fee'): Fen {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new ValidationError('amount_invalid', `${field} must be an integer number of fen`, { field });
  }
  if (!Number.isInteger(value)) {
    throw new ValidationError('amount_not_integer', `${field} must be whole fen, got ${value}`, { field });
  }
  if (value <= 0) {
    throw new ValidationError('amount_not_positive', `${field} must be greater than 0 fen`, { field });
  }
  if (value > MAX_FEN) {
    throw new ValidationError('amount_too_large', `${field} exceeds the terminal's limit`, { field });
  }
  return value;
}

/** 1230 → "12.30" (Alipay total_amount / refund_amount). */
export function fenToYuan(fen: Fen): string {
  if (!isFen(fen)) throw new ValidationError('amount_invalid', `not an amount in fen: ${String(fen)}`);
  const yuan = Math.trunc(fen / 100);
  const cents = fen % 100;
  return `${yuan}.${cents.toString().padStart(2, '0')}`;
}

const YUAN_PATTERN = /^(0|[1-9]\d{0,9})(?:\.(\d{1,2}))?$/;

/** "12.3" / "12.30" / "12" → 1230. Rejects signs, exponents, more than two decimals. */
export function yuanToFen(yuan: string): Fen {
  const match = YUAN_PATTERN.exec(yuan.trim());
  if (!match) throw new ValidationError('amount_invalid', `not a yuan amount: ${JSON.stringify(yuan)}`);
  const whole = Number(match[1]);
  const decimals = (match[2] ?? '').padEnd(2, '0');
  return whole * 100 + Number(decimals);
}

const FEN_DIGITS = /^(0|[1-9]\d{0,11})$/;

/**
 * An amount in fen as a provider or a form writes it: decimal digits without sign, point or leading
 * zero ("1230"), or that integer as a JSON number; undefined for anything else or above MAX_FEN.
 * The one parser of provider amounts (gateway replies, notifications, the sandbox's requests).
 */
export function parseFenText(value: unknown): Fen | undefined {
  const text = typeof value === 'number' ? String(value) : value;
  if (typeof text !== 'string' || !FEN_DIGITS.test(text)) return undefined;
  const fen = Number(text);
  return fen <= MAX_FEN ? fen : undefined;
}

/** For display: 1230 → "¥12.30". */
export function formatFen(fen: Fen): string {
  return `¥${fenToYuan(fen)}`;
}
