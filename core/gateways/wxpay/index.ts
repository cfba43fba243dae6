export { createWxpayBillSource, type WxpayBillDeps } from './wxpay-bill-source.ts';
export {
  parseWxpayConfig,
  WXPAY_QR_NEEDS_NOTIFY_URL,
  type WxpayConfig,
  type WxpayConfigInput,
  wxpayConfigSchema,
} from './wxpay-config.ts';
export { createWxpayGateway, type WxpayGatewayDeps } from './wxpay-gateway.ts';
