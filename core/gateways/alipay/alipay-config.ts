/**
 * Alipay OpenAPI merchant config, validated once at load. Keys may be given as PEM text, as the bare
 * base64 that Alipay's key tool prints, or as a path to a file; they are parsed with node:crypto
 * here (and normalised to PKCS#8 / SPKI PEM, which is what alipay-sdk expects with keyType PKCS8),
 * so a broken key fails at start-up with the key named, never with its contents.
 * Replies are verified either with alipay_public_key (public-key mode) or, in certificate mode
 * (公钥证书模式), with the three certificates app_cert / alipay_public_cert / alipay_root_cert
 * (alipay-certificates.ts); exactly one mode. Service-provider mode takes app_auth_token and
 * auth_app_id together (docs/protocols.md §4).
 */
import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { z } from 'zod';
import * as ProviderConfig from '../shared/provider-config.ts';
import {
  type AlipayCertificates,
  type CertificateInput,
  certificateModeRequested,
  loadCertificates,
} from './alipay-certificates.ts';

export const ALIPAY_DEFAULT_GATEWAY = 'https://openapi.alipay.com/gateway.do';

export const alipayConfigSchema = z
  .strictObject({
    provider: z.literal('alipay'),
    app_id: z.string().min(1),
    app_private_key: z.string().min(1),
    /** Public-key mode: Alipay's public key. Certificate mode gives the three certificates instead. */
    alipay_public_key: ProviderConfig.optionalText,
    /** Certificate mode (公钥证书模式): app public-key certificate, PEM or path. */
    app_cert: ProviderConfig.optionalText,
    /** Certificate mode: the Alipay public-key certificate (alipayCertPublicKey_RSA2.crt), PEM or path. */
    alipay_public_cert: ProviderConfig.optionalText,
    /** Certificate mode: the Alipay root certificate (alipayRootCert.crt), PEM or path. */
    alipay_root_cert: ProviderConfig.optionalText,
    /** The gateway URL itself (requests are posted to it, not below it). */
    base_url: ProviderConfig.baseUrlSchema.default(ALIPAY_DEFAULT_GATEWAY),
    /** Service-provider (ISV) mode: the merchant's authorisation token, sent with every call. */
    app_auth_token: ProviderConfig.optionalText,
    /**
     * Service-provider mode: the authorising merchant's app id. Notifications name it as auth_app_id
     * (app_id is then the ISV's own app), and one for another merchant is refused.
     */
    auth_app_id: ProviderConfig.optionalText,
    store_id: ProviderConfig.optionalText,
    /** Asynchronous notification URL for QR (precreate) orders. */
    notify_url: ProviderConfig.optionalText,
    timeouts: ProviderConfig.timeoutsSchema,
  })
  .transform((raw, ctx) => {
    let refused = false;
    const issue = (path: string, message: string) => {
      refused = true;
      ctx.addIssue({ code: 'custom', path: [path], message });
    };
    const privateKey = loadKey(raw.app_private_key, 'private');
    if (!privateKey.ok) issue('app_private_key', privateKey.message);
    if (raw.app_auth_token && !raw.auth_app_id) {
      issue(
        'auth_app_id',
        "is required with app_auth_token: the authorising merchant's app id, checked on notifications",
      );
    }
    if (raw.auth_app_id && !raw.app_auth_token) {
      issue(
        'app_auth_token',
        'is required with auth_app_id (service-provider mode calls on behalf of that merchant)',
      );
    }
    const verifying = privateKey.ok ? loadVerifying(raw, privateKey.key) : undefined;
    if (verifying && !verifying.ok) for (const i of verifying.issues) issue(i.path, i.message);
    if (refused || !privateKey.ok || !verifying?.ok) return z.NEVER;
    return ProviderConfig.hideSecrets(
      {
        provider: raw.provider,
        app_id: raw.app_id,
        /** PKCS#8 PEM. */
        app_private_key: privateKey.key.export({ type: 'pkcs8', format: 'pem' }).toString(),
        /** SPKI PEM: given in public-key mode, taken from alipay_public_cert in certificate mode. */
        alipay_public_key: verifying.alipayPublicKey.export({ type: 'spki', format: 'pem' }).toString(),
        /** Certificate mode only (公钥证书模式). */
        certificates: verifying.certificates,
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

type VerifyingLoad =
  | { ok: true; alipayPublicKey: KeyObject; certificates: AlipayCertificates | undefined }
  | { ok: false; issues: { path: string; message: string }[] };

/** What replies are verified with: alipay_public_key, or the three certificates. Exactly one mode. */
function loadVerifying(
  raw: { alipay_public_key?: string | undefined } & CertificateInput,
  appPrivateKey: KeyObject,
): VerifyingLoad {
  if (certificateModeRequested(raw)) {
    if (raw.alipay_public_key !== undefined) {
      const message = 'give either alipay_public_key (public-key mode) or the three certificates, not both';
      return { ok: false, issues: [{ path: 'alipay_public_key', message }] };
    }
    const loaded = loadCertificates(raw, appPrivateKey);
    return loaded.ok
      ? { ok: true, alipayPublicKey: loaded.alipayPublicKey, certificates: loaded.certificates }
      : loaded;
  }
  if (raw.alipay_public_key === undefined) {
    const message = 'is required (or app_cert, alipay_public_cert and alipay_root_cert for certificate mode)';
    return { ok: false, issues: [{ path: 'alipay_public_key', message }] };
  }
  const publicKey = loadKey(raw.alipay_public_key, 'public');
  if (!publicKey.ok)
    return { ok: false, issues: [{ path: 'alipay_public_key', message: publicKey.message }] };
  const der = (key: KeyObject) => key.export({ type: 'spki', format: 'der' });
  if (der(createPublicKey(appPrivateKey)).equals(der(publicKey.key))) {
    const message = "is the app's own public key; replies are signed by Alipay, so give Alipay's public key";
    return { ok: false, issues: [{ path: 'alipay_public_key', message }] };
  }
  return { ok: true, alipayPublicKey: publicKey.key, certificates: undefined };
}

export type AlipayConfigInput = z.input<typeof alipayConfigSchema>;
export type AlipayConfig = z.output<typeof alipayConfigSchema>;

export function parseAlipayConfig(input: unknown): AlipayConfig {
  return ProviderConfig.parseProviderConfig(alipayConfigSchema, input, 'alipay');
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
  const read = ProviderConfig.readPemOrPath(value);
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
