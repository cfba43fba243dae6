/**
 * The node:crypto Alipay signer (core/gateways/alipay/alipay-signer.ts) against the official
 * alipay-sdk as the oracle: the same parameters in the same order with the same signature as
 * sdkExecute(), in public-key and certificate mode; requests that alipay-sdk's own verifier accepts;
 * the certificate serials alipay-sdk derives; notifications verified as checkNotifySignV2 does.
 */
import { createSign, X509Certificate } from 'node:crypto';
import { AlipaySdk, type AlipaySdkConfig } from 'alipay-sdk';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  alipayCertSerial,
  alipayRootCertSerial,
  createAlipayNotifySignatureCheck,
  createAlipayRequestSigner,
} from '../../core/gateways/alipay/alipay-signer.ts';
import { loadSandboxKeys } from '../../core/sandbox/sandbox-credentials.ts';
import { appKeys, platformKeys } from './alipay-fixtures.ts';

const APP_ID = '2021000000000001';
const ali = loadSandboxKeys().credentials.alipay;

type Mode = 'public key' | 'certificate';

function sdkFor(mode: Mode): AlipaySdk {
  const keys: Partial<AlipaySdkConfig> =
    mode === 'certificate'
      ? {
          appCertContent: ali.app_cert,
          alipayPublicCertContent: ali.alipay_public_cert,
          alipayRootCertContent: ali.alipay_root_cert,
        }
      : { alipayPublicKey: ali.alipay_public_key };
  return new AlipaySdk({
    appId: APP_ID,
    privateKey: ali.app_private_key,
    keyType: 'PKCS8',
    signType: 'RSA2',
    camelcase: false,
    ...keys,
  });
}

function signerFor(mode: Mode) {
  return createAlipayRequestSigner({
    app_id: APP_ID,
    app_private_key: ali.app_private_key,
    certificates:
      mode === 'certificate' ? { app_cert: ali.app_cert, alipay_root_cert: ali.alipay_root_cert } : undefined,
  });
}

const jsonValue = fc.oneof(
  fc.string(),
  fc.string({ unit: 'grapheme' }),
  fc.integer(),
  fc.constantFrom('6.60', '0.01', '支付宝 当面付', 'a&b=c%20+', '\u2028'),
);
const bizContent = fc.dictionary(fc.string({ minLength: 1, maxLength: 12 }), jsonValue, { maxKeys: 6 });
const method = fc.constantFrom(
  'alipay.trade.pay',
  'alipay.trade.query',
  'alipay.trade.cancel',
  'alipay.trade.refund',
);
const timestamp = fc
  .date({ min: new Date('2020-01-01T00:00:00Z'), max: new Date('2030-12-31T23:59:59Z'), noInvalidDate: true })
  .map((date) => date.toISOString().slice(0, 19).replace('T', ' '));
const optionalText = fc.option(
  fc.constantFrom('202512BB4f5c…token', 'https://pay.example.cn/notify/alipay'),
  {
    nil: undefined,
  },
);

describe.each<Mode>(['public key', 'certificate'])('requests signed with node:crypto, %s mode', (mode) => {
  const sdk = sdkFor(mode);
  const signer = signerFor(mode);

  it('equal what alipay-sdk sdkExecute() sends: names, order, values and signature', () => {
    fc.assert(
      fc.property(
        method,
        timestamp,
        bizContent,
        optionalText,
        optionalText,
        (name, time, biz, token, notifyUrl) => {
          const ours = signer.sign({
            method: name,
            timestamp: time,
            bizContent: biz,
            extra: { app_auth_token: token, notify_url: notifyUrl },
          });
          const theirs = sdk.sdkExecute(
            name,
            {
              timestamp: time,
              biz_content: biz,
              ...(token ? { app_auth_token: token } : {}),
              ...(notifyUrl ? { notify_url: notifyUrl } : {}),
            },
            { bizContentAutoSnakeCase: false },
          );
          expect(Object.entries(ours)).toEqual([...new URLSearchParams(theirs)]);
        },
      ),
      { numRuns: 200 },
    );
  });

  it("pass alipay-sdk's own signature check with the app's public key, and fail it when altered", () => {
    const checker = new AlipaySdk({
      appId: APP_ID,
      privateKey: ali.app_private_key,
      keyType: 'PKCS8',
      alipayPublicKey: appPublicKeyOf(ali.app_cert),
    });
    const params = signer.sign({
      method: 'alipay.trade.pay',
      timestamp: '2026-11-30 18:00:00',
      bizContent: { out_trade_no: 'SP1', total_amount: '6.60', subject: '当面付' },
    });
    expect(checker.checkNotifySignV2({ ...params })).toBe(true);
    const altered = { ...params, biz_content: params.biz_content!.replace('6.60', '66.0') };
    expect(checker.checkNotifySignV2(altered)).toBe(false);
  });
});

function appPublicKeyOf(certPem: string): string {
  return new X509Certificate(certPem).publicKey.export({ type: 'spki', format: 'pem' }).toString();
}

describe('certificate serials', () => {
  it('are the ones alipay-sdk derives (app, Alipay and root certificate)', () => {
    const { config } = sdkFor('certificate');
    expect(alipayCertSerial(ali.app_cert)).toBe(config.appCertSn);
    expect(alipayCertSerial(ali.alipay_public_cert)).toBe(config.alipayCertSn);
    expect(alipayRootCertSerial(ali.alipay_root_cert)).toBe(config.alipayRootCertSn);
    expect(config.alipayRootCertSn).toMatch(/^[0-9a-f]{32}(_[0-9a-f]{32})*$/);
  });

  it('refuse what is not a certificate, and a root file without one', () => {
    expect(() => alipayCertSerial(appKeys.publicKey)).toThrow();
    expect(alipayRootCertSerial(appKeys.publicKey)).toBe('');
  });
});

describe('notification signatures (as checkNotifySignV2)', () => {
  const check = createAlipayNotifySignatureCheck(platformKeys.publicKey);
  const sdk = new AlipaySdk({
    appId: APP_ID,
    privateKey: appKeys.privateKey,
    keyType: 'PKCS8',
    alipayPublicKey: platformKeys.publicKey,
  });
  const base = {
    app_id: APP_ID,
    out_trade_no: 'SP1',
    trade_no: '2026113022001',
    trade_status: 'TRADE_SUCCESS',
    total_amount: '6.60',
    subject: 'a%20b & 当面付',
    gmt_payment: '2026-11-30 18:00:00',
  };
  const signOver = (text: string) =>
    createSign('RSA-SHA256').update(text, 'utf8').sign(platformKeys.privateKey, 'base64');
  const textOf = (fields: Record<string, string>) =>
    Object.keys(fields)
      .sort()
      .map((name) => `${name}=${fields[name]}`)
      .join('&');

  it('accept what Alipay signs (all fields but sign and sign_type), like the SDK', () => {
    const fields = { ...base, sign_type: 'RSA2', sign: signOver(textOf(base)) };
    expect(check(fields)).toBe(true);
    expect(sdk.checkNotifySignV2({ ...fields })).toBe(true);
  });

  it('accept a signature that kept sign_type in the text, as the SDK does', () => {
    const withType = { ...base, sign_type: 'RSA2' };
    const fields = { ...withType, sign: signOver(textOf(withType)) };
    expect(check(fields)).toBe(true);
    expect(sdk.checkNotifySignV2({ ...fields })).toBe(true);
  });

  it('refuse an altered field, a missing or malformed signature, and another key', () => {
    const sign = signOver(textOf(base));
    expect(check({ ...base, total_amount: '66.00', sign })).toBe(false);
    expect(check({ ...base })).toBe(false);
    expect(check({ ...base, sign: 'not base64 at all' })).toBe(false);
    expect(createAlipayNotifySignatureCheck(appKeys.publicKey)({ ...base, sign })).toBe(false);
  });

  it('refuse a notification declaring the retired SHA1 sign_type, even though its RSA2 text verifies', () => {
    expect(check({ ...base, sign_type: 'RSA', sign: signOver(textOf(base)) })).toBe(false);
  });
});
