/**
 * The part of the kiosk service the Electron shell needs, declared here so that every shell module
 * (and its tests, which use a fake) depends on this small shape and only electron/main.ts imports
 * the real `startKioskService` from core/service.
 */
import type { ScanPayApi, ServiceEvent } from '../core/common/contract/api-contract.ts';

export interface ShellConfig {
  readonly ui: { readonly kiosk: boolean; readonly mode: 'cashier' | 'qr' };
  readonly updates?: { readonly url?: string };
}

export interface KioskServiceLike {
  readonly api: ScanPayApi;
  onEvent(listener: (event: ServiceEvent) => void): () => void;
  readonly config: ShellConfig;
  isPaymentInFlight(): boolean;
  stop(): Promise<void>;
}
