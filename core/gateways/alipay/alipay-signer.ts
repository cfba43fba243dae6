/**
 * Alipay OpenAPI 2.0 request signing (RSA2 = SHA256withRSA) and notification verification, with
 * node:crypto and keys parsed once per configuration (docs/protocols.md §4).
 *
 * Written by hand instead of calling alipay-sdk, on measurements (docs/benchmarks.md, "Alipay
 * signing"): importing alipay-sdk (urllib, crypto-js, @fidm/x509, bignumber.js…) cost the service
 * start-up time and resident memory whether or not an Alipay gateway was configured, and its
 * sdkExecute() re-parses the PEM key on every call. What it does for us is small and specified:
 * - request: every parameter but `sign`, sorted by name, `name=value` joined with `&`, signed;
 *   the parameters are laid out in the order sdkExecute() gives them, so a gateway receives the same
 *   bytes (test/gateways/alipay-signer.test.ts compares the two over generated requests, and checks
 *   our requests with alipay-sdk's own verifier);
 * - certificate mode (公钥证书模式): app_cert_sn and alipay_root_cert_sn, MD5 of the issuer's
 *   distinguished name (most specific first) and the decimal serial; for the root file, the serials
 *   of its RSA-signed certificates joined with `_` (checked against alipay-sdk's in the same test);
 * - notification: the fields but `sign` (and `sign_type`, which Alipay's documentation excludes;
 *   alipay-sdk's checkNotifySignV2 also accepts a signature over the text that keeps it), raw values.
 *
 * Official references: https://opendocs.alipay.com/common/02kf5q (签名),
 * https://opendocs.alipay.com/common/02mse7 (异步通知验签), https://opendocs.alipay.com/common/056zub
 * (公钥证书 SN).
 */
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  createSign,
  createVerify,
  type KeyObject,
  X509Certificate,
} from 'node:crypto';

/** A request's parameters, signed, in the order alipay-sdk's sdkExecute() lays them out. */
export type SignedAlipayParams = Readonly<Record<string, string>>;

export interface AlipayRequestToSign {
  readonly method: string;
  /** Alipay's `yyyy-MM-dd HH:mm:ss`, China time. */
  readonly timestamp: string;
  readonly bizContent: Readonly<Record<string, unknown>>;
  /** Further common parameters (app_auth_token, notify_url), in the order given; empty ones are left out. */
  readonly extra?: Readonly<Record<string, string | undefined>>;
}

export interface AlipaySigningConfig {
  readonly app_id: string;
  readonly app_private_key: string;
  readonly certificates?: { readonly app_cert: string; readonly alipay_root_cert: string } | undefined;
}

export interface AlipayRequestSigner {
  sign(request: AlipayRequestToSign): SignedAlipayParams;
}

function certSn(cert: X509Certificate): string {
  // Node writes the issuer one attribute per line, most general first (C=…\nO=…\nCN=…).
  const issuer = cert.issuer.split('\n').reverse().join(',');
  const serial = BigInt(`0x${cert.serialNumber}`).toString(10);
  return createHash('md5')
    .update(issuer + serial, 'utf8')
    .digest('hex');
}

/** app_cert_sn (or alipay_cert_sn): the serial of the first certificate in a PEM. Throws on a non-certificate. */
export function alipayCertSerial(pem: string): string {
  return certSn(new X509Certificate(pem));
}

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;
/** PKCS#1 signature algorithms (1.2.840.113549.1.1.*): the RSA certificates of the root file. */
const RSA_SIGNATURE_OID = '1.2.840.113549.1.1.';

/** alipay_root_cert_sn: the serials of the root file's RSA-signed certificates, joined with `_` ('' if none). */
export function alipayRootCertSerial(pem: string): string {
  return (pem.match(PEM_CERTIFICATE) ?? [])
    .map((block) => new X509Certificate(block))
    .filter((cert) => (cert.signatureAlgorithmOid ?? '').startsWith(RSA_SIGNATURE_OID))
    .map(certSn)
    .join('_');
}

function signingText(params: Readonly<Record<string, string>>, omit: ReadonlySet<string>): string {
  return Object.keys(params)
    .filter((name) => name !== '' && !omit.has(name))
    .sort()
    .map((name) => `${name}=${params[name]}`)
    .join('&');
}

const REQUEST_OMITS: ReadonlySet<string> = new Set(['sign']);

/** Parses the key and, in certificate mode, derives both serials once; sign() then only hashes and signs. */
export function createAlipayRequestSigner(config: AlipaySigningConfig): AlipayRequestSigner {
  const privateKey: KeyObject = createPrivateKey(config.app_private_key);
  // alipay-sdk sends both serials only when both are known; loadCertificates refuses a file without one.
  const serials = config.certificates
    ? {
        app_cert_sn: alipayCertSerial(config.certificates.app_cert),
        alipay_root_cert_sn: alipayRootCertSerial(config.certificates.alipay_root_cert),
      }
    : undefined;
  return {
    sign(request) {
      const params: Record<string, string> = {
        method: request.method,
        app_id: config.app_id,
        charset: 'utf-8',
        version: '1.0',
        sign_type: 'RSA2',
        timestamp: request.timestamp,
      };
      for (const [name, value] of Object.entries(request.extra ?? {})) {
        if (value) params[name] = value;
      }
      if (serials?.app_cert_sn && serials.alipay_root_cert_sn) Object.assign(params, serials);
      params.biz_content = JSON.stringify(request.bizContent);
      params.sign = createSign('RSA-SHA256')
        .update(signingText(params, REQUEST_OMITS), 'utf8')
        .sign(privateKey, 'base64');
      return params;
    },
  };
}

const NOTIFY_OMITS: ReadonlySet<string> = new Set(['sign', 'sign_type']);
const NOTIFY_OMITS_KEEPING_TYPE: ReadonlySet<string> = new Set(['sign']);

/**
 * A notification verifier for one Alipay public key (parsed here, once). Only RSA2: a notification
 * declaring another sign_type (the retired SHA1 `RSA`) is refused rather than checked with a weaker hash.
 */
export function createAlipayNotifySignatureCheck(
  alipayPublicKeyPem: string,
): (fields: Readonly<Record<string, string>>) => boolean {
  const publicKey = createPublicKey(alipayPublicKeyPem);
  const verifies = (text: string, signature: string) => {
    try {
      return createVerify('RSA-SHA256').update(text, 'utf8').verify(publicKey, signature, 'base64');
    } catch {
      return false;
    }
  };
  return (fields) => {
    const signature = fields.sign;
    if (!signature) return false;
    if (fields.sign_type !== undefined && fields.sign_type !== 'RSA2') return false;
    return (
      verifies(signingText(fields, NOTIFY_OMITS), signature) ||
      (fields.sign_type !== undefined && verifies(signingText(fields, NOTIFY_OMITS_KEEPING_TYPE), signature))
    );
  };
}
