/**
 * Field checks shared by the three protocol modules: integer fen as the providers send it (a
 * decimal string of digits), merchant order numbers, "which required field is missing", and a JSON
 * request body that must be one object.
 */
import { type Fen, parseFenText } from '../common/money.ts';
import { isOrderNo } from '../common/order-number.ts';

/** "1230" → 1230; anything else (0, "12.3", "-1", " 1") → undefined: a charge is never for 0 fen. */
export function parsePositiveFenText(text: string | undefined): Fen | undefined {
  const fen = parseFenText(text);
  return fen !== undefined && fen > 0 ? fen : undefined;
}

/** WeChat/PAYJS: ≤ 32 chars of letters, digits, _-|*@. Alipay allows 64. */
export function isOutTradeNo(text: string | undefined, maxLength = 32): text is string {
  return isOrderNo(text, maxLength);
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

/** A JSON body that is one object (not an array, not null); undefined for anything else. */
export function parseJsonObject(body: string): Readonly<Record<string, unknown>> | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return undefined;
  return parsed as Record<string, unknown>;
}
