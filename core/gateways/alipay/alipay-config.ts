/**
 * Alipay OpenAPI merchant config, validated once at load. Keys may be given as PEM text, as the bare
 * base64 that Alipay's key tool prints, or as a path to a file; they are parsed with node:crypto
 * here (and normalised to PKCS#8 / SPKI PEM, which is what alipay-sdk expects with keyType PKCS8),
 * so a broken key fails at start-up with the key named, never with its contents.
 */
import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { z } from 'zod';
import {
  baseUrlSchema,
  hideSecrets,
  parseProviderConfig,
  readPemOrPath,
  timeoutsSchema,
} from '../shared/provider-config.ts';

export const ALIPAY_DEFAULT_GATEWAY = 'https://openapi.alipay.com/gateway.do';

const optionalText = z.string().min(1).optional();

export const alipayConfigSchema = z
  .strictObject({
    provider: z.literal('alipay'),
    app_id: z.string().min(1),
    app_private_key: z.string().min(1),
    alipay_public_key: z.string().min(1),
    /** The gateway URL itself (requests are posted to it, not below it). */
    base_url: baseUrlSchema.default(ALIPAY_DEFAULT_GATEWAY),
    /** Service-provider (ISV) mode: the merchant's authorisation token, sent with every call. */
    app_auth_token: optionalText,
    /**
     * Service-provider mode: the authorising merchant's app id. Notifications name it as auth_app_id
     * (app_id is then the ISV's own app), and one for another merchant is refused.
     */
    auth_app_id: optionalText,
    store_id: optionalText,
    /** Asynchronous notification URL for QR (precreate) orders. */
    notify_url: optionalText,
    timeouts: timeoutsSchema,
  })
  .transform((raw, ctx) => {
    const privateKey = loadKey(raw.app_private_key, 'private');
    if (!privateKey.ok) {
      ctx.addIssue({ code: 'custom', path: ['app_private_key'], message: privateKey.message });
    }
    const publicKey = loadKey(raw.alipay_public_key, 'public');
    if (!publicKey.ok) {
      ctx.addIssue({ code: 'custom', path: ['alipay_public_key'], message: publicKey.message });
    }
    if (raw.app_auth_token && !raw.auth_app_id) {
      ctx.addIssue({
        code: 'custom',
        path: ['auth_app_id'],
        message:
          "is required with app_auth_token: the authorising merchant's app id, checked on notifications",
      });
    }
    if (raw.auth_app_id && !raw.app_auth_token) {
      ctx.addIssue({
        code: 'custom',
        path: ['app_auth_token'],
        message: 'is required with auth_app_id (service-provider mode calls on behalf of that merchant)',
      });
    }
    if (!privateKey.ok || !publicKey.ok || Boolean(raw.app_auth_token) !== Boolean(raw.auth_app_id)) {
      return z.NEVER;
    }
    const appPublic = createPublicKey(privateKey.key).export({ type: 'spki', format: 'der' });
    if (appPublic.equals(publicKey.key.export({ type: 'spki', format: 'der' }))) {
      ctx.addIssue({
        code: 'custom',
        path: ['alipay_public_key'],
        message: "is the app's own public key; replies are signed by Alipay, so give Alipay's public key",
      });
      return z.NEVER;
    }
    return hideSecrets(
      {
        provider: raw.provider,
        app_id: raw.app_id,
        /** PKCS#8 PEM. */
        app_private_key: privateKey.key.export({ type: 'pkcs8', format: 'pem' }).toString(),
        /** SPKI PEM. */
        alipay_public_key: publicKey.key.export({ type: 'spki', format: 'pem' }).toString(),
        base_url: raw.base_url,
        app_auth_token: raw.app_auth_token,
        auth_app_id: raw.auth_app_id,
        store_id: raw.store_id,
        notify_url: raw.notify_url,
        timeouts: raw.timeouts,
      },
      ['app_private_key', 'app_auth_token'],
    );
  });

export type AlipayConfigInput = z.input<typeof alipayConfigSchema>;
export type AlipayConfig = z.output<typeof alipayConfigSchema>;

export function parseAlipayConfig(input: unknown): AlipayConfig {
  return parseProviderConfig(alipayConfigSchema, input, 'alipay');
}

type KeyLoad = { ok: true; key: KeyObject } | { ok: false; message: string };

const BARE_BASE64 = /^[A-Za-z0-9+/=\s]{100,}$/;

function loadKey(value: string, kind: 'private' | 'public'): KeyLoad {
  const expected = kind === 'private' ? 'an RSA private key' : 'an RSA public key';
  if (BARE_BASE64.test(value.trim())) {
    const der = Buffer.from(value.replace(/\s+/g, ''), 'base64');
    const key = firstKey(
      kind === 'private'
        ? [
            () => createPrivateKey({ key: der, format: 'der', type: 'pkcs8' }),
            () => createPrivateKey({ key: der, format: 'der', type: 'pkcs1' }),
          ]
        : [
            () => createPublicKey({ key: der, format: 'der', type: 'spki' }),
            () => createPublicKey({ key: der, format: 'der', type: 'pkcs1' }),
          ],
    );
    if (key) return rsaOnly(key, expected);
  }
  const read = readPemOrPath(value);
  if (!read.ok) return read;
  if (kind === 'public' && read.pem.includes('PRIVATE KEY')) {
    return { ok: false, message: "is a private key: give Alipay's public key here" };
  }
  const key = firstKey([() => (kind === 'private' ? createPrivateKey(read.pem) : createPublicKey(read.pem))]);
  if (!key) return { ok: false, message: `is not ${expected} (malformed PEM)` };
  return rsaOnly(key, expected);
}

function rsaOnly(key: KeyObject, expected: string): KeyLoad {
  return key.asymmetricKeyType === 'rsa'
    ? { ok: true, key }
    : { ok: false, message: `is not ${expected} (RSA2 needs RSA)` };
}

function firstKey(attempts: readonly (() => KeyObject)[]): KeyObject | undefined {
  for (const attempt of attempts) {
    try {
      return attempt();
    } catch {
      // try the next encoding
    }
  }
  return undefined;
}
