/**
 * APIv3 signing, reply verification by Wechatpay-Serial, AES-256-GCM notifications and config checks.
 * The docs' signing example (GET /v3/certificates, docs/protocols.md §3) fixes the message format; the
 * docs publish no signature reproducible without a merchant's private key, so RSA is checked by
 * round trip with the sandbox keys and against a second implementation (wxpay-v3-second-client.test.ts).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../core/common/errors.ts';
import {
  parseV3Authorization,
  v3AuthorizationHeader,
  v3DecryptResource,
  v3EncryptResource,
  v3ReplyMessage,
  v3RequestMessage,
  v3Sign,
} from '../../core/gateways/shared/v3-sign.ts';
import { parseWxpayV3Config } from '../../core/gateways/wxpay-v3/wxpay-v3-config.ts';
import {
  createWxpayV3NotifyVerifier,
  readWxpayV3Notification,
} from '../../core/gateways/wxpay-v3/wxpay-v3-notify.ts';
import { wxpayV3SignatureProblem } from '../../core/gateways/wxpay-v3/wxpay-v3-transport.ts';
import { loadSandboxKeys } from '../../core/sandbox/sandbox-credentials.ts';

const { credentials, serverKeys } = loadSandboxKeys();
const v3 = credentials.wxpay_v3;
const key = (name: string) =>
  readFileSync(new URL(`../../core/sandbox/keys/${name}`, import.meta.url), 'utf8');
// Any certificate + its key stands in for a WeChat platform certificate.
const platformCert = key('alipay-platform-cert.pem');
const platformKey = key('alipay-platform-private.pem');

const base = {
  provider: 'wxpay_v3',
  appid: v3.appid,
  mchid: v3.mchid,
  serial_no: v3.serial_no,
  private_key: v3.private_key,
  apiv3_key: v3.apiv3_key,
};

function signedHeaders(
  body: string,
  serial: string,
  privateKey: string,
  timestamp = Math.floor(Date.now() / 1000),
) {
  const nonce = 'fa5b1e2c3d4e5f60';
  return {
    'wechatpay-serial': serial,
    'wechatpay-timestamp': String(timestamp),
    'wechatpay-nonce': nonce,
    'wechatpay-signature': v3Sign(v3ReplyMessage(String(timestamp), nonce, body), privateKey),
  };
}

describe('APIv3 messages', () => {
  it('builds the documented signing message and Authorization header', () => {
    expect(
      v3RequestMessage('GET', '/v3/certificates', '1554208460', '593BEC0C930BF1AFEB40B4A08C8FB242', ''),
    ).toBe('GET\n/v3/certificates\n1554208460\n593BEC0C930BF1AFEB40B4A08C8FB242\n\n');
    const header = v3AuthorizationHeader({
      mchid: '1900009191',
      nonce_str: '593BEC0C930BF1AFEB40B4A08C8FB242',
      signature: 'c2lnbmF0dXJl',
      timestamp: '1554208460',
      serial_no: '1DDE55AD98ED71D6EDD4A4A16996DE7B47773A8C',
    });
    expect(header).toBe(
      'WECHATPAY2-SHA256-RSA2048 mchid="1900009191",nonce_str="593BEC0C930BF1AFEB40B4A08C8FB242",' +
        'signature="c2lnbmF0dXJl",timestamp="1554208460",serial_no="1DDE55AD98ED71D6EDD4A4A16996DE7B47773A8C"',
    );
    expect(parseV3Authorization(header)?.serial_no).toBe('1DDE55AD98ED71D6EDD4A4A16996DE7B47773A8C');
    expect(parseV3Authorization(header.replace('WECHATPAY2', 'WECHATPAY3'))).toBeUndefined();
  });

  it('AES-256-GCM: decrypts its own resource; a changed byte, AAD or key decrypts to nothing', () => {
    const resource = v3EncryptResource('{"out_trade_no":"A1"}', v3.apiv3_key, 'transaction');
    expect(v3DecryptResource(resource, v3.apiv3_key)).toBe('{"out_trade_no":"A1"}');
    const bytes = Buffer.from(resource.ciphertext, 'base64');
    bytes[0] = (bytes[0] ?? 0) ^ 1;
    expect(
      v3DecryptResource({ ...resource, ciphertext: bytes.toString('base64') }, v3.apiv3_key),
    ).toBeUndefined();
    expect(v3DecryptResource({ ...resource, associated_data: 'other' }, v3.apiv3_key)).toBeUndefined();
    expect(v3DecryptResource(resource, 'x'.repeat(32))).toBeUndefined();
  });
});

describe('reply verification by Wechatpay-Serial', () => {
  const both = parseWxpayV3Config({
    ...base,
    public_key_id: v3.public_key_id,
    public_key: v3.public_key,
    platform_certificates: [platformCert],
  });
  const certSerial = [...both.wechat_keys.keys()].find((s) => !s.startsWith('PUB_KEY_ID_'))!;
  const now = Date.now();

  it('during a switch, replies signed with the public key or the platform certificate both verify', () => {
    const body = '{"trade_state":"SUCCESS"}';
    expect(
      wxpayV3SignatureProblem(
        both,
        signedHeaders(body, v3.public_key_id, serverKeys.wxpayV3SigningKey),
        body,
        now,
      ),
    ).toBeUndefined();
    expect(
      wxpayV3SignatureProblem(both, signedHeaders(body, certSerial, platformKey), body, now),
    ).toBeUndefined();
  });

  it('refuses a reply signed by the other key than its serial names, a changed body, no headers, or a stale time', () => {
    const body = '{"trade_state":"SUCCESS"}';
    expect(
      wxpayV3SignatureProblem(both, signedHeaders(body, v3.public_key_id, platformKey), body, now)?.problem,
    ).toMatch(/verify/);
    const headers = signedHeaders(body, v3.public_key_id, serverKeys.wxpayV3SigningKey);
    expect(wxpayV3SignatureProblem(both, headers, body.replace('SUCCESS', 'CLOSED'), now)?.problem).toMatch(
      /verify/,
    );
    expect(wxpayV3SignatureProblem(both, {}, body, now)?.problem).toMatch(/unsigned/);
    const stale = signedHeaders(
      body,
      v3.public_key_id,
      serverKeys.wxpayV3SigningKey,
      Math.floor(now / 1000) - 301,
    );
    expect(wxpayV3SignatureProblem(both, stale, body, now)).toMatchObject({
      reason: 'clock_skew',
      problem: expect.stringMatching(/more than 5/),
    });
    expect(
      wxpayV3SignatureProblem(
        both,
        signedHeaders(body, 'PUB_KEY_ID_OTHER', serverKeys.wxpayV3SigningKey),
        body,
        now,
      )?.problem,
    ).toMatch(/do not hold/);
  });
});

describe('config', () => {
  it('refuses a config with no WeChat key to verify replies, naming the key', () => {
    expect(() => parseWxpayV3Config(base)).toThrow(ConfigError);
    expect(() => parseWxpayV3Config(base)).toThrow(/public_key/);
    expect(() => parseWxpayV3Config({ ...base, public_key: v3.public_key })).toThrow(/public_key_id/);
    expect(() => parseWxpayV3Config({ ...base, public_key_id: 'KEY1', public_key: v3.public_key })).toThrow(
      /PUB_KEY_ID_/,
    );
    expect(() =>
      parseWxpayV3Config({
        ...base,
        private_key: 'not a pem',
        public_key_id: v3.public_key_id,
        public_key: v3.public_key,
      }),
    ).toThrow(/private_key/);
  });

  it('keeps secrets out of JSON and of error messages', () => {
    const config = parseWxpayV3Config({
      ...base,
      public_key_id: v3.public_key_id,
      public_key: v3.public_key,
    });
    const text = JSON.stringify(config);
    expect(text).not.toContain(v3.apiv3_key);
    expect(text).toContain('[redacted]');
    let message = '';
    try {
      parseWxpayV3Config({ ...base, apiv3_key: 'short-secret-value' });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/apiv3_key/);
    expect(message).not.toContain('short-secret-value');
  });
});

describe('notifications', () => {
  const config = parseWxpayV3Config({ ...base, public_key_id: v3.public_key_id, public_key: v3.public_key });
  const trade = {
    appid: v3.appid,
    mchid: v3.mchid,
    out_trade_no: 'N1',
    transaction_id: '4200000001',
    trade_state: 'SUCCESS',
    success_time: '2026-11-30T18:00:00+08:00',
    amount: { total: 1500, currency: 'CNY' },
  };
  const envelope = (plain: object, apiKey = v3.apiv3_key) =>
    JSON.stringify({
      event_type: 'TRANSACTION.SUCCESS',
      resource: v3EncryptResource(JSON.stringify(plain), apiKey, 'transaction'),
    });

  const signed = (body: string, at = Math.floor(Date.now() / 1000)) => ({
    body,
    headers: signedHeaders(body, v3.public_key_id, serverKeys.wxpayV3SigningKey, at),
  });
  const read = (n: { body: string; headers: Record<string, string> }) =>
    createWxpayV3NotifyVerifier(config).read(n.body, n.headers);

  it('reads a signed paid notification in fen', () => {
    expect(read(signed(envelope(trade)))).toEqual({
      kind: 'paid',
      outTradeNo: 'N1',
      totalFee: 1500,
      transactionId: '4200000001',
      paidAt: '2026-11-30T18:00:00+08:00',
    });
  });

  it('rejects a notification that decrypts but is unsigned, wrongly signed or stale', () => {
    const body = envelope(trade);
    expect(createWxpayV3NotifyVerifier(config).read(body)).toMatchObject({
      kind: 'rejected',
      reason: /unsigned/,
    });
    expect(read({ body, headers: signed(envelope({ ...trade, out_trade_no: 'N2' })).headers })).toMatchObject(
      {
        kind: 'rejected',
      },
    );
    expect(read(signed(body, Math.floor(Date.now() / 1000) - 600))).toMatchObject({ kind: 'rejected' });
  });

  it('rejects one encrypted with another key, for another merchant, or with a non-integer amount', () => {
    expect(read(signed(envelope(trade, 'y'.repeat(32))))).toMatchObject({ kind: 'rejected' });
    expect(read(signed(envelope({ ...trade, mchid: '1900000000' })))).toMatchObject({ kind: 'rejected' });
    expect(read(signed(envelope({ ...trade, amount: { total: 15.5 } })))).toMatchObject({ kind: 'rejected' });
    expect(read(signed('not json'))).toMatchObject({ kind: 'rejected' });
    expect(read(signed(envelope({ ...trade, trade_state: 'NOTPAY' })))).toMatchObject({ kind: 'not_paid' });
    expect(readWxpayV3Notification(config, envelope(trade))).toMatchObject({ kind: 'paid' });
  });
});
