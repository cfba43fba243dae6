/**
 * All stores for one window, the event dispatcher that feeds them, and the initial load. Stores
 * change only through contract calls and these events, so a reloaded page rebuilds the same state.
 */
import type { Disposer, ServiceEvent } from '../../../core/common/contract/api-contract.ts';
import type { RendererBridge } from '../bridge/renderer-bridge.ts';
import type { Language } from '../i18n/catalog.ts';
import { routeHeldScan } from '../scan/route-scan.ts';
import { type AttemptsStore, createAttemptsStore } from './attempts-store.ts';
import { type ConnectionStore, createConnectionStore } from './connection-store.ts';
import { type CustomerCashStore, createCustomerCashStore } from './customer-cash-store.ts';
import { createHistoryStore, type HistoryStore } from './history-store.ts';
import { createNavStore, type NavStore } from './nav-store.ts';
import { createPeripheralsStore, type PeripheralsStore } from './peripherals-store.ts';
import { createQrStore, type QrStore } from './qr-store.ts';
import { createReconcileStore, type ReconcileStore } from './reconcile-store.ts';
import { createRefundStore, type RefundStore } from './refund-store.ts';
import { createSaleStore, type SaleStore } from './sale-store.ts';
import { createSettingsStore, type SettingsStore } from './settings-store.ts';
import { createShiftStore, type ShiftStore } from './shift-store.ts';
import { createStoreRefundStore, lookupAtHub, type StoreRefundStore } from './store-refund-store.ts';
import { createVoiceStore, type VoiceOutput, type VoiceStore } from './voice-store.ts';

export interface AppStores {
  readonly bridge: RendererBridge;
  readonly sale: SaleStore;
  readonly attempts: AttemptsStore;
  readonly history: HistoryStore;
  readonly refund: RefundStore;
  /** A sale of another till, refunded through the store hub (the refund screen's fallback). */
  readonly storeRefund: StoreRefundStore;
  readonly shift: ShiftStore;
  readonly settings: SettingsStore;
  readonly connection: ConnectionStore;
  readonly qr: QrStore;
  readonly reconcile: ReconcileStore;
  readonly nav: NavStore;
  readonly peripherals: PeripheralsStore;
  readonly voice: VoiceStore;
  readonly customerCash: CustomerCashStore;
}

const SILENT: VoiceOutput = { speak: () => {}, errorTone: () => {} };

export function createAppStores(
  bridge: RendererBridge,
  options: { language?: Language | null; voiceOutput?: VoiceOutput } = {},
): AppStores {
  const connection = createConnectionStore(bridge);
  const storeRefund = createStoreRefundStore(bridge);
  const stores: AppStores = {
    bridge,
    sale: createSaleStore(bridge),
    attempts: createAttemptsStore(bridge),
    history: createHistoryStore(bridge),
    refund: createRefundStore(bridge, lookupAtHub(connection, storeRefund)),
    storeRefund,
    shift: createShiftStore(bridge),
    settings: createSettingsStore(bridge, options.language ?? null),
    connection,
    qr: createQrStore(bridge),
    reconcile: createReconcileStore(bridge),
    nav: createNavStore(),
    peripherals: createPeripheralsStore(bridge),
    voice: createVoiceStore(options.voiceOutput ?? SILENT),
    customerCash: createCustomerCashStore(),
  };
  // The voice follows the Settings switches and the display language.
  stores.peripherals.subscribe((s) => {
    if (s.view) stores.voice.getState().configure(s.view.voice);
  });
  stores.voice.getState().configure({ language: stores.settings.getState().language });
  stores.settings.subscribe((s) => stores.voice.getState().configure({ language: s.language }));
  return stores;
}

/** Compile-time exhaustiveness without a run-time throw. */
function ignoreUnknown(_event: never): void {}

export function dispatchEvent(stores: AppStores, event: ServiceEvent): void {
  switch (event.kind) {
    case 'attempt':
      stores.sale.getState().applyAttempt(event.attempt);
      stores.attempts.getState().applyAttempt(event.attempt);
      stores.voice.getState().applyAttempt(event.attempt);
      return;
    case 'order':
      stores.voice.getState().applyOrder(event.order);
      stores.sale.getState().applyOrder(event.order);
      stores.history.getState().applyOrder(event.order);
      stores.refund.getState().applyOrder(event.order);
      stores.customerCash.getState().applyOrder(event.order);
      stores.attempts.getState().applyOrder(event.order);
      return;
    case 'sale':
      stores.voice.getState().applySale(event.sale);
      stores.sale.getState().applySale(event.sale);
      stores.customerCash.getState().applySale(event.sale);
      return;
    case 'scan':
      // A scanner's scan with an amount on screen: the scan is the charge, not a refusal to show.
      if (routeHeldScan(stores, event.scan)) break;
      stores.sale.getState().applyScan(event.scan);
      stores.connection.getState().applyScan(event.scan);
      return;
    case 'scanner_status':
      stores.connection.getState().applyScanner(event.scanner);
      return;
    case 'health':
      stores.connection.getState().applyHealth(event.health);
      return;
    case 'shift':
      stores.shift.getState().applyShift(event.shift);
      return;
    case 'settings':
      // A store config applied live: the language follows unless the cashier chose one here.
      void stores.settings.getState().load();
      return;
    case 'qr':
      stores.qr.getState().applyQr(event.qr);
      return;
    case 'peripherals':
      stores.peripherals.getState().applyPeripherals(event.peripherals);
      return;
    default:
      // A newer service may add event kinds: ignore them rather than break the till.
      ignoreUnknown(event);
  }
}

/** Everything the screens show, fetched fresh (at start and after the event link comes back). */
export async function loadAll(stores: AppStores, mode: 'cashier' | 'qr'): Promise<void> {
  const loads: Promise<unknown>[] = [
    stores.connection.getState().refreshHealth(),
    stores.settings.getState().load(),
    stores.peripherals.getState().load(),
  ];
  if (mode === 'qr') loads.push(stores.qr.getState().load());
  else {
    loads.push(
      stores.sale.getState().load(),
      stores.shift.getState().load(),
      stores.attempts.getState().load(),
    );
  }
  await Promise.all(loads);
}

export interface ConnectOptions {
  readonly mode: 'cashier' | 'qr';
  /** Health is pushed as events; this slow refresh only covers a service that cannot push. 0 = off. */
  readonly healthRefreshMs?: number;
}

/** Subscribes the stores to the service's events and reloads after a dropped link. */
export function connectStores(stores: AppStores, options: ConnectOptions): Disposer {
  const unsubscribe = stores.bridge.subscribe((event) => dispatchEvent(stores, event));
  let wasLost = false;
  const unlink = stores.bridge.onLinkChange((link) => {
    stores.connection.getState().setLink(link);
    if (link === 'lost') wasLost = true;
    if (link === 'open' && wasLost) {
      wasLost = false;
      void loadAll(stores, options.mode);
    }
  });
  const every = options.healthRefreshMs ?? 15_000;
  const timer =
    every > 0 ? setInterval(() => void stores.connection.getState().refreshHealth(), every) : null;
  return () => {
    unsubscribe();
    unlink();
    if (timer) clearInterval(timer);
  };
}
