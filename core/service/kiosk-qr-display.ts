/**
 * The QR display a kiosk service shows (./qr-display.ts), set up from the config: the merchant and
 * providers it offers, the codes' shared expiry, the order prefix and the subject the customer sees.
 * Composed by ./kiosk-service.ts.
 */
import { saleSubject } from '../common/contract/provider-text.ts';
import type { QrDisplayView } from '../common/contract/views.ts';
import type { ProviderName } from '../common/providers.ts';
import { DEFAULT_POLL_POLICIES } from '../domain/poll-policy.ts';
import type { CheckoutEngine } from '../engine/checkout-engine.ts';
import type { Clock } from '../ports/clock.ts';
import type { ServiceConfig } from './config/service-config.ts';
import type { ServiceMerchants } from './merchants.ts';
import { pickQrProviders, QrDisplay } from './qr-display.ts';
import type { QrPairs } from './qr-pairs.ts';

export function createKioskQrDisplay(deps: {
  readonly config: ServiceConfig;
  readonly merchants: ServiceMerchants;
  readonly merchantConfigs: Readonly<NonNullable<ServiceConfig['merchants']>>;
  readonly engine: CheckoutEngine;
  readonly clock: Clock;
  readonly qrPairs: QrPairs;
  readonly publish: (view: QrDisplayView) => void;
}): QrDisplay {
  const { config, merchants, merchantConfigs, engine, clock, qrPairs, publish } = deps;
  const qrMerchant = merchants.get(config.qr_display?.pid ?? merchants.defaultPid);
  const qrProviders = pickQrProviders(qrMerchant?.gateways ?? []);
  const qrTtlMs = (providers: readonly ProviderName[]) =>
    qrMerchant && providers.length > 0
      ? Math.min(...providers.map((p) => qrMerchant.policies[p].qrTtlMs))
      : DEFAULT_POLL_POLICIES.wxpay.qrTtlMs;
  return new QrDisplay(
    engine,
    clock,
    {
      ...(config.qr_display?.product ? { product: config.qr_display.product } : {}),
      ...(config.qr_display?.provider ? { provider: config.qr_display.provider } : {}),
      ...(config.qr_display?.pid ? { pid: config.qr_display.pid } : {}),
      providers: qrProviders,
      successMs: config.qr_display?.success_ms ?? 8000,
      // The codes share one expiry: the shortest configured life of the providers shown.
      ttlMs: qrTtlMs(config.qr_display?.provider ? [config.qr_display.provider] : qrProviders),
      autoStart: config.ui.mode === 'qr' && (config.qr_display?.auto_start ?? false),
      orderPrefix: config.terminal_id,
      subjectFor: (productName) => {
        const pid = config.qr_display?.pid ?? merchants.defaultPid;
        const merchant = merchantConfigs.find((m) => m.pid === pid);
        return saleSubject(merchant?.name ?? pid, productName);
      },
    },
    qrPairs,
    publish,
  );
}
