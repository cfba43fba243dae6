/**
 * Builds the merchant directory (pid → gateways + poll policies) from the configuration. Each
 * gateway entry is validated by its adapter's own schema; `"sandbox": true` entries, and the
 * newcomer default, take the built-in sandbox's published credentials.
 */

import type { ProviderName } from '../common/contract/views.ts';
import { ConfigError, ScanPayError } from '../common/errors.ts';
import { DEFAULT_POLL_POLICIES, type PollPolicy, reverseFloorMs } from '../domain/poll-policy.ts';
import type { MerchantDirectory, MerchantGateways } from '../engine/engine-deps.ts';
import { type AlipayConfig, createAlipayGateway, parseAlipayConfig } from '../gateways/alipay/index.ts';
import { createPayjsGateway, type PayjsConfig, parsePayjsConfig } from '../gateways/payjs/index.ts';
import {
  createWxpayGateway,
  parseWxpayConfig,
  WXPAY_QR_NEEDS_NOTIFY_URL,
  type WxpayConfig,
} from '../gateways/wxpay/index.ts';
import type { Clock } from '../ports/clock.ts';
import type { PaymentGateway } from '../ports/payment-gateway.ts';
import type { SandboxCredentials } from '../sandbox/start-sandbox.ts';
import type { MerchantConfig, ServiceConfig } from './config/service-config.ts';

export interface SandboxEndpoint {
  readonly url: string;
  readonly secapiUrl: string;
  readonly credentials: SandboxCredentials;
}

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

function sandboxGatewayConfig(provider: ProviderName, sandbox: SandboxEndpoint): Record<string, unknown> {
  const c = sandbox.credentials;
  switch (provider) {
    case 'wxpay':
      return {
        provider,
        appid: c.wxpay.appid,
        mch_id: c.wxpay.mch_id,
        key: c.wxpay.key,
        base_url: `${sandbox.url}/wxpay`,
        secapi_base_url: `${sandbox.secapiUrl}/wxpay`,
        cert_pem: c.wxpay.client_cert_pem,
        key_pem: c.wxpay.client_key_pem,
        ca_pem: c.wxpay.ca_pem,
      };
    case 'alipay':
      return {
        provider,
        app_id: c.alipay.app_id,
        app_private_key: c.alipay.app_private_key,
        alipay_public_key: c.alipay.alipay_public_key,
        base_url: `${sandbox.url}/alipay/gateway.do`,
      };
    case 'payjs':
      return { provider, mchid: c.payjs.mchid, key: c.payjs.key, base_url: `${sandbox.url}/payjs/api` };
  }
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

/** A gateway's validated config, kept so provider notifications can be verified with its keys. */
export type ParsedGatewayConfig =
  | { readonly provider: 'wxpay'; readonly config: WxpayConfig }
  | { readonly provider: 'alipay'; readonly config: AlipayConfig }
  | { readonly provider: 'payjs'; readonly config: PayjsConfig };

export interface ServiceMerchants extends MerchantDirectory {
  gatewayConfig(pid: string, provider: string): ParsedGatewayConfig | undefined;
}

function parseGatewayConfig(raw: Record<string, unknown>): ParsedGatewayConfig {
  switch (raw.provider) {
    case 'wxpay':
      return { provider: 'wxpay', config: parseWxpayConfig(raw) };
    case 'alipay':
      return { provider: 'alipay', config: parseAlipayConfig(raw) };
    case 'payjs':
      return { provider: 'payjs', config: parsePayjsConfig(raw) };
    default:
      throw new ConfigError('gateway_provider_unknown', `unknown provider ${String(raw.provider)}`);
  }
}

function createGateway(parsed: ParsedGatewayConfig, clock: Clock): PaymentGateway {
  switch (parsed.provider) {
    case 'wxpay':
      return createWxpayGateway(parsed.config, { clock });
    case 'alipay':
      return createAlipayGateway(parsed.config, { clock });
    case 'payjs':
      return createPayjsGateway(parsed.config, { clock });
  }
}

function policyFor(provider: ProviderName, config: ServiceConfig): PollPolicy {
  const base = DEFAULT_POLL_POLICIES[provider];
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
  const policies = {
    wxpay: policyFor('wxpay', config),
    alipay: policyFor('alipay', config),
    payjs: policyFor('payjs', config),
  };
  const showsQr = config.ui.mode === 'qr' || config.qr_display !== undefined;
  const merchants = new Map<string, MerchantGateways>();
  const parsedConfigs = new Map<string, ParsedGatewayConfig>();
  merchantConfigs.forEach((merchant, index) => {
    if (merchants.has(merchant.pid)) {
      throw new ConfigError('config_invalid', `merchants.${index}.pid: "${merchant.pid}" is used twice`);
    }
    const gateways = merchant.gateways.map((entry, g) => {
      const { sandbox: useSandbox, ...raw } = entry as Record<string, unknown> & { sandbox?: boolean };
      if (useSandbox && !sandbox) {
        throw new ConfigError(
          'sandbox_unavailable',
          `merchants.${index}.gateways.${g}: uses the sandbox but none is running`,
        );
      }
      const gatewayConfig = withNotifyUrl(
        useSandbox && sandbox ? sandboxGatewayConfig(entry.provider, sandbox) : raw,
        merchant.pid,
        config.public_url,
      );
      try {
        const parsed = parseGatewayConfig(gatewayConfig);
        if (showsQr && !useSandbox && parsed.provider === 'wxpay' && parsed.config.notify_url === undefined) {
          throw new ConfigError('config_invalid', `notify_url: ${WXPAY_QR_NEEDS_NOTIFY_URL}`);
        }
        parsedConfigs.set(`${merchant.pid}\u0000${parsed.provider}`, parsed);
        return wrap(merchant.pid, createGateway(parsed, clock));
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
