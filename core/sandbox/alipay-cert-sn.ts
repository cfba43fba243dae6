/**
 * Certificate mode (公钥证书模式, docs/protocols.md §4) on the sandbox's side: the serial numbers
 * Alipay derives from certificates, computed here with node:crypto alone (not alipay-sdk, which the
 * adapter uses, so the two are checked against each other): MD5 of the issuer's distinguished name
 * written most-specific first (`CN=…,O=…`) followed by the certificate's serial number in decimal;
 * for the root certificate file, the serials of its RSA-signed certificates joined with `_`.
 */
import { createHash, X509Certificate } from 'node:crypto';

function certSn(cert: X509Certificate): string {
  const issuer = cert.issuer.split('\n').reverse().join(',');
  const serial = BigInt(`0x${cert.serialNumber}`).toString(10);
  return createHash('md5')
    .update(issuer + serial, 'utf8')
    .digest('hex');
}

/** The serial of the first certificate in a PEM (app or Alipay public-key certificate). */
export function alipayCertSn(pem: string): string {
  return certSn(new X509Certificate(pem));
}

const PEM_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;
/** PKCS#1 signature algorithms (1.2.840.113549.1.1.*): the RSA certificates of the root file. */
const RSA_SIGNATURE_OID = '1.2.840.113549.1.1.';

/** alipay_root_cert_sn: every RSA-signed certificate of the root file, joined with `_`. */
export function alipayRootCertSn(pem: string): string {
  return (pem.match(PEM_BLOCK) ?? [])
    .map((block) => new X509Certificate(block))
    .filter((cert) => (cert.signatureAlgorithmOid ?? '').startsWith(RSA_SIGNATURE_OID))
    .map(certSn)
    .join('_');
}

export interface AlipayCertSerials {
  readonly appCertSn: string;
  readonly rootCertSn: string;
  /** Named in every reply to a certificate-mode request. */
  readonly alipayCertSn: string;
}

/** A certificate-mode request must name the app certificate and root the sandbox issued. */
export function certSerialProblem(
  params: Readonly<Record<string, string>>,
  serials: AlipayCertSerials,
): string | undefined {
  if (params.app_cert_sn === undefined && params.alipay_root_cert_sn === undefined) return undefined;
  if (params.app_cert_sn !== serials.appCertSn) return 'isv.invalid-app-cert-sn';
  if (params.alipay_root_cert_sn !== serials.rootCertSn) return 'isv.invalid-alipay-root-cert-sn';
  return undefined;
}
