/**
 * The provider config inputs that point the real adapters (core/gateways/<provider>) at a running
 * sandbox: base URLs with the sandbox's path prefixes, its fixed credentials, and its CA for the
 * secapi TLS server. Plain data, so the sandbox does not depend on the adapters; the kiosk service's
 * default configuration and end-to-end tests pass these to parse<Provider>Config.
 */
import type { SandboxCredentials } from './sandbox-credentials.ts';

export interface SandboxEndpoints {
  readonly url: string;
  readonly secapiUrl: string;
  readonly credentials: SandboxCredentials;
}

export function sandboxProviderConfigs(sandbox: SandboxEndpoints) {
  const { wxpay, alipay, payjs, wxpay_v3 } = sandbox.credentials;
  return {
    wxpay: {
      provider: 'wxpay',
      appid: wxpay.appid,
      mch_id: wxpay.mch_id,
      key: wxpay.key,
      base_url: `${sandbox.url}/wxpay`,
      secapi_base_url: `${sandbox.secapiUrl}/wxpay`,
      cert_pem: wxpay.client_cert_pem,
      key_pem: wxpay.client_key_pem,
      ca_pem: wxpay.ca_pem,
    },
    alipay: {
      provider: 'alipay',
      app_id: alipay.app_id,
      app_private_key: alipay.app_private_key,
      alipay_public_key: alipay.alipay_public_key,
      base_url: `${sandbox.url}/alipay/gateway.do`,
    },
    payjs: {
      provider: 'payjs',
      mchid: payjs.mchid,
      key: payjs.key,
      base_url: `${sandbox.url}/payjs/api`,
    },
    wxpay_v3: {
      provider: 'wxpay_v3',
      appid: wxpay_v3.appid,
      mchid: wxpay_v3.mchid,
      serial_no: wxpay_v3.serial_no,
      private_key: wxpay_v3.private_key,
      apiv3_key: wxpay_v3.apiv3_key,
      public_key_id: wxpay_v3.public_key_id,
      public_key: wxpay_v3.public_key,
      // Both kinds, as a merchant holds them while WeChat switches it over to the public key.
      platform_certificates: [wxpay_v3.platform_certificate],
      // The live host serves v2 and v3 side by side; so does the sandbox, under /wxpay.
      base_url: `${sandbox.url}/wxpay`,
    },
  } as const;
}

/**
 * The sandbox's sub-merchant through its service provider (服务商模式): the same keys as the direct
 * wxpay_v3 entry (the sandbox merchant is also the service provider), with sp_appid, sp_mchid and
 * sub_mchid in place of appid and mchid.
 */
export function sandboxWxpayV3PartnerConfig(sandbox: SandboxEndpoints) {
  const { appid: _appid, mchid, ...keys } = sandboxProviderConfigs(sandbox).wxpay_v3;
  const v3 = sandbox.credentials.wxpay_v3;
  return { ...keys, sp_appid: v3.sp_appid, sp_mchid: mchid, sub_mchid: v3.sub_mchid };
}

/** The sandbox's authorising merchant through the ISV app (Alipay service-provider mode). */
export function sandboxAlipayIsvConfig(sandbox: SandboxEndpoints) {
  const { alipay } = sandbox.credentials;
  return {
    ...sandboxProviderConfigs(sandbox).alipay,
    app_auth_token: alipay.app_auth_token,
    auth_app_id: alipay.auth_app_id,
  };
}
