/**
 * Builds the merchant directory (pid → gateways + poll policies) from the configuration. Each
 * gateway entry is validated by its adapter's own schema; `"sandbox": true` entries, and the
 * newcomer default, take the built-in sandbox's published credentials; entries naming a
 * `service_provider` take that shared account plus their own sub-merchant ids.
 */

import type { ProviderName } from '../common/contract/views.ts';
import { ConfigError, ScanPayError } from '../common/errors.ts';
import { PROVIDER_NAMES } from '../common/providers.ts';
import { type PollPolicy, reverseFloorMs } from '../domain/poll-policy.ts';
import type { MerchantDirectory, MerchantGateways } from '../engine/engine-deps.ts';
import { type ConfiguredProvider, PROVIDER_REGISTRY, providerDescriptor } from '../gateways/registry.ts';
import type { Clock } from '../ports/clock.ts';
import type { PaymentGateway } from '../ports/payment-gateway.ts';
import type { SandboxEndpoints } from '../sandbox/sandbox-provider-configs.ts';
import type { MerchantConfig, ServiceConfig } from './config/service-config.ts';

export type SandboxEndpoint = SandboxEndpoints;

export const SANDBOX_MERCHANTS: readonly MerchantConfig[] = [
  {
    pid: 'sandbox',
    name: 'Sandbox store',
    gateways: [
      { provider: 'wxpay', sandbox: true },
      { provider: 'alipay', sandbox: true },
    ],
  },
  { pid: 'sandbox-payjs', name: 'Sandbox PAYJS', gateways: [{ provider: 'payjs', sandbox: true }] },
];

/** True when any merchant needs the built-in sandbox (so the service must start or reach one). */
export function needsSandbox(config: ServiceConfig): boolean {
  return (config.merchants ?? SANDBOX_MERCHANTS).some((m) => m.gateways.some((g) => g.sandbox === true));
}

/** The merchant's own notify_url wins; otherwise this service's /notify route at its public address. */
function withNotifyUrl(
  raw: Record<string, unknown>,
  pid: string,
  publicUrl: string | undefined,
): Record<string, unknown> {
  if (!publicUrl || raw.notify_url !== undefined) return raw;
  const base = publicUrl.replace(/\/+$/, '');
  return { ...raw, notify_url: `${base}/notify/${encodeURIComponent(pid)}/${String(raw.provider)}` };
}

/**
 * A shop's gateway entry naming `service_provider`: the shared account from config.service_providers
 * plus the shop's own sub-merchant ids. Each mismatch is refused here, naming the key.
 */
function withServiceProvider(
  entry: Record<string, unknown>,
  config: ServiceConfig,
  where: string,
): Record<string, unknown> {
  const { service_provider: name, ...own } = entry;
  if (name === undefined) return entry;
  const fail = (key: string, problem: string) => {
    throw new ConfigError('config_invalid', `${where}.${key}: ${problem}`);
  };
  const account = typeof name === 'string' ? config.service_providers?.[name] : undefined;
  if (!account) return fail('service_provider', `no "${String(name)}" in service_providers`);
  if (account.provider !== own.provider)
    return fail(
      'service_provider',
      `"${String(name)}" is a ${account.provider} account, not ${String(own.provider)}`,
    );
  const subKeys = PROVIDER_REGISTRY[account.provider].subMerchantKeys;
  for (const key of subKeys) {
    if (account[key] !== undefined)
      throw new ConfigError(
        'config_invalid',
        `service_providers.${String(name)}.${key}: belongs in each shop's gateway entry, not the shared account`,
      );
  }
  if (subKeys[0] === undefined || own[subKeys[0]] === undefined)
    return fail(
      subKeys[0] ?? 'service_provider',
      `a shop of service provider "${String(name)}" needs its own`,
    );
  for (const key of Object.keys(own)) {
    if (key !== 'provider' && account[key] !== undefined)
      fail(key, `is set by service provider "${String(name)}"; a shop gives only ${subKeys.join(', ')}`);
  }
  return { ...account, ...own };
}

export interface ServiceMerchants extends MerchantDirectory {
  /** A gateway's validated config, kept so provider notifications are verified with its keys. */
  gatewayConfig(pid: string, provider: string): ConfiguredProvider | undefined;
}

function policyFor(provider: ProviderName, config: ServiceConfig): PollPolicy {
  const base = PROVIDER_REGISTRY[provider].pollPolicy;
  const override = config.poll_schedules?.[provider];
  if (!override) return base;
  return {
    ...base,
    ...(override.query_delays_ms ? { queryDelaysMs: override.query_delays_ms } : {}),
    ...(override.reverse_after_ms !== undefined
      ? { reverseNotBeforeMs: Math.max(override.reverse_after_ms, reverseFloorMs(provider)) }
      : {}),
    ...(override.reverse_max_attempts ? { reverseMaxAttempts: override.reverse_max_attempts } : {}),
    ...(override.qr_ttl_ms ? { qrTtlMs: override.qr_ttl_ms } : {}),
  };
}

export function buildMerchants(
  config: ServiceConfig,
  sandbox: SandboxEndpoint | null,
  clock: Clock,
  wrap: (pid: string, gateway: PaymentGateway) => PaymentGateway = (_pid, g) => g,
): ServiceMerchants {
  const merchantConfigs = config.merchants ?? SANDBOX_MERCHANTS;
  const policies = Object.fromEntries(
    PROVIDER_NAMES.map((provider) => [provider, policyFor(provider, config)]),
  ) as Record<ProviderName, PollPolicy>;
  const showsQr = config.ui.mode === 'qr' || config.qr_display !== undefined;
  const merchants = new Map<string, MerchantGateways>();
  const parsedConfigs = new Map<string, ConfiguredProvider>();
  merchantConfigs.forEach((merchant, index) => {
    if (merchants.has(merchant.pid)) {
      throw new ConfigError('config_invalid', `merchants.${index}.pid: "${merchant.pid}" is used twice`);
    }
    const gateways = merchant.gateways.map((entry, g) => {
      const { sandbox: useSandbox, ...raw } = withServiceProvider(
        entry as Record<string, unknown>,
        config,
        `merchants.${index}.gateways.${g}`,
      ) as Record<string, unknown> & { sandbox?: boolean };
      if (useSandbox && !sandbox) {
        throw new ConfigError(
          'sandbox_unavailable',
          `merchants.${index}.gateways.${g}: uses the sandbox but none is running`,
        );
      }
      const gatewayConfig = withNotifyUrl(
        useSandbox && sandbox ? PROVIDER_REGISTRY[entry.provider].sandboxConfig(sandbox) : raw,
        merchant.pid,
        config.public_url,
      );
      try {
        const parsed = providerDescriptor(gatewayConfig.provider).configure(gatewayConfig);
        // The engine charges through the first entry of a provider, notifications and bills use the
        // config kept per (pid, provider): two entries would mix two accounts.
        if (parsedConfigs.has(`${merchant.pid}\u0000${parsed.provider}`)) {
          throw new ConfigError('config_invalid', `provider ${parsed.provider} is configured twice`);
        }
        if (showsQr && !useSandbox && parsed.qrProblem !== undefined) {
          throw new ConfigError('config_invalid', parsed.qrProblem);
        }
        parsedConfigs.set(`${merchant.pid}\u0000${parsed.provider}`, parsed);
        return wrap(merchant.pid, parsed.createGateway({ clock }));
      } catch (error) {
        if (error instanceof ScanPayError) {
          throw new ConfigError(
            error.code,
            `merchants.${index}.gateways.${g}: ${error.message}`,
            error.details as Record<string, unknown>,
          );
        }
        throw error;
      }
    });
    merchants.set(merchant.pid, {
      pid: merchant.pid,
      gateways,
      policies,
      ...((merchant.store_id ?? config.store_id) ? { storeId: merchant.store_id ?? config.store_id } : {}),
      terminalId: config.terminal_id,
    });
  });
  const defaultPid = config.default_pid ?? merchantConfigs[0]!.pid;
  if (!merchants.has(defaultPid))
    throw new ConfigError('config_invalid', `default_pid: no merchant "${defaultPid}"`);
  return {
    defaultPid,
    get: (pid) => merchants.get(pid),
    all: () => [...merchants.values()],
    gatewayConfig: (pid, provider) => parsedConfigs.get(`${pid}\u0000${provider}`),
  };
}
