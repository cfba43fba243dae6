/**
 * Alipay RSA2 (SHA256withRSA) both ways, over node:crypto (docs/protocols.md §4). Requests: every
 * parameter except `sign` with a non-empty value, sorted, `k=v&…` raw. Replies: the exact JSON text
 * of the `…_response` object as it stands in the body, which is why the body is assembled here as
 * text rather than by serialising an outer object (clients verify the substring, not a re-parse).
 */
import { createSign, createVerify } from 'node:crypto';

export function alipaySigningString(
  params: Readonly<Record<string, string | undefined>>,
  exclude: readonly string[] = ['sign'],
): string {
  return Object.keys(params)
    .filter((name) => !exclude.includes(name))
    .filter((name) => params[name] !== undefined && params[name] !== '')
    .sort()
    .map((name) => `${name}=${params[name]}`)
    .join('&');
}

export function rsa2Sign(text: string, privateKeyPem: string): string {
  return createSign('RSA-SHA256').update(text, 'utf8').sign(privateKeyPem, 'base64');
}

export function rsa2Verify(text: string, signature: string, publicKeyPem: string): boolean {
  try {
    return createVerify('RSA-SHA256').update(text, 'utf8').verify(publicKeyPem, signature, 'base64');
  } catch {
    return false;
  }
}

/**
 * `{"<responseKey>":<json>,"sign":"…"}` plus the same body with a signature over other text. In
 * certificate mode the reply also names the signing certificate: `"alipay_cert_sn":"…"` before sign.
 */
export function signedAlipayReply(
  responseKey: string,
  response: Readonly<Record<string, unknown>>,
  privateKeyPem: string,
  alipayCertSn?: string,
): { readonly body: string; readonly badSignatureBody: string } {
  const json = JSON.stringify(response);
  const sign = rsa2Sign(json, privateKeyPem);
  const forged = rsa2Sign(`${json} `, privateKeyPem);
  const key = JSON.stringify(responseKey);
  const cert = alipayCertSn === undefined ? '' : `,"alipay_cert_sn":${JSON.stringify(alipayCertSn)}`;
  return {
    body: `{${key}:${json}${cert},"sign":${JSON.stringify(sign)}}`,
    badSignatureBody: `{${key}:${json}${cert},"sign":${JSON.stringify(forged)}}`,
  };
}
