/** WeChat Pay APIv3 (direct merchant or sub-merchant) as the service sees it: one descriptor, listed in core/gateways/registry.ts. */
import { defineProvider } from '../provider-descriptor.ts';
import { createWxpayV3BillSource } from './wxpay-v3-bill-source.ts';
import { parseWxpayV3Config, WXPAY_V3_QR_NEEDS_NOTIFY_URL } from './wxpay-v3-config.ts';
import { createWxpayV3Gateway } from './wxpay-v3-gateway.ts';
import { createWxpayV3NotifyVerifier } from './wxpay-v3-notify.ts';

export const WXPAY_V3_PROVIDER = defineProvider({
  name: 'wxpay_v3',
  subMerchantKeys: ['sub_mchid', 'sub_appid'],
  parseConfig: parseWxpayV3Config,
  createGateway: createWxpayV3Gateway,
  createNotifyVerifier: createWxpayV3NotifyVerifier,
  createBillSource: (config, deps) => createWxpayV3BillSource(config, deps),
  qrProblem: (config) =>
    config.notify_url === undefined ? `notify_url: ${WXPAY_V3_QR_NEEDS_NOTIFY_URL}` : undefined,
});
