/**
 * The sandbox's fixed credentials. They are documented and not secret (see keys/README.md): the
 * sandbox exists so the product runs with no merchant account. The PEMs are read once from keys/.
 */
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { type AlipayCertSerials, alipayCertSn, alipayRootCertSn } from './alipay-cert-sn.ts';

export interface SandboxCredentials {
  readonly wxpay: {
    readonly appid: string;
    readonly mch_id: string;
    readonly key: string;
    /** PEMs of a client certificate the sandbox issued, for /secapi (mTLS). */
    readonly client_cert_pem: string;
    readonly client_key_pem: string;
    readonly ca_pem: string;
    /** Service-provider mode: `mch_id` is also the provider of this one sub-merchant (as for v3). */
    readonly sub_mch_id: string;
  };
  readonly alipay: {
    readonly app_id: string;
    /** PEM, PKCS#8. */
    readonly app_private_key: string;
    /** PEM: the sandbox's own reply-signing key. */
    readonly alipay_public_key: string;
    /** Certificate mode: the app certificate, Alipay certificate and root, issued by the sandbox CA. */
    readonly app_cert: string;
    readonly alipay_public_cert: string;
    readonly alipay_root_cert: string;
    /**
     * Service-provider (ISV) mode: the sandbox app is also the ISV of the merchant `auth_app_id`,
     * which authorised it with `app_auth_token` (docs/protocols.md §4).
     */
    readonly app_auth_token: string;
    readonly auth_app_id: string;
  };
  readonly payjs: { readonly mchid: string; readonly key: string };
  /** WeChat Pay APIv3, direct merchant (docs/protocols.md §3); the same merchant as wxpay. */
  readonly wxpay_v3: {
    readonly appid: string;
    readonly mchid: string;
    /** Serial of the merchant API certificate (wxpay-client-cert.pem, whose key is private_key). */
    readonly serial_no: string;
    readonly private_key: string;
    readonly public_key_id: string;
    /** The sandbox's "WeChat Pay public key": replies and notifications verify with it. */
    readonly public_key: string;
    readonly apiv3_key: string;
    /** A sandbox "platform certificate" (issued by the sandbox CA), for the switch-over case. */
    readonly platform_certificate: string;
    /**
     * Service-provider mode (服务商): `mchid` is also a service provider whose appid is `sp_appid`
     * and whose one sub-merchant is `sub_mchid`; the sandbox refuses any other sub-merchant.
     */
    readonly sp_appid: string;
    readonly sub_mchid: string;
  };
}

/** What only the sandbox holds: the keys it verifies requests with and signs replies with. */
export interface SandboxServerKeys {
  readonly alipayAppPublicKey: string;
  readonly alipayPlatformPrivateKey: string;
  readonly alipayCertSerials: AlipayCertSerials;
  readonly tlsCertPem: string;
  readonly tlsKeyPem: string;
  readonly caPem: string;
  /** Signs v3 replies as the "WeChat Pay public key" pair. */
  readonly wxpayV3SigningKey: string;
  /** Signs v3 replies as the platform certificate's key (POST /_sandbox/wxpay-v3/signer). */
  readonly wxpayV3PlatformKey: string;
  /** Verifies v3 request signatures: the merchant API certificate. */
  readonly wxpayV3MerchantCert: string;
}

export const SANDBOX_WXPAY_APPID = 'wx2421b1c4370ec43b';
export const SANDBOX_WXPAY_MCH_ID = '10000100';
export const SANDBOX_WXPAY_KEY = 'scanpaysandboxwxpaykey0000000000';
export const SANDBOX_ALIPAY_APP_ID = '2021000000000001';
export const SANDBOX_ALIPAY_APP_AUTH_TOKEN = '202611BBsandboxisvauthtoken00000000X01';
export const SANDBOX_ALIPAY_AUTH_APP_ID = '2021000000000777';
export const SANDBOX_PAYJS_MCHID = '1500000001';
export const SANDBOX_PAYJS_KEY = 'scanpaysandboxpayjskey0000000000';
export const SANDBOX_WXPAY_V3_PUBLIC_KEY_ID = 'PUB_KEY_ID_0110000100SANDBOX0000000000000';
export const SANDBOX_WXPAY_V3_APIV3_KEY = 'scanpaysandboxwxpayapiv3key00000';
export const SANDBOX_WXPAY_V3_SP_APPID = 'wx8a7b6c5d4e3f2a1b';
export const SANDBOX_WXPAY_V3_SUB_MCHID = '10000101';

function pem(name: string): string {
  return readFileSync(new URL(`./keys/${name}`, import.meta.url), 'utf8');
}

let cached: { credentials: SandboxCredentials; serverKeys: SandboxServerKeys } | undefined;

export function loadSandboxKeys(): { credentials: SandboxCredentials; serverKeys: SandboxServerKeys } {
  if (cached) return cached;
  const caPem = pem('ca-cert.pem');
  const merchantCert = pem('wxpay-client-cert.pem');
  cached = {
    credentials: {
      wxpay: {
        appid: SANDBOX_WXPAY_APPID,
        mch_id: SANDBOX_WXPAY_MCH_ID,
        key: SANDBOX_WXPAY_KEY,
        client_cert_pem: pem('wxpay-client-cert.pem'),
        client_key_pem: pem('wxpay-client-key.pem'),
        ca_pem: caPem,
        sub_mch_id: SANDBOX_WXPAY_V3_SUB_MCHID,
      },
      alipay: {
        app_id: SANDBOX_ALIPAY_APP_ID,
        app_private_key: pem('alipay-app-private.pem'),
        alipay_public_key: pem('alipay-platform-public.pem'),
        app_cert: pem('alipay-app-cert.pem'),
        alipay_public_cert: pem('alipay-platform-cert.pem'),
        // The sandbox CA stands in for Alipay's root certificate.
        alipay_root_cert: caPem,
        app_auth_token: SANDBOX_ALIPAY_APP_AUTH_TOKEN,
        auth_app_id: SANDBOX_ALIPAY_AUTH_APP_ID,
      },
      payjs: { mchid: SANDBOX_PAYJS_MCHID, key: SANDBOX_PAYJS_KEY },
      wxpay_v3: {
        appid: SANDBOX_WXPAY_APPID,
        mchid: SANDBOX_WXPAY_MCH_ID,
        serial_no: new X509Certificate(merchantCert).serialNumber.toUpperCase(),
        private_key: pem('wxpay-client-key.pem'),
        public_key_id: SANDBOX_WXPAY_V3_PUBLIC_KEY_ID,
        public_key: pem('wxpay-v3-pubkey-public.pem'),
        apiv3_key: SANDBOX_WXPAY_V3_APIV3_KEY,
        platform_certificate: pem('wxpay-v3-platform-cert.pem'),
        sp_appid: SANDBOX_WXPAY_V3_SP_APPID,
        sub_mchid: SANDBOX_WXPAY_V3_SUB_MCHID,
      },
    },
    serverKeys: {
      alipayAppPublicKey: pem('alipay-app-public.pem'),
      alipayPlatformPrivateKey: pem('alipay-platform-private.pem'),
      alipayCertSerials: {
        appCertSn: alipayCertSn(pem('alipay-app-cert.pem')),
        rootCertSn: alipayRootCertSn(caPem),
        alipayCertSn: alipayCertSn(pem('alipay-platform-cert.pem')),
      },
      tlsCertPem: pem('server-cert.pem'),
      tlsKeyPem: pem('server-key.pem'),
      caPem,
      wxpayV3SigningKey: pem('wxpay-v3-pubkey-private.pem'),
      wxpayV3PlatformKey: pem('wxpay-v3-platform-private.pem'),
      wxpayV3MerchantCert: merchantCert,
    },
  };
  return cached;
}
