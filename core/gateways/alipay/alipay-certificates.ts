/**
 * Certificate mode (公钥证书模式, docs/protocols.md §4): the merchant gives the app public-key
 * certificate, the Alipay public-key certificate and the Alipay root certificate instead of the bare
 * Alipay public key. app_cert_sn / alipay_root_cert_sn (alipay-signer.ts, derived as alipay-sdk
 * does) and the verifying key come from them; here each certificate is read and checked once at
 * start, so a wrong file fails with the key named: it must be a certificate, the app certificate must
 * certify the configured private key, and each file must yield its serial number.
 */
import { createPublicKey, type KeyObject, X509Certificate } from 'node:crypto';
import { readPemOrPath } from '../shared/provider-config.ts';
import { alipayCertSerial, alipayRootCertSerial } from './alipay-signer.ts';

export interface AlipayCertificates {
  /** PEM of the app public-key certificate (appCertPublicKey_<app_id>.crt). */
  readonly app_cert: string;
  /** PEM of the Alipay public-key certificate (alipayCertPublicKey_RSA2.crt), chain included. */
  readonly alipay_public_cert: string;
  /** PEM of the Alipay root certificate (alipayRootCert.crt), which holds several certificates. */
  readonly alipay_root_cert: string;
  /** Serial of the Alipay public-key certificate, as Alipay names it in replies (alipay_cert_sn). */
  readonly alipay_cert_sn: string;
}

export type CertificateInput = {
  readonly app_cert?: string | undefined;
  readonly alipay_public_cert?: string | undefined;
  readonly alipay_root_cert?: string | undefined;
};

export type CertificateLoad =
  | { ok: true; certificates: AlipayCertificates; alipayPublicKey: KeyObject }
  | { ok: false; issues: { path: string; message: string }[] };

const CERT_KEYS = ['app_cert', 'alipay_public_cert', 'alipay_root_cert'] as const;

export function certificateModeRequested(input: CertificateInput): boolean {
  return CERT_KEYS.some((key) => input[key] !== undefined);
}

function readCertificate(value: string | undefined):
  | { ok: true; pem: string; cert: X509Certificate }
  | {
      ok: false;
      message: string;
    } {
  if (value === undefined) return { ok: false, message: 'is required in certificate mode' };
  const read = readPemOrPath(value);
  if (!read.ok) return read;
  if (read.pem.includes('PRIVATE KEY')) return { ok: false, message: 'is a private key, not a certificate' };
  try {
    return { ok: true, pem: read.pem, cert: new X509Certificate(read.pem) };
  } catch {
    return { ok: false, message: 'is not an X.509 certificate (PEM)' };
  }
}

/** The serial numbers Alipay expects (alipay-signer.ts), or undefined when a file yields none. */
function serialsOf(pems: {
  app: string;
  alipay: string;
  root: string;
}): { app: string; alipay: string; root: string } | undefined {
  try {
    return {
      app: alipayCertSerial(pems.app),
      alipay: alipayCertSerial(pems.alipay),
      root: alipayRootCertSerial(pems.root),
    };
  } catch {
    return undefined;
  }
}

export function loadCertificates(input: CertificateInput, appPrivateKey: KeyObject): CertificateLoad {
  const appPublicKey = createPublicKey(appPrivateKey);
  const issues: { path: string; message: string }[] = [];
  const app = readCertificate(input.app_cert);
  const alipay = readCertificate(input.alipay_public_cert);
  const root = readCertificate(input.alipay_root_cert);
  if (!app.ok) issues.push({ path: 'app_cert', message: app.message });
  if (!alipay.ok) issues.push({ path: 'alipay_public_cert', message: alipay.message });
  if (!root.ok) issues.push({ path: 'alipay_root_cert', message: root.message });
  if (!app.ok || !alipay.ok || !root.ok) return { ok: false, issues };
  const der = (key: KeyObject) => key.export({ type: 'spki', format: 'der' });
  if (!der(app.cert.publicKey).equals(der(appPublicKey))) {
    issues.push({ path: 'app_cert', message: 'does not certify the key in app_private_key' });
  }
  const alipayPublicKey = createPublicKey(alipay.cert.publicKey.export({ type: 'spki', format: 'pem' }));
  if (alipayPublicKey.asymmetricKeyType !== 'rsa') {
    issues.push({ path: 'alipay_public_cert', message: 'does not hold an RSA key (RSA2 needs RSA)' });
  } else if (der(alipayPublicKey).equals(der(appPublicKey))) {
    issues.push({
      path: 'alipay_public_cert',
      message: "is the app's own certificate; replies are signed by Alipay, so give Alipay's certificate",
    });
  }
  const serials = serialsOf({ app: app.pem, alipay: alipay.pem, root: root.pem });
  if (!serials) {
    issues.push({
      path: 'alipay_root_cert',
      message: "the certificates' serial numbers cannot be read",
    });
  } else {
    if (!serials.app) issues.push({ path: 'app_cert', message: 'has no readable serial number' });
    if (!serials.alipay)
      issues.push({ path: 'alipay_public_cert', message: 'has no readable serial number' });
    if (!serials.root) issues.push({ path: 'alipay_root_cert', message: 'holds no RSA certificate' });
  }
  const alipayCertSn = serials?.alipay;
  if (issues.length > 0 || !alipayCertSn) return { ok: false, issues };
  return {
    ok: true,
    alipayPublicKey,
    certificates: {
      app_cert: app.pem,
      alipay_public_cert: alipay.pem,
      alipay_root_cert: root.pem,
      alipay_cert_sn: alipayCertSn,
    },
  };
}
