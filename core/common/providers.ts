/**
 * The payment providers this terminal speaks, by name: the contract, the configuration schema, the
 * journal and the renderer name providers from this list. Each name has a descriptor (config parse,
 * gateway, notification verifier, sandbox config, poll policy) in core/gateways/registry.ts, whose
 * type makes a name without a descriptor a compile error. Environment-neutral: the renderer imports it.
 */
export const PROVIDER_NAMES = ['wxpay', 'alipay', 'payjs', 'wxpay_v3'] as const;

export type ProviderName = (typeof PROVIDER_NAMES)[number];

export function isProviderName(value: unknown): value is ProviderName {
  return typeof value === 'string' && (PROVIDER_NAMES as readonly string[]).includes(value);
}
