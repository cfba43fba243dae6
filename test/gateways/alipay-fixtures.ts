/** Shared setup for the Alipay adapter tests: generated key pairs, signed replies, request checks. */
import { createSign, createVerify, generateKeyPairSync } from 'node:crypto';
import { type AlipayConfig, parseAlipayConfig } from '../../core/gateways/alipay/alipay-config.ts';

function rsaPair() {
  return generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
}

/** The merchant's app key pair and the "Alipay platform" pair that signs replies. */
export const appKeys = rsaPair();
export const platformKeys = rsaPair();

export function alipayTestConfig(gateway: string, overrides: Record<string, unknown> = {}): AlipayConfig {
  return parseAlipayConfig({
    provider: 'alipay',
    app_id: '2021000000000001',
    app_private_key: appKeys.privateKey,
    alipay_public_key: platformKeys.publicKey,
    base_url: gateway,
    timeouts: { micropay_ms: 400, other_ms: 400 },
    ...overrides,
  });
}

/** `{"<method>_response":{…},"sign":"…"}` signed over the response JSON exactly as written. */
export function signedAlipayReply(
  method: string,
  response: Record<string, unknown>,
  key = platformKeys.privateKey,
): string {
  const json = JSON.stringify(response);
  const sign = createSign('RSA-SHA256').update(json, 'utf8').sign(key, 'base64');
  return `{"${method.replaceAll('.', '_')}_response":${json},"sign":"${sign}"}`;
}

/** All request parameters (query string + form body), as an Alipay gateway sees them. */
export function requestParams(path: string, body: string): Record<string, string> {
  const url = new URL(path, 'http://x');
  return { ...Object.fromEntries(url.searchParams), ...Object.fromEntries(new URLSearchParams(body)) };
}

/** Gateway-side RSA2 check of a request: every non-empty parameter but `sign`, sorted, `k=v&…`. */
export function verifyAlipayRequest(
  params: Record<string, string>,
  appPublicKey = appKeys.publicKey,
): boolean {
  const content = Object.keys(params)
    .filter((name) => name !== 'sign' && params[name] !== '')
    .sort()
    .map((name) => `${name}=${params[name]}`)
    .join('&');
  return createVerify('RSA-SHA256')
    .update(content, 'utf8')
    .verify(appPublicKey, params.sign ?? '', 'base64');
}
