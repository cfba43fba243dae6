/** Alipay face-to-face as the service sees it: one descriptor, listed in core/gateways/registry.ts. */
import { defineProvider } from '../provider-descriptor.ts';
import { createAlipayBillSource } from './alipay-bill-source.ts';
import { parseAlipayConfig } from './alipay-config.ts';
import { createAlipayGateway } from './alipay-gateway.ts';
import { createAlipayNotifyVerifier } from './alipay-notify.ts';

export const ALIPAY_PROVIDER = defineProvider({
  name: 'alipay',
  subMerchantKeys: ['app_auth_token', 'auth_app_id'],
  parseConfig: parseAlipayConfig,
  createGateway: createAlipayGateway,
  createNotifyVerifier: createAlipayNotifyVerifier,
  createBillSource: createAlipayBillSource,
});
