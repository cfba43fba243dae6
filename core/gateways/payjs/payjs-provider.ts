/** PAYJS as the service sees it: one descriptor, listed in core/gateways/registry.ts. */
import { defineProvider } from '../provider-descriptor.ts';
import { parsePayjsConfig } from './payjs-config.ts';
import { createPayjsGateway } from './payjs-gateway.ts';
import { createPayjsNotifyVerifier } from './payjs-notify.ts';

export const PAYJS_PROVIDER = defineProvider({
  name: 'payjs',
  parseConfig: parsePayjsConfig,
  createGateway: createPayjsGateway,
  createNotifyVerifier: createPayjsNotifyVerifier,
  // No bill: reconciliation checks each order, no faster than the rate limit allows.
  checkMinIntervalMs: (config) => config.check_min_interval_ms,
});
