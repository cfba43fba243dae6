import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../core/common/errors.ts';
import { parseWxpayConfig } from '../../core/gateways/wxpay/wxpay-config.ts';
import { fixture, fixturePath, WX_KEY } from './wxpay-fixtures.ts';

const base = {
  provider: 'wxpay',
  appid: 'wx2421b1c4370ec43b',
  mch_id: '10000100',
  key: WX_KEY,
  cert_pem: fixture('client-cert.pem'),
  key_pem: fixture('client-key.pem'),
};

function configError(input: unknown): ConfigError {
  try {
    parseWxpayConfig(input);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('wxpay config', () => {
  it('applies the documented defaults', () => {
    const config = parseWxpayConfig(base);
    expect(config.sign_type).toBe('HMAC-SHA256');
    expect(config.base_url).toBe('https://api.mch.weixin.qq.com');
    expect(config.secapi_base_url).toBe('https://api.mch.weixin.qq.com');
    expect(config.spbill_create_ip).toBe('127.0.0.1');
    expect(config.timeouts).toEqual({ micropay_ms: 10_000, other_ms: 6_000 });
  });

  it('keeps a separate secapi base URL and strips trailing slashes', () => {
    const config = parseWxpayConfig({
      ...base,
      base_url: 'http://127.0.0.1:9/wxpay/',
      secapi_base_url: 'https://127.0.0.1:10/wxpay',
    });
    expect(config.base_url).toBe('http://127.0.0.1:9/wxpay');
    expect(config.secapi_base_url).toBe('https://127.0.0.1:10/wxpay');
  });

  it('refuses service-provider mistakes at start: sub_appid alone, or the provider as its own sub-merchant', () => {
    expect(configError({ ...base, sub_appid: 'wx8888888888888888' }).message).toMatch(
      /sub_mch_id: .*sub_appid/,
    );
    expect(configError({ ...base, sub_mch_id: base.mch_id }).message).toMatch(/sub_mch_id: .*own mch_id/);
    expect(parseWxpayConfig({ ...base, sub_mch_id: '1900000109' }).sub_mch_id).toBe('1900000109');
  });

  it('says reverse/refund need the client certificate when it is missing', () => {
    const { cert_pem: _c, key_pem: _k, ...noCert } = base;
    const error = configError(noCert);
    expect(error.code).toBe('gateway_config_invalid');
    expect(error.message).toMatch(/client certificate is required.*reverse/);
  });

  it('refuses a malformed PEM at load, naming the key but not the value', () => {
    const broken = '-----BEGIN PRIVATE KEY-----\nAAAAsecretmaterial\n-----END PRIVATE KEY-----\n';
    const error = configError({ ...base, key_pem: broken });
    expect(error.message).toMatch(/cert_pem: .*do not load together/);
    expect(error.message).not.toContain('secretmaterial');
  });

  it('loads a PKCS#12 file with its passphrase and refuses a wrong one', () => {
    const { cert_pem: _c, key_pem: _k, ...noCert } = base;
    const config = parseWxpayConfig({
      ...noCert,
      pfx_path: fixturePath('client.p12'),
      pfx_passphrase: 'test-pass',
    });
    expect(config.client_tls.pfx?.length).toBeGreaterThan(0);
    const error = configError({
      ...noCert,
      pfx_path: fixturePath('client.p12'),
      pfx_passphrase: 'wrong-pass',
    });
    expect(error.message).toMatch(/pfx_path: .*passphrase/);
    expect(error.message).not.toContain('wrong-pass');
  });

  it('says a legacy RC2-40 apiclient_cert.p12 cannot be read and points to the PEM keys', () => {
    const { cert_pem: _c, key_pem: _k, ...noCert } = base;
    const legacy = new URL('../fixtures/providers/wxpay/legacy-rc2-40.p12', import.meta.url).pathname;
    const error = configError({ ...noCert, pfx_path: legacy, pfx_passphrase: '10000100' });
    expect(error.message).toMatch(/pfx_path: .*RC2-40.*OpenSSL 3/);
    expect(error.message).toMatch(/cert_path.*apiclient_cert\.pem.*key_path.*apiclient_key\.pem/);
    expect(error.message).not.toMatch(/check pfx_passphrase/);
    expect(error.message).not.toContain('10000100');
  });

  it('reads cert/key from paths', () => {
    const { cert_pem: _c, key_pem: _k, ...noCert } = base;
    const config = parseWxpayConfig({
      ...noCert,
      cert_path: fixturePath('client-cert.pem'),
      key_path: fixturePath('client-key.pem'),
    });
    expect(config.client_tls.cert).toContain('BEGIN CERTIFICATE');
  });

  it('names a short API key without echoing it, and unknown keys', () => {
    const error = configError({ ...base, key: 'short-secret-key', sign_typ: 'MD5' });
    expect(error.message).toContain('key: must be the 32-character API key');
    expect(error.message).toContain('sign_typ');
    expect(error.message).not.toContain('short-secret-key');
  });

  it('never shows the key or the client key in JSON or console output', () => {
    const config = parseWxpayConfig(base);
    const json = JSON.stringify(config);
    const shown = inspect(config);
    for (const text of [json, shown]) {
      expect(text).not.toContain(WX_KEY);
      expect(text).not.toContain('PRIVATE KEY');
      expect(text).toContain('10000100');
    }
    expect(config.key).toBe(WX_KEY);
  });
});
