/**
 * WeChat's unifiedorder (Native QR) requires notify_url (docs/protocols.md §2, "notify_url"). A real
 * WeChat merchant on a terminal in QR mode with neither public_url nor its own notify_url could never
 * create a QR order: refuse that configuration at start, naming the key.
 */
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../core/common/errors.ts';
import { systemClock } from '../../core/ports/clock.ts';
import { ServiceConfigSchema } from '../../core/service/config/service-config.ts';
import { buildMerchants } from '../../core/service/merchants.ts';
import { fixture, WX_KEY } from './wxpay-fixtures.ts';

const wxpay = {
  provider: 'wxpay',
  appid: 'wx2421b1c4370ec43b',
  mch_id: '10000100',
  key: WX_KEY,
  cert_pem: fixture('client-cert.pem'),
  key_pem: fixture('client-key.pem'),
};

function build(config: Record<string, unknown>) {
  return () => buildMerchants(ServiceConfigSchema.parse(config), null, systemClock);
}

describe('WeChat notify_url in QR mode', () => {
  it.each([
    ['ui.mode qr', { ui: { mode: 'qr' } }],
    ['a qr_display section', { qr_display: { product: { name: 'Massage', total_fee: 1500 } } }],
  ])('%s without public_url or notify_url is a config error naming the key', (_name, qr) => {
    const start = build({ ...qr, merchants: [{ pid: 'shop', gateways: [wxpay] }] });
    expect(start).toThrow(ConfigError);
    expect(start).toThrow(/merchants\.0\.gateways\.0: notify_url: .*public_url/);
  });

  it.each([
    ['public_url', { public_url: 'https://pay.example.com' }, wxpay],
    ['its own notify_url', {}, { ...wxpay, notify_url: 'https://erp.example.com/wx' }],
  ])('QR mode with %s starts', (_name, extra, gateway) => {
    const merchants = build({
      ui: { mode: 'qr' },
      ...extra,
      merchants: [{ pid: 'shop', gateways: [gateway] }],
    })();
    expect(merchants.gatewayConfig('shop', 'wxpay')?.config).toMatchObject({
      notify_url: expect.stringMatching(/^https:/),
    });
  });

  it('a cashier terminal (micropay only) needs no notify_url', () => {
    expect(build({ merchants: [{ pid: 'shop', gateways: [wxpay] }] })().get('shop')).toBeDefined();
  });
});
