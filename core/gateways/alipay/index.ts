export { type AlipayBillDeps, createAlipayBillSource } from './alipay-bill-source.ts';
export {
  type AlipayConfig,
  type AlipayConfigInput,
  alipayConfigSchema,
  parseAlipayConfig,
} from './alipay-config.ts';
export { type AlipayGatewayDeps, createAlipayGateway } from './alipay-gateway.ts';
