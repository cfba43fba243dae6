/**
 * WeChat Pay v2 / PAYJS parameter signing (docs/protocols.md §2): every non-empty parameter except `sign`,
 * sorted by name in ASCII order, joined `k=v&…` raw (not URL-encoded), `&key=API_KEY` appended, then
 * MD5 or HMAC-SHA256 (keyed with the API key), upper-case hex. Written here because it is eight lines
 * over node:crypto, and the adapters and the sandbox must share one definition. Comparison is
 * constant-time so a forged reply cannot be timed into verifying.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

export type V2SignType = 'MD5' | 'HMAC-SHA256';

export function v2SigningString(params: Readonly<Record<string, unknown>>, key: string): string {
  const pairs = Object.keys(params)
    .filter((name) => name !== 'sign')
    .filter((name) => {
      const value = params[name];
      return value !== undefined && value !== null && value !== '';
    })
    .sort()
    .map((name) => `${name}=${String(params[name])}`);
  pairs.push(`key=${key}`);
  return pairs.join('&');
}

export function v2Sign(
  params: Readonly<Record<string, unknown>>,
  key: string,
  signType: V2SignType = 'MD5',
): string {
  const text = v2SigningString(params, key);
  const digest =
    signType === 'HMAC-SHA256'
      ? createHmac('sha256', key).update(text, 'utf8').digest('hex')
      : createHash('md5').update(text, 'utf8').digest('hex');
  return digest.toUpperCase();
}

/** True when `params.sign` is the signature of the other parameters. */
export function v2Verify(
  params: Readonly<Record<string, unknown>>,
  key: string,
  signType: V2SignType = 'MD5',
): boolean {
  const given = params.sign;
  if (typeof given !== 'string' || given.length === 0) return false;
  const expected = Buffer.from(v2Sign(params, key, signType), 'utf8');
  const actual = Buffer.from(given.toUpperCase(), 'utf8');
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}
