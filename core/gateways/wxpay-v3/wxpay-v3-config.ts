/**
 * WeChat Pay APIv3 config (docs/protocols.md §3), validated once at load. Two account shapes:
 * a direct merchant (`appid` + `mchid`) or a service provider's sub-merchant (服务商模式: `sp_appid`
 * + `sp_mchid` + `sub_mchid`, optional `sub_appid`); mixing them, or a sub-merchant id without its
 * service provider's ids, is refused at start with the key named. Internally `appid`/`mchid` are the
 * calling account (the service provider's in partner mode: it signs and its id is in Authorization)
 * and `partner` holds the sub-merchant. Keys are
 * parsed here (createPrivateKey / createPublicKey / X509Certificate) so a broken PEM fails at start
 * with its key named. Reply verification needs at least one WeChat key: the WeChat Pay public key
 * (with its PUB_KEY_ID_… id) and/or platform certificates; both may be given while a merchant
 * switches, because WeChat then signs with either. Secrets (private key, APIv3 key) arrive already
 * resolved from file:/env:/keychain: by the service config and are hidden from logs.
 */
import { createPrivateKey, createPublicKey, type KeyObject, X509Certificate } from 'node:crypto';
import { z } from 'zod';
import * as ProviderConfig from '../shared/provider-config.ts';

export const WXPAY_V3_DEFAULT_BASE_URL = 'https://api.mch.weixin.qq.com';

const text = z.string().min(1);
const mchidSchema = z.string().regex(/^\d{1,32}$/, 'must be the numeric merchant id');

/** The sub-merchant a service provider acts for (服务商模式, docs/protocols.md §3). */
export interface WxpayV3Partner {
  readonly sub_mchid: string;
  readonly sub_appid: string | undefined;
}

export const wxpayV3ConfigSchema = z
  .strictObject({
    provider: z.literal('wxpay_v3'),
    /** Direct merchant: its appid and mchid. */
    appid: text.optional(),
    mchid: mchidSchema.optional(),
    /** Service-provider mode: the provider's appid and mchid, and the shop's sub-merchant ids. */
    sp_appid: text.optional(),
    sp_mchid: mchidSchema.optional(),
    sub_mchid: mchidSchema.optional(),
    sub_appid: text.optional(),
    /** apiclient_key.pem: inline PEM or a path. */
    private_key: text,
    /** Serial number of the merchant API certificate (商户API证书序列号). */
    serial_no: z
      .string()
      .regex(/^[0-9A-Fa-f]{8,64}$/, 'must be the hex serial of the merchant API certificate'),
    apiv3_key: z.string().length(32, 'must be the 32-character APIv3 key'),
    public_key_id: z.string().startsWith('PUB_KEY_ID_', 'must start with PUB_KEY_ID_').optional(),
    /** The WeChat Pay public key: inline PEM or a path. */
    public_key: text.optional(),
    /** Platform certificates (inline PEMs or paths), keyed by nothing: their serials are read from them. */
    platform_certificates: z.array(text).optional(),
    base_url: ProviderConfig.baseUrlSchema.default(WXPAY_V3_DEFAULT_BASE_URL),
    /** Required for Native (QR) orders at WeChat. */
    notify_url: text.optional(),
    device_ip: z.string().min(1).default('127.0.0.1'),
    timeouts: ProviderConfig.timeoutsSchema,
  })
  .transform((raw, ctx) => {
    const issue = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message });
    const account = accountOf(raw, issue);
    const privateKey = loadKey(raw.private_key, 'private_key', issue, (pem) => createPrivateKey(pem));
    const wechatKeys = new Map<string, KeyObject>();
    if ((raw.public_key === undefined) !== (raw.public_key_id === undefined)) {
      issue(
        raw.public_key === undefined ? 'public_key' : 'public_key_id',
        'give public_key and public_key_id together',
      );
      return z.NEVER;
    }
    if (raw.public_key !== undefined && raw.public_key_id !== undefined) {
      const key = loadKey(raw.public_key, 'public_key', issue, (pem) => createPublicKey(pem));
      if (!key) return z.NEVER;
      wechatKeys.set(raw.public_key_id, key);
    }
    for (const [n, entry] of (raw.platform_certificates ?? []).entries()) {
      const cert = loadKey(entry, `platform_certificates.${n}`, issue, (pem) => new X509Certificate(pem));
      if (!cert) return z.NEVER;
      wechatKeys.set(cert.serialNumber.toUpperCase(), cert.publicKey);
    }
    if (!privateKey || !account) return z.NEVER;
    if (wechatKeys.size === 0) {
      issue(
        'public_key',
        'replies cannot be verified: give public_key + public_key_id and/or platform_certificates',
      );
      return z.NEVER;
    }
    return ProviderConfig.hideSecrets(
      {
        provider: raw.provider,
        /** The calling account: the direct merchant, or the service provider in partner mode. */
        appid: account.appid,
        mchid: account.mchid,
        /** The sub-merchant in service-provider mode, else undefined. */
        partner: account.partner,
        serial_no: raw.serial_no.toUpperCase(),
        private_key: privateKey,
        apiv3_key: raw.apiv3_key,
        /** Verifying keys by Wechatpay-Serial: PUB_KEY_ID_… and/or platform certificate serials. */
        wechat_keys: wechatKeys as ReadonlyMap<string, KeyObject>,
        base_url: raw.base_url,
        notify_url: raw.notify_url,
        device_ip: raw.device_ip,
        timeouts: raw.timeouts,
      },
      ['private_key', 'apiv3_key'],
    );
  });

export type WxpayV3ConfigInput = z.input<typeof wxpayV3ConfigSchema>;
export type WxpayV3Config = z.output<typeof wxpayV3ConfigSchema>;

export const WXPAY_V3_QR_NEEDS_NOTIFY_URL =
  "WeChat Native (QR) orders require a notify_url: set public_url or this gateway's notify_url";

/** Validates a raw config object; throws ConfigError naming every bad key, never a value. */
export function parseWxpayV3Config(input: unknown): WxpayV3Config {
  return ProviderConfig.parseProviderConfig(wxpayV3ConfigSchema, input, 'wxpay_v3');
}

function loadKey<T>(
  value: string,
  path: string,
  issue: (path: string, message: string) => void,
  load: (pem: string) => T,
): T | undefined {
  const read = ProviderConfig.readPemOrPath(value);
  if (!read.ok) {
    issue(path, read.message);
    return undefined;
  }
  try {
    return load(read.pem);
  } catch {
    issue(path, 'is not a readable PEM of the expected kind');
    return undefined;
  }
}

type AccountFields = Pick<
  z.input<typeof wxpayV3ConfigSchema>,
  'appid' | 'mchid' | 'sp_appid' | 'sp_mchid' | 'sub_mchid' | 'sub_appid'
>;

/** Direct or partner account from the raw keys; every inconsistency is an issue naming its key. */
function accountOf(
  raw: AccountFields,
  issue: (path: string, message: string) => void,
): { appid: string; mchid: string; partner: WxpayV3Partner | undefined } | undefined {
  const partnerKeys = (['sp_appid', 'sp_mchid', 'sub_mchid', 'sub_appid'] as const).filter(
    (key) => raw[key] !== undefined,
  );
  if (partnerKeys.length === 0) {
    if (raw.appid === undefined || raw.mchid === undefined) {
      issue(
        raw.appid === undefined ? 'appid' : 'mchid',
        'is required (or sp_appid, sp_mchid and sub_mchid for a sub-merchant)',
      );
      return undefined;
    }
    return { appid: raw.appid, mchid: raw.mchid, partner: undefined };
  }
  for (const direct of ['appid', 'mchid'] as const) {
    if (raw[direct] !== undefined) {
      issue(
        direct,
        `is for a direct merchant; this config names ${partnerKeys.join(', ')} (service-provider mode): give sp_${direct} instead`,
      );
      return undefined;
    }
  }
  const missing = (['sp_appid', 'sp_mchid', 'sub_mchid'] as const).find((key) => raw[key] === undefined);
  if (missing !== undefined) {
    const given = partnerKeys.filter((key) => key.startsWith('sub_')).join(', ') || 'sp_ keys';
    issue(missing, `is required in service-provider mode (${given} given without it)`);
    return undefined;
  }
  if (raw.sub_mchid === raw.sp_mchid) {
    issue('sub_mchid', "is the service provider's own mchid: give the shop's sub-merchant id");
    return undefined;
  }
  return {
    appid: raw.sp_appid!,
    mchid: raw.sp_mchid!,
    partner: { sub_mchid: raw.sub_mchid!, sub_appid: raw.sub_appid },
  };
}
