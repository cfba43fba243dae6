/**
 * Everything a till does with its store hub, started from one place (core/service/kiosk-service.ts):
 * the forwarder (outbox → hub), the store config it keeps (./hub-store-config.ts) and the refunds
 * the hub asks it to make (./hub-refund-runner.ts). Nothing here runs when config `hub` is absent.
 */
import type { KeyObject } from 'node:crypto';
import type { HealthView, HubStatusView } from '../common/contract/views.ts';
import type { CheckoutEngine } from '../engine/checkout-engine.ts';
import type { EngineLogger } from '../engine/engine-deps.ts';
import type { SignedStoreConfig } from '../hub/store-config.ts';
import { RefusedHubRefunds } from '../journal/refused-hub-refunds.ts';
import type { SqliteJournal } from '../journal/sqlite-journal.ts';
import { plainHttpHubWarning, type ServiceConfig } from './config/service-config.ts';
import type { EventBus } from './event-bus.ts';
import { startHubForwarder } from './hub-forwarder.ts';
import { createHubRefundRunner } from './hub-refund-runner.ts';
import { startStoreConfigSync } from './hub-store-config.ts';

export interface HubLink {
  status(): HubStatusView;
  stop(): Promise<void>;
}

export function startHubLink(options: {
  readonly hub: NonNullable<ServiceConfig['hub']>;
  readonly terminalId: string;
  readonly dataDir: string;
  readonly journal: SqliteJournal;
  readonly engine: CheckoutEngine;
  readonly bus: EventBus;
  readonly healthView: () => HealthView;
  readonly logger: EngineLogger;
  readonly storeKey: KeyObject | null;
  readonly keptStoreConfig: SignedStoreConfig | null;
  /** The receipt printer's state for the registry (null: no printer configured). */
  readonly printerState: () => string | null;
  /** A store config was kept while no payment is in flight (./hub-store-config.ts). */
  readonly onStoreConfig?: (config: SignedStoreConfig) => void;
}): HubLink {
  const { hub, engine, journal, logger } = options;
  const plainHttp = plainHttpHubWarning(hub.url);
  if (plainHttp) logger.warn(plainHttp);
  const sync = options.storeKey
    ? startStoreConfigSync({
        dataDir: options.dataDir,
        hubUrl: hub.url,
        token: hub.token,
        key: options.storeKey,
        kept: options.keptStoreConfig,
        paymentInFlight: () => engine.hasLiveAttempts(),
        logger,
        ...(options.onStoreConfig ? { onKept: options.onStoreConfig } : {}),
      })
    : null;
  const runRefunds = createHubRefundRunner({
    hubUrl: hub.url,
    token: hub.token,
    terminalId: options.terminalId,
    // The key that checks store config also checks the refunds the hub asks for.
    key: options.storeKey,
    refund: (input) => engine.refunds.refund(input),
    known: (outRefundNo) => journal.getRefund(outRefundNo),
    // Kept in the journal: a refused hand-out replayed after a restart is refused again.
    refused: new RefusedHubRefunds(journal),
    logger,
  });
  const forwarder = startHubForwarder({
    url: hub.url,
    token: hub.token,
    terminalId: options.terminalId,
    heartbeatMs: hub.heartbeat_ms,
    outbox: journal,
    logger,
    onChange: () => options.bus.publish({ kind: 'health', health: options.healthView() }),
    onRefundRequests: runRefunds,
    ...(sync ? { onConfigVersion: (version: number) => sync.announced(version) } : {}),
    status: () => {
      const view = options.healthView();
      return {
        version: view.version,
        ready: view.ready,
        needs_attention: view.needs_attention,
        scanners: view.scanners.map((s) => ({ source: s.source, state: s.state })),
        printer: options.printerState(),
        config_version: sync?.keptVersion ?? 0,
      };
    },
  });
  // Forward a change as soon as it is written rather than at the next poll.
  const unsubscribe = options.bus.subscribe((event) => {
    if (event.kind === 'order' || event.kind === 'attempt') forwarder.nudge();
  });
  return {
    status: () => forwarder.status(),
    async stop() {
      unsubscribe();
      await forwarder.stop();
      sync?.stop();
    },
  };
}
