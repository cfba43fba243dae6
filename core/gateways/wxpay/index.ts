export {
  parseWxpayConfig,
  type WxpayConfig,
  type WxpayConfigInput,
  wxpayConfigSchema,
} from './wxpay-config.ts';
export { createWxpayGateway, type WxpayGatewayDeps } from './wxpay-gateway.ts';
