/**
 * WeChat Pay v2 merchant config, validated once at load. The client certificate is required because
 * micropay cannot be run safely without reverse (docs/protocols.md §2), and reverse is a /secapi call.
 * Certificates are parsed here (tls.createSecureContext) so a broken file fails at start-up with the
 * key named, not at the first reversal with a customer waiting. WeChat's own domain comes with its
 * backup domain (docs/protocols.md §2, "Backup domain").
 */

import { readFileSync } from 'node:fs';
import { createSecureContext } from 'node:tls';
import { z } from 'zod';
import * as ProviderConfig from '../shared/provider-config.ts';

export const WXPAY_DEFAULT_BASE_URL = 'https://api.mch.weixin.qq.com';
/** WeChat's backup domain (备用域名), used only as docs/protocols.md §2 "Backup domain" allows. */
export const WXPAY_BACKUP_BASE_URL = 'https://api2.mch.weixin.qq.com';

/** What the https.Agent for /secapi needs. Secret: never logged. */
export interface WxpayClientTls {
  readonly pfx?: Buffer;
  readonly passphrase?: string;
  readonly cert?: string;
  readonly key?: string;
  readonly ca?: string;
}

export const wxpayConfigSchema = z
  .strictObject({
    provider: z.literal('wxpay'),
    appid: z.string().min(1),
    mch_id: z.string().min(1),
    key: z.string().length(32, 'must be the 32-character API key'),
    sign_type: z.enum(['MD5', 'HMAC-SHA256']).default('HMAC-SHA256'),
    sub_mch_id: ProviderConfig.optionalText,
    sub_appid: ProviderConfig.optionalText,
    base_url: ProviderConfig.baseUrlSchema.default(WXPAY_DEFAULT_BASE_URL),
    /** Defaults to base_url; the sandbox serves /secapi on a separate TLS port. */
    secapi_base_url: ProviderConfig.baseUrlSchema.optional(),
    /** Defaults to api2.mch.weixin.qq.com when base_url is WeChat's own domain; none otherwise. */
    backup_base_url: ProviderConfig.baseUrlSchema.optional(),
    /** Defaults to backup_base_url when /secapi uses base_url; none for a separate secapi_base_url. */
    secapi_backup_base_url: ProviderConfig.baseUrlSchema.optional(),
    pfx_path: ProviderConfig.optionalText,
    pfx_passphrase: z.string().optional(),
    cert_pem: ProviderConfig.optionalText,
    cert_path: ProviderConfig.optionalText,
    key_pem: ProviderConfig.optionalText,
    key_path: ProviderConfig.optionalText,
    /** Extra CA to trust for the provider's server (the sandbox's own CA). */
    ca_pem: ProviderConfig.optionalText,
    spbill_create_ip: z.string().min(1).default('127.0.0.1'),
    /** unifiedorder (QR mode) requires a notify_url at the real WeChat; micropay does not. */
    notify_url: ProviderConfig.optionalText,
    timeouts: ProviderConfig.timeoutsSchema,
  })
  .transform((raw, ctx) => {
    // Service-provider mode (docs/protocols.md §2): refused at start rather than at the first sale.
    if (raw.sub_appid !== undefined && raw.sub_mch_id === undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['sub_mch_id'],
        message: "is required with sub_appid: the sub-merchant's mch_id (service-provider mode)",
      });
    if (raw.sub_mch_id !== undefined && raw.sub_mch_id === raw.mch_id)
      ctx.addIssue({
        code: 'custom',
        path: ['sub_mch_id'],
        message: "is the service provider's own mch_id: give the shop's sub-merchant id",
      });
    const tls = loadClientTls(raw, (path, message) =>
      ctx.addIssue({ code: 'custom', path: [path], message }),
    );
    if (!tls) return z.NEVER;
    const backup =
      raw.backup_base_url ?? (raw.base_url === WXPAY_DEFAULT_BASE_URL ? WXPAY_BACKUP_BASE_URL : undefined);
    const secapi = raw.secapi_base_url ?? raw.base_url;
    return ProviderConfig.hideSecrets(
      {
        provider: raw.provider,
        appid: raw.appid,
        mch_id: raw.mch_id,
        key: raw.key,
        sign_type: raw.sign_type,
        sub_mch_id: raw.sub_mch_id,
        sub_appid: raw.sub_appid,
        base_url: raw.base_url,
        secapi_base_url: secapi,
        backup_base_url: backup,
        secapi_backup_base_url: raw.secapi_backup_base_url ?? (secapi === raw.base_url ? backup : undefined),
        client_tls: tls,
        spbill_create_ip: raw.spbill_create_ip,
        notify_url: raw.notify_url,
        timeouts: raw.timeouts,
      },
      ['key', 'client_tls'],
    );
  });

/**
 * unifiedorder (Native QR) requires notify_url at the real WeChat (docs/protocols.md §2, "notify_url");
 * the service checks this at start for a terminal that shows QR codes.
 */
export const WXPAY_QR_NEEDS_NOTIFY_URL =
  'WeChat Native (QR) orders require a notify_url: set public_url (the address the internet reaches this ' +
  "service at) or this gateway's notify_url";

export type WxpayConfigInput = z.input<typeof wxpayConfigSchema>;
export type WxpayConfig = z.output<typeof wxpayConfigSchema>;

/** Validates a raw config object; throws ConfigError naming every bad key. */
export function parseWxpayConfig(input: unknown): WxpayConfig {
  return ProviderConfig.parseProviderConfig(wxpayConfigSchema, input, 'wxpay');
}

type RawCertFields = {
  pfx_path?: string | undefined;
  pfx_passphrase?: string | undefined;
  cert_pem?: string | undefined;
  cert_path?: string | undefined;
  key_pem?: string | undefined;
  key_path?: string | undefined;
  ca_pem?: string | undefined;
};

function loadClientTls(
  raw: RawCertFields,
  issue: (path: string, message: string) => void,
): WxpayClientTls | undefined {
  const ca = raw.ca_pem;
  if (ca !== undefined && !tryContext({ ca })) {
    issue('ca_pem', 'is not a readable PEM certificate');
    return undefined;
  }
  const hasPem = raw.cert_pem ?? raw.cert_path ?? raw.key_pem ?? raw.key_path;
  if (raw.pfx_path !== undefined) {
    if (hasPem !== undefined) {
      issue('pfx_path', 'give either pfx_path or cert_pem/cert_path + key_pem/key_path, not both');
      return undefined;
    }
    let pfx: Buffer;
    try {
      pfx = readFileSync(raw.pfx_path);
    } catch {
      issue('pfx_path', 'cannot read the PKCS#12 file');
      return undefined;
    }
    const tls = { pfx, passphrase: raw.pfx_passphrase, ca };
    const problem = contextProblem(tls);
    if (problem === 'legacy_pkcs12') {
      issue('pfx_path', LEGACY_PKCS12_MESSAGE);
      return undefined;
    }
    if (problem !== undefined) {
      issue('pfx_path', 'is not a PKCS#12 client certificate this passphrase opens (check pfx_passphrase)');
      return undefined;
    }
    return tls;
  }
  const cert = pemField(raw.cert_pem, raw.cert_path, 'cert', issue);
  const key = pemField(raw.key_pem, raw.key_path, 'key', issue);
  if (cert === null || key === null) return undefined;
  if (cert === undefined || key === undefined) {
    issue(
      cert === undefined ? 'cert_pem' : 'key_pem',
      'a client certificate is required (pfx_path, or cert_pem/cert_path + key_pem/key_path): reverse and refund ' +
        'use it, and reverse is not optional for micropay',
    );
    return undefined;
  }
  if (!tryContext({ cert, key, ca })) {
    issue(
      'cert_pem',
      'the client certificate and private key do not load together (malformed PEM or mismatched pair)',
    );
    return undefined;
  }
  return { cert, key, ca };
}

/** undefined = not given; null = given but broken (issue already raised). */
function pemField(
  inline: string | undefined,
  path: string | undefined,
  name: 'cert' | 'key',
  issue: (path: string, message: string) => void,
): string | undefined | null {
  if (inline !== undefined && path !== undefined) {
    issue(`${name}_pem`, `give either ${name}_pem or ${name}_path, not both`);
    return null;
  }
  if (inline !== undefined) {
    if (!inline.includes('-----BEGIN')) {
      issue(`${name}_pem`, 'is not a PEM (no -----BEGIN line)');
      return null;
    }
    return inline;
  }
  if (path !== undefined) {
    const read = ProviderConfig.readPemOrPath(path);
    if (!read.ok) {
      issue(`${name}_path`, read.message);
      return null;
    }
    return read.pem;
  }
  return undefined;
}

/**
 * WeChat's apiclient_cert.p12 is encrypted with RC2-40, which OpenSSL 3 (Node ≥ 17) does not load by
 * default; Node then throws ERR_CRYPTO_UNSUPPORTED_OPERATION "Unsupported PKCS12 PFX data" (a wrong
 * passphrase is "mac verify failure" instead). docs/protocols.md §2, "Client certificate".
 */
const LEGACY_PKCS12_MESSAGE =
  'is a legacy PKCS#12 file (RC2-40 encryption, as WeChat issues apiclient_cert.p12) that OpenSSL 3 cannot ' +
  'read: remove pfx_path and set cert_path to apiclient_cert.pem and key_path to apiclient_key.pem ' +
  '(the same certificate download holds both files)';

function contextProblem(
  options: Parameters<typeof createSecureContext>[0],
): 'legacy_pkcs12' | 'unreadable' | undefined {
  try {
    createSecureContext(options);
    return undefined;
  } catch (error) {
    const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
    const legacy =
      code === 'ERR_CRYPTO_UNSUPPORTED_OPERATION' ||
      (typeof message === 'string' && /unsupported/i.test(message));
    return options?.pfx !== undefined && legacy ? 'legacy_pkcs12' : 'unreadable';
  }
}

function tryContext(options: Parameters<typeof createSecureContext>[0]): boolean {
  return contextProblem(options) === undefined;
}
