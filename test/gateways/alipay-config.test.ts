import { generateKeyPairSync } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../core/common/errors.ts';
import { parseAlipayConfig } from '../../core/gateways/alipay/alipay-config.ts';
import { appKeys, platformKeys } from './alipay-fixtures.ts';

const base = {
  provider: 'alipay',
  app_id: '2021000000000001',
  app_private_key: appKeys.privateKey,
  alipay_public_key: platformKeys.publicKey,
};

function configError(input: unknown): ConfigError {
  try {
    parseAlipayConfig(input);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

const bareBase64 = (pem: string) =>
  pem
    .split('\n')
    .filter((line) => line && !line.startsWith('-----'))
    .join('');

describe('alipay config', () => {
  it('defaults to the production gateway and the documented timeouts', () => {
    const config = parseAlipayConfig(base);
    expect(config.base_url).toBe('https://openapi.alipay.com/gateway.do');
    expect(config.timeouts).toEqual({ micropay_ms: 10_000, other_ms: 6_000 });
  });

  it('accepts keys as bare base64 (Alipay key tool), PKCS#1 PEM and file paths', () => {
    const pkcs1 = generateKeyPairSync('rsa', {
      modulusLength: 2048,
      privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
      publicKeyEncoding: { type: 'spki', format: 'pem' },
    });
    const path = join(tmpdir(), `scanpay-alipay-test-${process.pid}.pem`);
    writeFileSync(path, platformKeys.publicKey);
    for (const privateKey of [bareBase64(appKeys.privateKey), pkcs1.privateKey]) {
      const config = parseAlipayConfig({ ...base, app_private_key: privateKey, alipay_public_key: path });
      expect(config.app_private_key).toContain('-----BEGIN PRIVATE KEY-----');
      expect(config.alipay_public_key).toContain('-----BEGIN PUBLIC KEY-----');
    }
  });

  it('refuses a malformed private key at load without echoing it', () => {
    const broken = '-----BEGIN PRIVATE KEY-----\nMIIsecretbits\n-----END PRIVATE KEY-----';
    const error = configError({ ...base, app_private_key: broken });
    expect(error.message).toMatch(/app_private_key: is not an RSA private key/);
    expect(error.message).not.toContain('secretbits');
  });

  it("refuses the app's own public key or a private key as Alipay's public key", () => {
    expect(configError({ ...base, alipay_public_key: appKeys.publicKey }).message).toMatch(
      /app's own public key/,
    );
    expect(configError({ ...base, alipay_public_key: platformKeys.privateKey }).message).toMatch(
      /is a private key/,
    );
  });

  it('reports an unreadable key path by key name', () => {
    expect(configError({ ...base, app_private_key: '/nonexistent/key.pem' }).message).toMatch(
      /app_private_key: is neither a PEM nor a readable file \(ENOENT\)/,
    );
  });

  it('hides the private key and app_auth_token from JSON and inspect', () => {
    const config = parseAlipayConfig({
      ...base,
      app_auth_token: 'tok-secret-123',
      auth_app_id: '2021000000000777',
    });
    for (const text of [JSON.stringify(config), inspect(config)]) {
      expect(text).not.toContain('PRIVATE KEY');
      expect(text).not.toContain('tok-secret-123');
      expect(text).toContain('2021000000000001');
    }
  });

  it('service-provider mode needs app_auth_token and auth_app_id together, and says which is missing', () => {
    expect(() => parseAlipayConfig({ ...base, app_auth_token: 'tok-secret-123' })).toThrow(/auth_app_id: /);
    expect(() => parseAlipayConfig({ ...base, app_auth_token: 'tok-secret-123' })).not.toThrow(
      /tok-secret-123/,
    );
    expect(() => parseAlipayConfig({ ...base, auth_app_id: '2021000000000777' })).toThrow(/app_auth_token: /);
  });
});
