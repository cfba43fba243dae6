/**
 * One service-provider account (服务商 / ISV) serving several shops: config.json names the account
 * once under `service_providers`, and each shop's gateway entry points at it with only its own
 * sub-merchant ids. The terminal charges for one shop (default_pid). Every mistake is refused at
 * start with the key named: an unknown account, an account of another provider, a shop without its
 * sub-merchant id, sub-merchant ids inside the shared account, or a shop overriding its keys.
 */
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../core/common/errors.ts';
import { systemClock } from '../../core/ports/clock.ts';
import { ServiceConfigSchema } from '../../core/service/config/service-config.ts';
import { buildMerchants } from '../../core/service/merchants.ts';
import { fixture } from '../gateways/wxpay-fixtures.ts';

const spV3 = {
  provider: 'wxpay_v3',
  sp_appid: 'wx8a7b6c5d4e3f2a1b',
  sp_mchid: '1900000100',
  serial_no: '5157F09EFDC096DE15EBE81A47057A7232F1B8E1',
  private_key: fixture('client-key.pem'),
  apiv3_key: 'scanpaysandboxwxpayapiv3key00000',
  platform_certificates: [fixture('client-cert.pem')],
};
const spV2 = {
  provider: 'wxpay',
  appid: 'wxd930ea5d5a258f4f',
  mch_id: '1900000100',
  key: '192006250b4c09247ec02edce69f6a2d',
  base_url: 'https://api.mch.weixin.qq.com',
  cert_pem: fixture('client-cert.pem'),
  key_pem: fixture('client-key.pem'),
};

function build(raw: Record<string, unknown>) {
  return buildMerchants(ServiceConfigSchema.parse(raw), null, systemClock);
}

function refusal(raw: Record<string, unknown>): string {
  try {
    build(raw);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('config was accepted');
}

describe('service_providers: one account, several shops', () => {
  it('each shop gets the shared account with its own sub-merchant ids; the terminal is one shop', () => {
    const built = build({
      service_providers: { acme: spV3, acme_v2: spV2 },
      merchants: [
        {
          pid: 'tea-shop',
          gateways: [
            { provider: 'wxpay_v3', service_provider: 'acme', sub_mchid: '1900000109' },
            { provider: 'wxpay', service_provider: 'acme_v2', sub_mch_id: '1900000109' },
          ],
        },
        {
          pid: 'noodle-bar',
          gateways: [{ provider: 'wxpay_v3', service_provider: 'acme', sub_mchid: '1900000110' }],
        },
      ],
      default_pid: 'noodle-bar',
    });
    expect(built.defaultPid).toBe('noodle-bar');
    expect(built.gatewayConfig('tea-shop', 'wxpay_v3')?.config).toMatchObject({
      mchid: '1900000100',
      partner: { sub_mchid: '1900000109' },
    });
    expect(built.gatewayConfig('noodle-bar', 'wxpay_v3')?.config).toMatchObject({
      mchid: '1900000100',
      partner: { sub_mchid: '1900000110' },
    });
    expect(built.gatewayConfig('tea-shop', 'wxpay')?.config).toMatchObject({
      mch_id: '1900000100',
      sub_mch_id: '1900000109',
    });
  });

  it('refuses an account name that is not in service_providers', () => {
    expect(
      refusal({
        service_providers: { acme: spV3 },
        merchants: [
          { pid: 's', gateways: [{ provider: 'wxpay_v3', service_provider: 'acne', sub_mchid: '1' }] },
        ],
      }),
    ).toMatch(/merchants\.0\.gateways\.0\.service_provider: no "acne" in service_providers/);
  });

  it('refuses an account of another provider', () => {
    expect(
      refusal({
        service_providers: { acme: spV2 },
        merchants: [
          { pid: 's', gateways: [{ provider: 'wxpay_v3', service_provider: 'acme', sub_mchid: '1' }] },
        ],
      }),
    ).toMatch(/merchants\.0\.gateways\.0\.service_provider: "acme" is a wxpay account, not wxpay_v3/);
  });

  it('refuses a shop that names no sub-merchant of its service provider', () => {
    expect(
      refusal({
        service_providers: { acme: spV3 },
        merchants: [{ pid: 's', gateways: [{ provider: 'wxpay_v3', service_provider: 'acme' }] }],
      }),
    ).toMatch(/merchants\.0\.gateways\.0\.sub_mchid: a shop of service provider "acme" needs its own/);
  });

  it('refuses sub-merchant ids inside the shared account, and a shop overriding the account', () => {
    expect(
      refusal({
        service_providers: { acme: { ...spV3, sub_mchid: '1900000109' } },
        merchants: [
          { pid: 's', gateways: [{ provider: 'wxpay_v3', service_provider: 'acme', sub_mchid: '2' }] },
        ],
      }),
    ).toMatch(/service_providers\.acme\.sub_mchid: belongs in each shop's gateway entry/);
    expect(
      refusal({
        service_providers: { acme: spV3 },
        merchants: [
          {
            pid: 's',
            gateways: [{ provider: 'wxpay_v3', service_provider: 'acme', sub_mchid: '2', sp_mchid: '1' }],
          },
        ],
      }),
    ).toMatch(/merchants\.0\.gateways\.0\.sp_mchid: is set by service provider "acme"/);
  });

  it('a sub-merchant id without any service-provider account is refused by the adapter, named', () => {
    const { sp_appid: _a, sp_mchid: _m, ...keysOnly } = spV3;
    expect(
      refusal({ merchants: [{ pid: 's', gateways: [{ ...keysOnly, sub_mchid: '1900000109' }] }] }),
    ).toMatch(/merchants\.0\.gateways\.0: .*sp_appid: is required in service-provider mode/);
  });
});
