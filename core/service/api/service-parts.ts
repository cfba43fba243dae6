/**
 * What the operation modules (payments, refunds, orders, till, shifts, settings, qr) are built from:
 * the parts startKioskService composes. Each module returns its slice of ScanPayApi.
 */
import type { ServiceEvent } from '../../common/contract/api-contract.ts';
import type { HealthView } from '../../common/contract/views.ts';
import type { CheckoutEngine } from '../../engine/checkout-engine.ts';
import type { Clock } from '../../ports/clock.ts';
import type { ServiceConfig } from '../config/service-config.ts';
import type { ServiceMerchants } from '../merchants.ts';
import type { QrDisplay } from '../qr-display.ts';
import type { SettingsStore } from '../settings-store.ts';
import type { ShiftStore } from '../shift-store.ts';
import type { Till } from '../till.ts';

export interface ServiceParts {
  readonly engine: CheckoutEngine;
  readonly till: Till;
  readonly shifts: ShiftStore;
  readonly settings: SettingsStore;
  readonly qr: QrDisplay;
  readonly clock: Clock;
  readonly config: ServiceConfig;
  readonly merchants: ServiceMerchants;
  /** The built-in sandbox's address when the terminal runs on it. */
  readonly sandboxUrl: string | null;
  readonly publish: (event: ServiceEvent) => void;
  readonly healthView: () => HealthView;
}
