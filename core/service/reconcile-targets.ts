/**
 * Wires reconciliation to the configured merchants: each WeChat Pay and Alipay gateway gets its
 * provider's bill adapter, each PAYJS gateway the per-order check source (no bill exists), with the
 * merchant's own validated config. Composition only, like ./merchants.ts: the matching itself
 * (core/reconcile) never sees an adapter.
 */
import { ConflictError, ValidationError } from '../common/errors.ts';
import { createAlipayBillSource } from '../gateways/alipay/index.ts';
import { createWxpayBillSource } from '../gateways/wxpay/index.ts';
import type { Clock } from '../ports/clock.ts';
import { createOrderCheckSource } from '../reconcile/order-check-source.ts';
import type { ReconcileTarget } from '../reconcile/reconcile-day.ts';
import type { ReconcileStore } from '../reconcile/reconcile-store.ts';
import type { SandboxEndpoint, ServiceMerchants } from './merchants.ts';

export function reconcileTargets(
  merchants: ServiceMerchants,
  store: ReconcileStore,
  clock: Clock,
  pid?: string,
): ReconcileTarget[] {
  const chosen = merchants.all().filter((m) => pid === undefined || m.pid === pid);
  if (pid !== undefined && chosen.length === 0)
    throw new ValidationError('reconcile_pid_unknown', `no merchant "${pid}" in the configuration`);
  const targets: ReconcileTarget[] = [];
  for (const merchant of chosen) {
    for (const gateway of merchant.gateways) {
      const parsed = merchants.gatewayConfig(merchant.pid, gateway.provider);
      if (!parsed) continue;
      switch (parsed.provider) {
        case 'wxpay':
          targets.push({
            pid: merchant.pid,
            provider: 'wxpay',
            source: createWxpayBillSource(parsed.config),
            comparesRefunds: true,
          });
          break;
        case 'alipay':
          targets.push({
            pid: merchant.pid,
            provider: 'alipay',
            source: createAlipayBillSource(parsed.config, { clock }),
            comparesRefunds: true,
          });
          break;
        case 'payjs':
          targets.push({
            pid: merchant.pid,
            provider: 'payjs',
            source: createOrderCheckSource(gateway, {
              clock,
              minIntervalMs: parsed.config.check_min_interval_ms,
              attemptsOfDay: (date) => store.attemptsOfDay(merchant.pid, 'payjs', date),
            }),
            comparesRefunds: false,
          });
          break;
      }
    }
  }
  return targets;
}

/** The running sandbox's endpoint, as `scanpay serve` reaches it (GET /_sandbox/credentials). */
export async function sandboxEndpointAt(url: string): Promise<SandboxEndpoint> {
  let response: Response;
  try {
    response = await fetch(`${url.replace(/\/+$/, '')}/_sandbox/credentials`);
  } catch (error) {
    throw new ConflictError(
      'sandbox_unreachable',
      `the sandbox at ${url} cannot be reached: ${(error as Error).message}`,
    );
  }
  if (!response.ok)
    throw new ConflictError('sandbox_unreachable', `the sandbox at ${url} answered HTTP ${response.status}`);
  const body = (await response.json()) as {
    url: string;
    secapi_url: string;
    credentials: SandboxEndpoint['credentials'];
  };
  return { url: body.url, secapiUrl: body.secapi_url, credentials: body.credentials };
}
