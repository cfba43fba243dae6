export {
  parseWxpayV3Config,
  WXPAY_V3_QR_NEEDS_NOTIFY_URL,
  type WxpayV3Config,
  type WxpayV3ConfigInput,
  wxpayV3ConfigSchema,
} from './wxpay-v3-config.ts';
export { createWxpayV3Gateway, type WxpayV3GatewayDeps } from './wxpay-v3-gateway.ts';
export { createWxpayV3NotifyVerifier, readWxpayV3Notification } from './wxpay-v3-notify.ts';
