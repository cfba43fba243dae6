/**
 * Certificate mode (公钥证书模式, docs/protocols.md §4) on the sandbox's side: the serial numbers
 * Alipay derives from certificates (MD5 of the issuer's distinguished name, most specific first, and
 * the decimal serial; for the root file, its RSA-signed certificates' serials joined with `_`).
 * Derived with the adapter's functions (core/gateways/alipay/alipay-signer.ts), which
 * test/gateways/alipay-signer.test.ts checks against alipay-sdk's own derivation: a second
 * hand-written copy here was the same code and checked nothing more.
 */
import { alipayCertSerial, alipayRootCertSerial } from '../gateways/alipay/alipay-signer.ts';

/** The serial of the first certificate in a PEM (app or Alipay public-key certificate). */
export const alipayCertSn: (pem: string) => string = alipayCertSerial;

/** alipay_root_cert_sn: every RSA-signed certificate of the root file, joined with `_`. */
export const alipayRootCertSn: (pem: string) => string = alipayRootCertSerial;

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
