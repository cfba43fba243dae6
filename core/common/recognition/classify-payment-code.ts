/**
 * Payment code (付款码) recognition: normalise the scanner's framing, then match the rule table.
 * Everything that is not a payment code gets a specific reason, so the cashier knows whether they
 * scanned a product barcode, half a code, or a wallet this terminal cannot take.
 */
import type { RecognitionErrorCode } from '../error-codes.ts';
import type { ErrorShape } from '../errors.ts';
import { normaliseScan } from './normalise-scan.ts';
import { type SupportedWallet, WALLET_RULES, type Wallet } from './wallet-rules.ts';

export type { RecognitionErrorCode };

declare const recognised: unique symbol;

/**
 * A payment code classifyPaymentCode accepted, with its wallet. Only classifyPaymentCode makes one
 * (the brand), so whoever holds it (the till, then the engine) never classifies the code again.
 */
export interface RecognisedCode {
  readonly ok: true;
  readonly wallet: SupportedWallet;
  /** The normalised digits (framing and whitespace removed). */
  readonly authCode: string;
  readonly [recognised]: true;
}

export type Classification =
  | RecognisedCode
  | {
      readonly ok: false;
      readonly error: ErrorShape & { readonly code: RecognitionErrorCode; readonly wallet?: Wallet };
    };

/** Shortest and longest payment code of any rule (Alipay 16–24). */
const MIN_LENGTH = 16;
const MAX_LENGTH = 24;

function fail(code: RecognitionErrorCode, message: string, wallet?: Wallet): Classification {
  return { ok: false, error: wallet ? { code, message, wallet } : { code, message } };
}

/** GS1 mod-10 check digit, used by EAN-8, UPC-A (12), EAN-13 and ITF-14 product barcodes. */
export function hasValidGs1CheckDigit(digits: string): boolean {
  let sum = 0;
  for (let i = digits.length - 2, weight = 3; i >= 0; i--, weight = weight === 3 ? 1 : 3) {
    sum += Number(digits[i]) * weight;
  }
  return (10 - (sum % 10)) % 10 === Number(digits[digits.length - 1]);
}

const PRODUCT_BARCODE_AIM = /^\](E|e)/; // ]E0 EAN/UPC

export function classifyPaymentCode(raw: string): Classification {
  const { text, aimId } = normaliseScan(raw);
  if (text.length === 0) return fail('code_empty', 'nothing was scanned');
  if (/[A-Za-z]/.test(text)) {
    return fail(
      'code_has_letters',
      'contains letters: payment codes are digits only (is this a QR from a web page?)',
    );
  }
  if (!/^\d+$/.test(text)) {
    return fail('code_has_invalid_characters', 'contains characters other than digits');
  }
  const looksLikeProduct =
    (aimId !== undefined && PRODUCT_BARCODE_AIM.test(aimId)) ||
    ([8, 12, 13, 14].includes(text.length) && hasValidGs1CheckDigit(text));
  if (looksLikeProduct) {
    return fail(
      'code_is_product_barcode',
      `looks like a product barcode (${text.length === 13 ? 'EAN-13' : `${text.length} digits`}), not the customer's payment code`,
    );
  }
  for (const rule of WALLET_RULES) {
    if (!rule.pattern.test(text)) continue;
    if (rule.supported && (rule.wallet === 'wxpay' || rule.wallet === 'alipay')) {
      // The one place a RecognisedCode is made: the brand exists only in the type.
      return { ok: true, wallet: rule.wallet, authCode: text } as RecognisedCode;
    }
    return fail('wallet_not_supported', `${rule.label} codes are not accepted on this terminal`, rule.wallet);
  }
  if (text.length < MIN_LENGTH)
    return fail('code_too_short', `only ${text.length} digits: scan the whole code again`);
  if (text.length > MAX_LENGTH)
    return fail('code_too_long', `${text.length} digits is longer than any payment code`);
  return fail('code_unknown_prefix', `no wallet issues codes starting with ${text.slice(0, 2)}`);
}
