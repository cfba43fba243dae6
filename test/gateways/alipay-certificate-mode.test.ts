/**
 * Certificate mode (公钥证书模式, docs/protocols.md §4): the adapter configured with the app,
 * Alipay and root certificates instead of the Alipay public key. The serial numbers alipay-sdk sends
 * are checked by the sandbox, which computes them on its own with node:crypto.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../core/common/errors.ts';
import { parseAlipayConfig } from '../../core/gateways/alipay/alipay-config.ts';
import { createAlipayGateway } from '../../core/gateways/alipay/alipay-gateway.ts';
import { alipayCertSn, alipayRootCertSn } from '../../core/sandbox/alipay-cert-sn.ts';
import { type RunningSandbox, startSandbox } from '../../core/sandbox/start-sandbox.ts';
import { appKeys } from './alipay-fixtures.ts';
import { issueCode, nextOutTradeNo } from './sandbox-helpers.ts';

let sandbox: RunningSandbox;
beforeAll(async () => {
  sandbox = await startSandbox();
});
afterAll(() => sandbox.close());

function certInput(overrides: Record<string, unknown> = {}) {
  const ali = sandbox.credentials.alipay;
  return {
    provider: 'alipay',
    app_id: ali.app_id,
    app_private_key: ali.app_private_key,
    app_cert: ali.app_cert,
    alipay_public_cert: ali.alipay_public_cert,
    alipay_root_cert: ali.alipay_root_cert,
    base_url: `${sandbox.url}/alipay/gateway.do`,
    timeouts: { micropay_ms: 3000, other_ms: 3000 },
    ...overrides,
  };
}

describe('alipay certificate mode: config', () => {
  it('takes the three certificates; the Alipay key and serial come from the Alipay certificate', () => {
    const config = parseAlipayConfig(certInput());
    expect(config.certificates?.alipay_cert_sn).toBe(
      alipayCertSn(sandbox.credentials.alipay.alipay_public_cert),
    );
    expect(config.alipay_public_key.replace(/\s/g, '')).toBe(
      sandbox.credentials.alipay.alipay_public_key.replace(/\s/g, ''),
    );
  });

  it.each([
    ['app_cert', { app_cert: undefined }, /app_cert: is required in certificate mode/],
    ['alipay_root_cert', { alipay_root_cert: undefined }, /alipay_root_cert: is required/],
    [
      'a key as a certificate',
      { alipay_public_cert: appKeys.privateKey },
      /alipay_public_cert: is a private key/,
    ],
    [
      'not a certificate',
      { app_cert: '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----' },
      /app_cert: is not an X\.509/,
    ],
    [
      'a missing file',
      { alipay_root_cert: '/nonexistent/alipayRootCert.crt' },
      /alipay_root_cert: is neither a PEM nor a readable file/,
    ],
    ['both modes', { alipay_public_key: 'x' }, /alipay_public_key: give either/],
  ])('refuses %s, naming the key', (_name, overrides, message) => {
    const input = certInput(overrides);
    expect(() => parseAlipayConfig(input)).toThrow(ConfigError);
    expect(() => parseAlipayConfig(input)).toThrow(message);
  });

  it('reads the certificates from files, as Alipay hands them out (.crt paths)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'scanpay-alipay-certs-'));
    try {
      const ali = sandbox.credentials.alipay;
      const path = (name: string, pem: string) => {
        writeFileSync(join(dir, name), pem);
        return join(dir, name);
      };
      const config = parseAlipayConfig(
        certInput({
          app_cert: path('appCertPublicKey_2021000000000001.crt', ali.app_cert),
          alipay_public_cert: path('alipayCertPublicKey_RSA2.crt', ali.alipay_public_cert),
          alipay_root_cert: path('alipayRootCert.crt', ali.alipay_root_cert),
        }),
      );
      expect(config.certificates?.alipay_cert_sn).toBe(alipayCertSn(ali.alipay_public_cert));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses an app certificate that does not certify app_private_key', () => {
    expect(() => parseAlipayConfig(certInput({ app_private_key: appKeys.privateKey }))).toThrow(
      /app_cert: does not certify the key in app_private_key/,
    );
  });

  it('neither alipay_public_key nor certificates: says what is needed', () => {
    const { app_cert: _a, alipay_public_cert: _b, alipay_root_cert: _c, ...none } = certInput();
    expect(() => parseAlipayConfig(none)).toThrow(/alipay_public_key: is required \(or app_cert/);
  });
});

describe('alipay certificate mode: against the sandbox', () => {
  it('pays, queries, cancels and refunds; every request names the sandbox app and root certificates', async () => {
    const gateway = createAlipayGateway(parseAlipayConfig(certInput()));
    const outTradeNo = nextOutTradeNo('CERT');
    const authCode = await issueCode(sandbox, 'alipay', 'instant');
    expect(await gateway.micropay({ outTradeNo, authCode, totalFee: 880, subject: 'Tea' })).toMatchObject({
      kind: 'paid',
      totalFee: 880,
    });
    expect(await gateway.query({ outTradeNo })).toMatchObject({ kind: 'paid' });
    const refund = { outTradeNo, outRefundNo: `${outTradeNo}R`, totalFee: 880, refundFee: 80 };
    expect(await gateway.refund(refund)).toMatchObject({ kind: 'succeeded' });
    expect(await gateway.queryRefund(refund)).toMatchObject({ kind: 'succeeded' });
    expect(await gateway.reverse({ outTradeNo })).toMatchObject({ kind: 'reversed' });
    expect(sandbox.ledger.find('alipay', outTradeNo)).toMatchObject({ captured_fen: 880, refunded_fen: 880 });
  });

  it('the sandbox refuses a certificate-mode request naming another app certificate', async () => {
    const other = { ...sandbox.credentials.alipay };
    // A root that is not the sandbox's: alipay-sdk sends its serial, the sandbox refuses it.
    const foreignRoot = sandbox.credentials.alipay.alipay_public_cert;
    expect(alipayRootCertSn(foreignRoot)).not.toBe(alipayRootCertSn(other.alipay_root_cert));
    const gateway = createAlipayGateway(parseAlipayConfig(certInput({ alipay_root_cert: foreignRoot })));
    const outcome = await gateway.query({ outTradeNo: nextOutTradeNo('CERT') });
    expect(outcome.kind).toBe('unknown');
  });

  it('a reply naming another alipay_cert_sn is unknown, even correctly signed', async () => {
    // Relays the sandbox's replies with alipay_cert_sn swapped (outside the signed member).
    const relay = createServer(async (req, res) => {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const upstream = await fetch(`${sandbox.url}${req.url}`, {
        method: 'POST',
        headers: { 'content-type': String(req.headers['content-type']) },
        body: Buffer.concat(chunks),
      });
      const text = (await upstream.text()).replace(/"alipay_cert_sn":"[0-9a-f]+"/, '"alipay_cert_sn":"0000"');
      res.writeHead(200, { 'content-type': 'application/json' }).end(text);
    });
    await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
    try {
      const port = (relay.address() as AddressInfo).port;
      const gateway = createAlipayGateway(
        parseAlipayConfig(certInput({ base_url: `http://127.0.0.1:${port}/alipay/gateway.do` })),
      );
      const outTradeNo = nextOutTradeNo('CERT');
      const authCode = await issueCode(sandbox, 'alipay', 'instant');
      expect(await gateway.micropay({ outTradeNo, authCode, totalFee: 100, subject: 'x' })).toMatchObject({
        kind: 'unknown',
        reason: 'bad_signature',
      });
    } finally {
      await new Promise<void>((resolve) => relay.close(() => resolve()));
    }
  });
});
