/**
 * Texts that reach a provider as the order's subject: WeChat Pay's `body` is String(128) counted in
 * UTF-8 bytes (docs/security.md, Input), so 42 Chinese characters at most. Shared by the request
 * schemas (refuse) and the till (a long note still becomes a subject, cut at a character boundary).
 */
export const SUBJECT_MAX_BYTES = 128;
export const SUBJECT_RULE = 'at most 128 bytes in UTF-8 (42 Chinese characters)';

const encoder = new TextEncoder();

export function utf8Bytes(text: string): number {
  return encoder.encode(text).length;
}

export function fitsSubject(text: string): boolean {
  return utf8Bytes(text) <= SUBJECT_MAX_BYTES;
}

/** The longest prefix of whole characters that fits in a subject. */
export function cutToSubject(text: string): string {
  let out = '';
  for (const char of text) {
    if (utf8Bytes(out + char) > SUBJECT_MAX_BYTES) break;
    out += char;
  }
  return out;
}

/**
 * The subject of a till sale, as the customer's WeChat/Alipay bill shows it: the shop's name, then
 * the configured item text when there is one ("街角茶铺 奶茶"). Never the cashier's note, which is
 * private to the till (issue 16): the note stays on the order, the provider sees only this.
 */
export function saleSubject(shopName: string, itemText?: string): string {
  const item = itemText?.trim();
  return cutToSubject(item ? `${shopName.trim()} ${item}` : shopName.trim());
}
