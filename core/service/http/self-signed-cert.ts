/**
 * A self-signed certificate for `server.tls: {"self_signed": true}`: an ECDSA P-256 key and a v3
 * certificate for localhost, 127.0.0.1, ::1 and the service's configured host names, kept in
 * `<data dir>/tls/` (owner-only) so its SHA-256 fingerprint, which LAN devices pin, stays the same
 * across restarts; a new pair is made only when it is missing or about to expire.
 * Written by hand because Node's crypto signs but cannot write X.509, and no runtime dependency does;
 * the DER below is one fixed template (RFC 5280 §4.1), checked by parsing it back with Node's
 * X509Certificate and by TLS handshakes in test/security/self-signed-cert.test.ts.
 */
import { generateKeyPairSync, randomBytes, sign, X509Certificate } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { isIPv4 } from 'node:net';
import { join } from 'node:path';

const VALID_DAYS = 5 * 365;
const RENEW_BEFORE_MS = 30 * 24 * 3600_000;
const ECDSA_WITH_SHA256 = '1.2.840.10045.4.3.2';
const COMMON_NAME = '2.5.4.3';
const SUBJECT_ALT_NAME = '2.5.29.17';

function length(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let rest = n; rest > 0; rest = Math.floor(rest / 256)) bytes.unshift(rest & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

function tlv(tag: number, ...content: Buffer[]): Buffer {
  const body = Buffer.concat(content);
  return Buffer.concat([Buffer.from([tag]), length(body.length), body]);
}

const sequence = (...items: Buffer[]) => tlv(0x30, ...items);

function oid(dotted: string): Buffer {
  const [first, second, ...rest] = dotted.split('.').map(Number);
  const bytes = [first! * 40 + second!];
  for (const arc of rest) {
    const chunk = [arc & 0x7f];
    for (let v = Math.floor(arc / 128); v > 0; v = Math.floor(v / 128)) chunk.unshift((v & 0x7f) | 0x80);
    bytes.push(...chunk);
  }
  return tlv(0x06, Buffer.from(bytes));
}

/** UTCTime, YYMMDDHHMMSSZ (valid for the years 1950–2049, which these certificates stay within). */
function utcTime(at: Date): Buffer {
  const text = at.toISOString().replace(/[-:T]/g, '').slice(2, 14);
  return tlv(0x17, Buffer.from(`${text}Z`, 'ascii'));
}

function name(commonName: string): Buffer {
  return sequence(tlv(0x31, sequence(oid(COMMON_NAME), tlv(0x0c, Buffer.from(commonName, 'utf8')))));
}

function subjectAltNames(hosts: readonly string[]): Buffer {
  const entries = hosts.map((host) => {
    if (host === '::1') return tlv(0x87, Buffer.from([...Array(15).fill(0), 1]));
    if (isIPv4(host)) return tlv(0x87, Buffer.from(host.split('.').map(Number)));
    return tlv(0x82, Buffer.from(host, 'ascii'));
  });
  return sequence(oid(SUBJECT_ALT_NAME), tlv(0x04, sequence(...entries)));
}

/** A new key and certificate (PEM) for `hosts`; IPv6 literals other than ::1 are left out. */
export function makeSelfSignedCert(hosts: readonly string[], now: Date): { cert: string; key: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const serial = randomBytes(16);
  serial[0] = serial[0]! & 0x7f; // a positive INTEGER
  const algorithm = sequence(oid(ECDSA_WITH_SHA256));
  const notAfter = new Date(now.getTime() + VALID_DAYS * 24 * 3600_000);
  const names = [...new Set(['localhost', '127.0.0.1', '::1', ...hosts])].filter(
    (host) => host === '::1' || !host.includes(':'),
  );
  const tbs = sequence(
    tlv(0xa0, tlv(0x02, Buffer.from([2]))),
    tlv(0x02, serial),
    algorithm,
    name('ScanPay Kiosk'),
    sequence(utcTime(now), utcTime(notAfter)),
    name('ScanPay Kiosk'),
    publicKey.export({ type: 'spki', format: 'der' }),
    tlv(0xa3, sequence(subjectAltNames(names))),
  );
  const signature = sign('sha256', tbs, privateKey);
  const der = sequence(tbs, algorithm, tlv(0x03, Buffer.from([0]), signature));
  const body = der.toString('base64').replace(/.{64}/g, '$&\n');
  return {
    cert: `-----BEGIN CERTIFICATE-----\n${body}${body.endsWith('\n') ? '' : '\n'}-----END CERTIFICATE-----\n`,
    key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  };
}

/** The pair kept in `<dataDir>/tls/`, made (or renewed shortly before it expires) when needed. */
export function selfSignedCert(
  dataDir: string,
  hosts: readonly string[],
  now = new Date(),
): { cert: string; key: string } {
  const dir = join(dataDir, 'tls');
  const certPath = join(dir, 'self-signed-cert.pem');
  const keyPath = join(dir, 'self-signed-key.pem');
  if (existsSync(certPath) && existsSync(keyPath)) {
    const cert = readFileSync(certPath, 'utf8');
    if (new Date(new X509Certificate(cert).validTo).getTime() - now.getTime() > RENEW_BEFORE_MS)
      return { cert, key: readFileSync(keyPath, 'utf8') };
  }
  const made = makeSelfSignedCert(hosts, now);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  for (const [path, text] of [
    [keyPath, made.key],
    [certPath, made.cert],
  ] as const) {
    writeFileSync(`${path}.tmp`, text, { mode: 0o600 });
    renameSync(`${path}.tmp`, path);
  }
  return made;
}
