/**
 * WeChat Pay APIv3 signatures and AES-256-GCM, shared by the wxpay_v3 adapter and the sandbox that
 * speaks the same protocol (docs/protocols.md §3):
 * - request: SHA256-RSA (PKCS#1 v1.5) over `METHOD\nPATH?QUERY\nTIMESTAMP\nNONCE\nBODY\n`, sent as
 *   `Authorization: WECHATPAY2-SHA256-RSA2048 mchid="…",nonce_str="…",signature="…",timestamp="…",serial_no="…"`;
 * - reply / notification: the same algorithm over `TIMESTAMP\nNONCE\nBODY\n` in the Wechatpay-* headers;
 * - notification `resource`: AES-256-GCM with the 32-byte APIv3 key, the 12-byte nonce and
 *   associated_data, ciphertext base64 with the 16-byte tag at its end.
 *
 * Written on node:crypto rather than wechatpay-axios-plugin (0.9.6 checked with `npm view`): the
 * plugin's Rsa/Aes helpers are thin wrappers over the same node:crypto calls, and the package brings
 * axios and a multipart library into a terminal whose one HTTP client is shared/http-post.ts. The
 * official vectors in test/gateways/wxpay-v3-sign.test.ts check these functions.
 */
import {
  createCipheriv,
  createDecipheriv,
  createSign,
  createVerify,
  type KeyObject,
  randomBytes,
} from 'node:crypto';

export const V3_AUTH_SCHEMA = 'WECHATPAY2-SHA256-RSA2048';

export function v3RequestMessage(
  method: string,
  pathAndQuery: string,
  timestamp: string,
  nonce: string,
  body: string,
): string {
  return `${method}\n${pathAndQuery}\n${timestamp}\n${nonce}\n${body}\n`;
}

export function v3ReplyMessage(timestamp: string, nonce: string, body: string): string {
  return `${timestamp}\n${nonce}\n${body}\n`;
}

export function v3Sign(message: string, privateKey: KeyObject | string): string {
  return createSign('RSA-SHA256').update(message, 'utf8').sign(privateKey, 'base64');
}

/** False for a wrong or malformed signature; never throws. */
export function v3Verify(message: string, signature: string, publicKey: KeyObject | string): boolean {
  try {
    return createVerify('RSA-SHA256').update(message, 'utf8').verify(publicKey, signature, 'base64');
  } catch {
    return false;
  }
}

export interface V3Authorization {
  readonly mchid: string;
  readonly nonce_str: string;
  readonly signature: string;
  readonly timestamp: string;
  readonly serial_no: string;
}

export function v3AuthorizationHeader(auth: V3Authorization): string {
  return (
    `${V3_AUTH_SCHEMA} mchid="${auth.mchid}",nonce_str="${auth.nonce_str}",` +
    `signature="${auth.signature}",timestamp="${auth.timestamp}",serial_no="${auth.serial_no}"`
  );
}

/** The Authorization header's fields, or undefined when it is not a v3 header with all five. */
export function parseV3Authorization(header: string | undefined): V3Authorization | undefined {
  if (!header?.startsWith(`${V3_AUTH_SCHEMA} `)) return undefined;
  const fields: Record<string, string> = {};
  for (const match of header.slice(V3_AUTH_SCHEMA.length + 1).matchAll(/(\w+)="([^"]*)"/g)) {
    fields[match[1]!] = match[2]!;
  }
  const { mchid, nonce_str, signature, timestamp, serial_no } = fields;
  if (!mchid || !nonce_str || !signature || !timestamp || !serial_no) return undefined;
  return { mchid, nonce_str, signature, timestamp, serial_no };
}

export function v3Nonce(): string {
  return randomBytes(16).toString('hex').toUpperCase();
}

export interface V3Resource {
  readonly algorithm: string;
  readonly ciphertext: string;
  readonly nonce: string;
  readonly associated_data?: string;
}

/** Decrypts a notification `resource`; undefined when the key, tag or data do not fit. */
export function v3DecryptResource(resource: V3Resource, apiV3Key: string): string | undefined {
  if (resource.algorithm !== 'AEAD_AES_256_GCM') return undefined;
  try {
    const data = Buffer.from(resource.ciphertext, 'base64');
    if (data.length < 17) return undefined;
    const decipher = createDecipheriv('aes-256-gcm', Buffer.from(apiV3Key, 'utf8'), resource.nonce);
    decipher.setAuthTag(data.subarray(data.length - 16));
    decipher.setAAD(Buffer.from(resource.associated_data ?? '', 'utf8'));
    return Buffer.concat([decipher.update(data.subarray(0, data.length - 16)), decipher.final()]).toString(
      'utf8',
    );
  } catch {
    return undefined;
  }
}

/** The sandbox's side of v3DecryptResource. */
export function v3EncryptResource(plaintext: string, apiV3Key: string, associatedData: string): V3Resource {
  const nonce = randomBytes(6).toString('hex');
  const cipher = createCipheriv('aes-256-gcm', Buffer.from(apiV3Key, 'utf8'), nonce);
  cipher.setAAD(Buffer.from(associatedData, 'utf8'));
  const data = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()]);
  return {
    algorithm: 'AEAD_AES_256_GCM',
    ciphertext: data.toString('base64'),
    nonce,
    associated_data: associatedData,
  };
}
