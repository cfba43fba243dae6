/**
 * `server.tls: {"self_signed": true}`: a certificate made by the service, parsed back by Node, valid
 * for the service's names, used for a real TLS handshake, kept across restarts (its fingerprint is
 * what LAN devices pin) and stored owner-only.
 */
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiServer } from '../../core/service/http/api-server.ts';
import { makeSelfSignedCert, selfSignedCert } from '../../core/service/http/self-signed-cert.ts';
import { type ServiceHarness, startServiceHarness } from '../service/service-harness.ts';

describe('the generated certificate', () => {
  it('is a v3 certificate Node parses, signed by its own key, for loopback and the configured names', () => {
    const now = new Date('2026-11-30T12:00:00Z');
    const { cert } = makeSelfSignedCert(['till.shop.lan', '192.168.1.20'], now);
    const x509 = new X509Certificate(cert);
    expect(x509.verify(x509.publicKey)).toBe(true);
    expect(x509.checkIssued(x509)).toBe(true);
    expect(x509.subject).toBe('CN=ScanPay Kiosk');
    expect(x509.subjectAltName).toBe(
      'DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1, DNS:till.shop.lan, IP Address:192.168.1.20',
    );
    expect(new Date(x509.validFrom).getTime()).toBe(now.getTime());
    expect(new Date(x509.validTo).getUTCFullYear()).toBe(2031);
    expect(x509.checkHost('till.shop.lan')).toBe('till.shop.lan');
    expect(x509.checkIP('192.168.1.20')).toBe('192.168.1.20');
  });

  it('is kept in the data dir, owner-only, and reused until it nears expiry', () => {
    const dir = mkdtempSync(join(tmpdir(), 'scanpay-tls-'));
    try {
      const first = selfSignedCert(dir, [], new Date('2026-11-30T12:00:00Z'));
      expect(statSync(join(dir, 'tls', 'self-signed-key.pem')).mode & 0o777).toBe(0o600);
      expect(selfSignedCert(dir, [], new Date('2028-01-01T00:00:00Z')).cert).toBe(first.cert);
      expect(selfSignedCert(dir, [], new Date('2031-11-20T00:00:00Z')).cert).not.toBe(first.cert);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('serving with a self-signed certificate', () => {
  let h: ServiceHarness;
  beforeAll(async () => {
    h = await startServiceHarness({ config: { server: { tls: { self_signed: true } } } });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('completes a TLS handshake pinned to that certificate, and health shows its fingerprint', async () => {
    const cert = selfSignedCert(h.dataDir, []).cert;
    const fingerprint = new X509Certificate(cert).fingerprint256;
    expect(h.server.url).toMatch(/^https:/);
    expect(h.server.tlsFingerprint).toBe(fingerprint);
    const health = await new Promise<{ tls_sha256?: string }>((resolve, reject) => {
      const req = request(
        { host: '127.0.0.1', port: new URL(h.server.url).port, path: '/api/health', ca: cert },
        (res) => {
          let text = '';
          res.on('data', (c: Buffer) => {
            text += c.toString();
          });
          res.on('end', () => resolve(JSON.parse(text)));
        },
      );
      req.on('error', reject);
      req.end();
    });
    expect(health.tls_sha256).toBe(fingerprint);
    // A restart serves the same certificate: the pin stays valid.
    const again = await startApiServer({ service: h.service, host: '127.0.0.1', port: 0 });
    try {
      expect(again.tlsFingerprint).toBe(fingerprint);
    } finally {
      await again.close();
    }
  });
});
