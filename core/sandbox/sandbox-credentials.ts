/**
 * The sandbox's fixed credentials. They are documented and not secret (see keys/README.md): the
 * sandbox exists so the product runs with no merchant account. The PEMs are read once from keys/.
 */
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
  };
  readonly payjs: { readonly mchid: string; readonly key: string };
}

/** What only the sandbox holds: the keys it verifies requests with and signs replies with. */
export interface SandboxServerKeys {
  readonly alipayAppPublicKey: string;
  readonly alipayPlatformPrivateKey: string;
  readonly alipayCertSerials: AlipayCertSerials;
  readonly tlsCertPem: string;
  readonly tlsKeyPem: string;
  readonly caPem: string;
}

export const SANDBOX_WXPAY_APPID = 'wx2421b1c4370ec43b';
export const SANDBOX_WXPAY_MCH_ID = '10000100';
export const SANDBOX_WXPAY_KEY = 'scanpaysandboxwxpaykey0000000000';
export const SANDBOX_ALIPAY_APP_ID = '2021000000000001';
export const SANDBOX_PAYJS_MCHID = '1500000001';
export const SANDBOX_PAYJS_KEY = 'scanpaysandboxpayjskey0000000000';

function pem(name: string): string {
  return readFileSync(new URL(`./keys/${name}`, import.meta.url), 'utf8');
}

let cached: { credentials: SandboxCredentials; serverKeys: SandboxServerKeys } | undefined;

export function loadSandboxKeys(): { credentials: SandboxCredentials; serverKeys: SandboxServerKeys } {
  if (cached) return cached;
  const caPem = pem('ca-cert.pem');
  cached = {
    credentials: {
      wxpay: {
        appid: SANDBOX_WXPAY_APPID,
        mch_id: SANDBOX_WXPAY_MCH_ID,
        key: SANDBOX_WXPAY_KEY,
        client_cert_pem: pem('wxpay-client-cert.pem'),
        client_key_pem: pem('wxpay-client-key.pem'),
        ca_pem: caPem,
      },
      alipay: {
        app_id: SANDBOX_ALIPAY_APP_ID,
        app_private_key: pem('alipay-app-private.pem'),
        alipay_public_key: pem('alipay-platform-public.pem'),
        app_cert: pem('alipay-app-cert.pem'),
        alipay_public_cert: pem('alipay-platform-cert.pem'),
        // The sandbox CA stands in for Alipay's root certificate.
        alipay_root_cert: caPem,
      },
      payjs: { mchid: SANDBOX_PAYJS_MCHID, key: SANDBOX_PAYJS_KEY },
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
    },
  };
  return cached;
}
