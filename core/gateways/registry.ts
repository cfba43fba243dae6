/**
 * Every payment provider's descriptor, keyed by its name in core/common/providers.ts: the service
 * reads configuration, builds gateways and notification verifiers, and points providers at the
 * sandbox through this table only. Adding a provider is its folder (adapter, config, notify
 * verifier, descriptor), its name in PROVIDER_NAMES and its line here; the type below makes a name
 * without a line (or a line without a name) a compile error.
 */
import { ConfigError } from '../common/errors.ts';
import { isProviderName, type ProviderName } from '../common/providers.ts';
import { ALIPAY_PROVIDER } from './alipay/alipay-provider.ts';
import { PAYJS_PROVIDER } from './payjs/payjs-provider.ts';
import type { ConfiguredProvider, ProviderDescriptor } from './provider-descriptor.ts';
import { WXPAY_PROVIDER } from './wxpay/wxpay-provider.ts';
import { WXPAY_V3_PROVIDER } from './wxpay-v3/wxpay-v3-provider.ts';

export type { ConfiguredProvider, ProviderDescriptor };

export const PROVIDER_REGISTRY: { readonly [N in ProviderName]: ProviderDescriptor<N> } = {
  wxpay: WXPAY_PROVIDER,
  alipay: ALIPAY_PROVIDER,
  payjs: PAYJS_PROVIDER,
  wxpay_v3: WXPAY_V3_PROVIDER,
};

/** The descriptor for a config entry's `provider`, or a config error naming the unknown value. */
export function providerDescriptor(provider: unknown): ProviderDescriptor {
  if (!isProviderName(provider))
    throw new ConfigError('gateway_provider_unknown', `unknown provider ${String(provider)}`);
  return PROVIDER_REGISTRY[provider];
}
