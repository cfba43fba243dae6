/**
 * Field checks shared by the three protocol modules: integer fen as the providers send it (a
 * decimal string of digits), merchant order numbers, and "which required field is missing".
 */
import { type Fen, MAX_FEN } from '../common/money.ts';

const FEN_TEXT = /^[1-9]\d{0,11}$/;

/** "1230" → 1230; anything else (0, "12.3", "-1", " 1") → undefined. */
export function parseFenText(text: string | undefined): Fen | undefined {
  if (text === undefined || !FEN_TEXT.test(text)) return undefined;
  const fen = Number(text);
  return fen <= MAX_FEN ? fen : undefined;
}

/** WeChat/PAYJS: ≤ 32 chars of letters, digits, _-|*@. Alipay allows 64. */
export function isOutTradeNo(text: string | undefined, maxLength = 32): text is string {
  return (
    text !== undefined && text.length > 0 && text.length <= maxLength && /^[0-9A-Za-z_\-|*@]+$/.test(text)
  );
}

/** The first of `names` that is absent or empty, if any. */
export function missingField(
  params: Readonly<Record<string, string | undefined>>,
  names: readonly string[],
): string | undefined {
  return names.find((name) => {
    const value = params[name];
    return value === undefined || value === '';
  });
}
