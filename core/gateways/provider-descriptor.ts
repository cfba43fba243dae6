/**
 * What the service needs to know about one payment provider, in one place: how to read its
 * config.json entry, build its gateway and its notification verifier, point it at the built-in
 * sandbox, and poll it. Each provider folder (core/gateways/<provider>/) defines its descriptor
 * with `defineProvider`; core/gateways/registry.ts lists them.
 */
import type { ProviderName } from '../common/providers.ts';
import { DEFAULT_POLL_POLICIES, type PollPolicy } from '../domain/poll-policy.ts';
import type { BillSource } from '../ports/bill-source.ts';
import type { Clock } from '../ports/clock.ts';
import type { NotifyVerifier } from '../ports/notify-verifier.ts';
import type { PaymentGateway } from '../ports/payment-gateway.ts';
import { type SandboxEndpoints, sandboxProviderConfigs } from '../sandbox/sandbox-provider-configs.ts';

/** One gateway entry of config.json, validated: everything built from it uses the same config. */
export interface ConfiguredProvider {
  readonly provider: ProviderName;
  /** The validated config (secrets resolved): for checks and tests, never for logs. */
  readonly config: { readonly notify_url?: string | undefined };
  /** Why this config cannot serve QR orders (a WeChat Native order needs a notify_url), else undefined. */
  readonly qrProblem: string | undefined;
  createGateway(deps: { readonly clock: Clock }): PaymentGateway;
  createNotifyVerifier(): NotifyVerifier;
  /** The provider's daily bill (对账单); absent where none is published (PAYJS: orders are checked one by one). */
  readonly createBillSource: ((deps: { readonly clock: Clock }) => BillSource) | undefined;
  /** The least time between two order checks the provider tolerates, where checking is how it reconciles. */
  readonly checkMinIntervalMs: number | undefined;
}

export interface ProviderDescriptor<N extends ProviderName = ProviderName> {
  readonly name: N;
  /** Validates a config.json gateway entry; throws a typed error naming the key, never a secret. */
  configure(raw: Readonly<Record<string, unknown>>): ConfiguredProvider;
  /** The config entry that points this provider's adapter at a running sandbox. */
  sandboxConfig(sandbox: SandboxEndpoints): Readonly<Record<string, unknown>>;
  /** Default polling and reversal timing (config.json poll_schedules may override parts of it). */
  readonly pollPolicy: PollPolicy;
  /**
   * The config keys that name a service provider's sub-merchant (the first is required of a shop
   * served through `service_providers`); empty where the provider has no such mode.
   */
  readonly subMerchantKeys: readonly string[];
}

export interface ProviderParts<
  N extends ProviderName,
  C extends { readonly notify_url?: string | undefined },
> {
  readonly name: N;
  parseConfig(raw: Readonly<Record<string, unknown>>): C;
  createGateway(config: C, deps: { readonly clock: Clock }): PaymentGateway;
  createNotifyVerifier(config: C): NotifyVerifier;
  /** Why a validated config cannot serve QR orders, if it can fail to. */
  qrProblem?(config: C): string | undefined;
  createBillSource?(config: C, deps: { readonly clock: Clock }): BillSource;
  checkMinIntervalMs?(config: C): number;
  /** See ProviderDescriptor.subMerchantKeys. */
  readonly subMerchantKeys?: readonly string[];
}

/**
 * Binds a provider's parts to one validated config, so gateway and verifier share it. The sandbox
 * config and the poll policy are keyed by the provider's name where they live (the sandbox speaks
 * every protocol; poll policies are domain data), so the descriptor takes them from there.
 */
export function defineProvider<
  N extends ProviderName,
  C extends { readonly notify_url?: string | undefined },
>(parts: ProviderParts<N, C>): ProviderDescriptor<N> {
  return {
    name: parts.name,
    sandboxConfig: (sandbox) => sandboxProviderConfigs(sandbox)[parts.name],
    pollPolicy: DEFAULT_POLL_POLICIES[parts.name],
    subMerchantKeys: parts.subMerchantKeys ?? [],
    configure(raw) {
      const config = parts.parseConfig(raw);
      return {
        provider: parts.name,
        config,
        qrProblem: parts.qrProblem?.(config),
        createGateway: (deps) => parts.createGateway(config, deps),
        createNotifyVerifier: () => parts.createNotifyVerifier(config),
        createBillSource: parts.createBillSource
          ? (deps) => parts.createBillSource!(config, deps)
          : undefined,
        checkMinIntervalMs: parts.checkMinIntervalMs?.(config),
      };
    },
  };
}
