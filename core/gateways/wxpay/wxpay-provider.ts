/** WeChat Pay API v2 as the service sees it: one descriptor, listed in core/gateways/registry.ts. */
import { defineProvider } from '../provider-descriptor.ts';
import { createWxpayBillSource } from './wxpay-bill-source.ts';
import { parseWxpayConfig, WXPAY_QR_NEEDS_NOTIFY_URL } from './wxpay-config.ts';
import { createWxpayGateway } from './wxpay-gateway.ts';
import { createWxpayNotifyVerifier } from './wxpay-notify.ts';

export const WXPAY_PROVIDER = defineProvider({
  name: 'wxpay',
  subMerchantKeys: ['sub_mch_id', 'sub_appid'],
  parseConfig: parseWxpayConfig,
  createGateway: createWxpayGateway,
  createNotifyVerifier: createWxpayNotifyVerifier,
  createBillSource: createWxpayBillSource,
  qrProblem: (config) =>
    config.notify_url === undefined ? `notify_url: ${WXPAY_QR_NEEDS_NOTIFY_URL}` : undefined,
});
