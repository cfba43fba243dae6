/**
 * One gateway per provider per merchant. The engine charges through the first entry of a provider
 * (gateways.find), while notifications and the daily bill use the validated config kept per
 * (pid, provider): with two entries of one provider those would be different accounts, so sales
 * charged to the first would be reconciled against the second's bill and its notifications
 * verified with the wrong key. Such a config is refused at start, naming the entry.
 */
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../core/common/errors.ts';
import { systemClock } from '../../core/ports/clock.ts';
import { ServiceConfigSchema } from '../../core/service/config/service-config.ts';
import { buildMerchants } from '../../core/service/merchants.ts';
import { fixture } from '../gateways/wxpay-fixtures.ts';

const wxpay = (mchId: string) => ({
  provider: 'wxpay',
  appid: 'wxd930ea5d5a258f4f',
  mch_id: mchId,
  key: '192006250b4c09247ec02edce69f6a2d',
  base_url: 'https://api.mch.weixin.qq.com',
  cert_pem: fixture('client-cert.pem'),
  key_pem: fixture('client-key.pem'),
});

describe('merchant gateways', () => {
  it('refuses a merchant with two gateways of one provider, naming the second', () => {
    const config = ServiceConfigSchema.parse({
      merchants: [{ pid: 'shop', gateways: [wxpay('10000100'), wxpay('10000200')] }],
    });
    let caught: unknown;
    try {
      buildMerchants(config, null, systemClock);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    expect((caught as ConfigError).code).toBe('config_invalid');
    expect((caught as Error).message).toMatch(/merchants\.0\.gateways\.1/);
    expect((caught as Error).message).toMatch(/wxpay/);
  });

  it('keeps the one config per provider that the engine charges with', () => {
    const config = ServiceConfigSchema.parse({
      merchants: [{ pid: 'shop', gateways: [wxpay('10000100')] }],
    });
    const built = buildMerchants(config, null, systemClock);
    expect(built.gatewayConfig('shop', 'wxpay')?.config).toMatchObject({ mch_id: '10000100' });
  });
});
