export {
  type PayjsConfig,
  type PayjsConfigInput,
  parsePayjsConfig,
  payjsConfigSchema,
} from './payjs-config.ts';
export { createPayjsGateway, type PayjsGatewayDeps } from './payjs-gateway.ts';
