/**
 * The kiosk service: configuration → sandbox (when used) → journal → merchants → engine → recovery
 * → scanners → till, shift, QR display, provider health; and the ScanPayApi the UI calls through IPC
 * or HTTP. Recovery runs before anything is accepted. No Electron, no DOM: the Electron main process
 * and `scanpay serve` both start this.
 */
import { dirname, resolve } from 'node:path';
import type { ScanPayApi, ServiceEvent } from '../common/contract/api-contract.ts';
import { saleSubject } from '../common/contract/provider-text.ts';
import type { HealthView } from '../common/contract/views.ts';
import type { WedgeFeed } from '../common/wedge/wedge-feed.ts';
import { CheckoutEngine } from '../engine/checkout-engine.ts';
import type { EngineLogger } from '../engine/engine-deps.ts';
import { startBackupSchedule } from '../journal/journal-backups.ts';
import { type StartCheck, startJournalCheck } from '../journal/journal-check.ts';
import { openCheckedJournal } from '../journal/open-journal.ts';
import { type Clock, systemClock } from '../ports/clock.ts';
import type { OperationInvoker } from './api/operation-invoker.ts';
import type { ServiceParts } from './api/service-parts.ts';
import { loadConfig } from './config/load-config.ts';
import type { ServiceConfig } from './config/service-config.ts';
import { secureDataDir } from './data-dir.ts';
import { EventBus } from './event-bus.ts';
import { createFileLogger, rateLimited } from './file-logger.ts';
import { type HubLink, startHubLink } from './hub-link.ts';
import { claimOutboxTerminal } from './hub-outbox-terminal.ts';
import { liveStoreConfig, readKeptStoreConfig, storeConfigKey, withStoreConfig } from './hub-store-config.ts';
import { watchJournal } from './journal-watch.ts';
import { assembleKioskApi } from './kiosk-api.ts';
import { withCommandLineHub } from './kiosk-command-line-hub.ts';
import { createKioskQrDisplay } from './kiosk-qr-display.ts';
import { buildMerchants, SANDBOX_MERCHANTS, type SandboxEndpoint } from './merchants.ts';
import { createNotifyHandler, type NotifyHandler } from './notify/notify-handler.ts';
import { buildPaidCallbacks } from './paid-actions/paid-actions.ts';
import { PaidActionFloors } from './paid-actions/price-floors.ts';
import { startPeripherals } from './peripherals/start-peripherals.ts';
import { FIRST_PROBE_AFTER_MS, ProviderHealth } from './provider-health.ts';
import { QrPairs } from './qr-pairs.ts';
import { startServiceReconciliation } from './reconcile-targets.ts';
import { startSandboxFor } from './sandbox-endpoint.ts';
import { type ScannerWiring, wireScanners } from './scanner-wiring.ts';
import { SettingsStore } from './settings-store.ts';
import { ShiftStore } from './shift-store.ts';
import { Till } from './till.ts';

export const VERSION = '0.1.0';

export interface KioskServiceOptions {
  readonly dataDir: string;
  /** Use an already running `scanpay sandbox` (its truth survives a crash of this service). */
  readonly sandboxUrl?: string;
  /** Credentials of that sandbox (its first JSON line); fetched from it when omitted. */
  readonly sandboxEndpoint?: SandboxEndpoint;
  readonly wedgeFeed?: WedgeFeed;
  readonly clock?: Clock;
  /** Echo the log to stderr. */
  readonly verbose?: boolean;
  readonly env?: NodeJS.ProcessEnv;
  /** The store hub to forward to (`scanpay serve --hub URL --hub-token T`): overrides config `hub`. */
  readonly hub?: { readonly url: string; readonly token: string };
  /** startJournalCheck(dataDir), when the caller started it earlier (`scanpay serve`, before loading this module). */
  readonly journalCheck?: Promise<StartCheck>;
  /** How often the running service checks its journal in full (default CHECK_EVERY_MS, a day; tests shorten it). */
  readonly journalCheckEveryMs?: number;
}

export interface KioskService {
  /** The operations themselves, unchecked: for in-process callers that are the terminal itself. */
  readonly api: ScanPayApi;
  /** Every call from outside (HTTP, IPC) goes through here: schema, access policy, then the operation. */
  readonly invoke: OperationInvoker;
  /** Logs an unexpected error (stack included) with the configured secrets blanked out. */
  reportInternalError(where: string, error: unknown): void;
  readonly logger: EngineLogger;
  readonly config: ServiceConfig;
  readonly engine: CheckoutEngine;
  readonly sandbox: { readonly url: string } | null;
  readonly dataDir: string;
  onEvent(listener: (event: ServiceEvent) => void): () => void;
  /** A provider's payment notification for `POST /notify/<pid>/<provider>` (raw body in, provider's answer out). */
  readonly handleNotify: NotifyHandler;
  /** True while a charge or its reversal is under way (auto-update waits). */
  isPaymentInFlight(): boolean;
  stop(): Promise<void>;
}

export async function startKioskService(options: KioskServiceOptions): Promise<KioskService> {
  const clock = options.clock ?? systemClock;
  const dataDir = options.dataDir;
  secureDataDir(dataDir);
  // In a child process while the config is read (journal-check.ts); awaited before the journal opens.
  const journalCheck = options.journalCheck ?? startJournalCheck(dataDir);
  const loaded = loadConfig(dataDir, options.env);
  const configPath = loaded.path;
  // --hub/--hub-token over config.json's hub (./kiosk-command-line-hub.ts).
  const ownConfig = withCommandLineHub(loaded.config, options.hub);
  const logger = createFileLogger(dataDir, options.verbose ?? false);
  // The store config the owner published at the hub, kept and signature-checked: laid over config.json.
  const storeKey = storeConfigKey(ownConfig.hub?.config_public_key, logger);
  const keptStoreConfig = storeKey ? readKeptStoreConfig(dataDir, storeKey, logger) : null;
  const config = withStoreConfig(ownConfig, keptStoreConfig);
  const bus = new EventBus();
  // The sandbox (when used) gets ready while the journal check runs apart. A refused
  // journal closes it again: nothing may keep the process alive, the refusal must exit at once.
  const sandboxStarting = startSandboxFor(config, options);
  sandboxStarting.catch(() => undefined); // handled below, once the journal has answered
  const backupDir = resolve(dataDir, config.backups.dir ?? 'backups');
  const journal = await openCheckedJournal(dataDir, journalCheck, {
    backupDir,
    outbox: config.hub !== undefined,
  })
    .then((opened) => {
      // Before recovery writes anything: the outbox's rows are this terminal id's (./hub-outbox-terminal.ts).
      try {
        claimOutboxTerminal(opened, config.terminal_id, { hubConfigured: config.hub !== undefined });
      } catch (error) {
        opened.close();
        throw error;
      }
      return opened;
    })
    .catch(async (error: unknown) => {
      await sandboxStarting.then(
        (started) => started.own?.close(),
        () => undefined,
      );
      throw error;
    });
  const { endpoint: sandbox, own: ownSandbox } = await sandboxStarting.catch((error: unknown) => {
    journal.close();
    throw error;
  });

  const journalWatch = watchJournal({
    dataDir,
    backupDir,
    journal,
    start: await journalCheck,
    openedAt: Date.now(),
    logger,
    ...(options.journalCheckEveryMs ? { everyMs: options.journalCheckEveryMs } : {}),
  });
  const health = new ProviderHealth(clock);
  const merchants = buildMerchants(config, sandbox, clock, (pid, gateway) => health.track(pid, gateway));
  journal.onFault((fault) => {
    logger.error('journal fault: new charges stopped', {
      sqlite: fault.sqlite,
      stack: (fault.error as Error)?.stack,
    });
    bus.publish({ kind: 'health', health: healthView() });
    till.refresh();
  });
  const backups = startBackupSchedule({ dataDir, dir: backupDir, keep: config.backups.keep }, logger);
  const reconciliation = startServiceReconciliation({
    journal,
    merchants,
    clock,
    config: config.reconcile,
    logger,
  });
  const settings = new SettingsStore(dataDir);
  const shifts = new ShiftStore(journal);
  // A QR display's second payment of a pair is refunded, not acted on (qr-pairs.ts).
  const qrPairs = new QrPairs({
    order: (orderNo) => engine.orderView(orderNo) ?? null,
    refund: (input) => engine.refunds.refund(input),
  });
  // The lowest price of each type's paid actions: refused below it, held if paid anyway (price-floors.ts).
  const floors = new PaidActionFloors(config);
  const floorOf = (type: string) => floors.floorOf(type);
  const callbacks = qrPairs.wrap(buildPaidCallbacks(config.paid_actions, dirname(configPath), { floorOf }));
  const engine = new CheckoutEngine({
    journal,
    clock,
    merchants,
    callbacks,
    paidActionFloor: floorOf,
    logger,
    orderPrefix: config.terminal_id,
  });

  // Anyone can call /notify: cap the log lines a flood of forged calls can write.
  const notifyLogger = rateLimited(logger, { messages: ['notify rejected'], burst: 20, perMinute: 10 });
  const handleNotify = createNotifyHandler({
    engine,
    merchants,
    logger: notifyLogger,
    clockSkew: (pid, provider, detail) => health.noteNotifyClock(pid, provider, detail),
  });
  engine.onAttempt((attempt) => bus.publish({ kind: 'attempt', attempt }));
  engine.onOrder((order) => bus.publish({ kind: 'order', order }));
  const report = engine.recover();
  // Keep this message: open-journal.ts reads it in old logs as evidence that a journal existed.
  logger.info('service recovered', { ...report });
  for (const row of journal.unreadableSnapshots())
    logger.warn('journal row unreadable: attempt kept for a human', {
      out_trade_no: row.outTradeNo,
      reason: row.reason,
    });

  const isWalletDown = (wallet: 'wxpay' | 'alipay', pid: string | undefined) => {
    const merchant = merchants.get(pid ?? merchants.defaultPid);
    const gateway = merchant?.gateways.find((g) => g.wallets.includes(wallet));
    return gateway ? health.isDown(merchant!.pid, gateway.provider) : false;
  };

  const merchantConfigs = config.merchants ?? SANDBOX_MERCHANTS;
  const saleSubjectFor = (pid: string | undefined) => {
    const wanted = pid ?? merchants.defaultPid;
    const merchant = merchantConfigs.find((m) => m.pid === wanted);
    return saleSubject(merchant?.name ?? wanted, merchant?.item_text);
  };
  const till = new Till({
    engine,
    emitSale: (sale) => bus.publish({ kind: 'sale', sale }),
    emitScan: (scan) => bus.publish({ kind: 'scan', scan }),
    currentShift: () => shifts.current(),
    isWalletDown,
    subjectFor: saleSubjectFor,
  });
  const qr = createKioskQrDisplay({
    config,
    merchants,
    merchantConfigs,
    engine,
    clock,
    qrPairs,
    publish: (view) => bus.publish({ kind: 'qr', qr: view }),
  });

  const healthView = (): HealthView => {
    const unresolved = engine.unresolved();
    const journalFault = journal.health().fault;
    return {
      ready: engine.isAccepting && !journalFault,
      journal_error: journalFault ? { code: journalFault.code, message: journalFault.message } : null,
      clock_warning: health.clockWarning(),
      version: VERSION,
      terminal_id: config.terminal_id,
      sandbox_url: sandbox?.url ?? null,
      providers: health.views(),
      scanners: scanners?.statuses() ?? [],
      unresolved: unresolved.length,
      needs_attention: unresolved.filter((a) => a.phase === 'needs_attention').length,
      now: clock.now(),
      hub: hubLink?.status() ?? null,
    };
  };
  let stopped = false;
  health.onChange((view, previous) => {
    if (stopped) return; // a probe that ends after stop() must not read the closed journal
    logger.info('provider reachability', {
      pid: view.pid,
      provider: view.provider,
      reachability: view.reachability,
    });
    if (view.reachability === 'up' && previous === 'down') engine.retryUnreachable(view.provider);
    bus.publish({ kind: 'health', health: healthView() });
  });

  const peripherals = await startPeripherals({
    config,
    dataDir,
    db: journal.db,
    bus,
    shifts,
    now: () => clock.now(),
    logger,
  });

  let scanners: ScannerWiring | null = null;
  if (config.scanners.length > 0 || options.wedgeFeed) {
    const configs = config.scanners.length > 0 ? config.scanners : [];
    const withWedge =
      options.wedgeFeed && !configs.some((c) => c.kind === 'wedge')
        ? [...configs, { kind: 'wedge' as const, maxKeyGapMs: 45, endTimeoutMs: 100, minLength: 8 }]
        : configs;
    scanners = wireScanners(
      withWedge as ServiceConfig['scanners'],
      clock,
      options.wedgeFeed,
      (code, source, at) => void till.scan(code, source, at),
      (status) => {
        bus.publish({ kind: 'scanner_status', scanner: status });
      },
      (scan) => bus.publish({ kind: 'scan', scan }),
    );
    await scanners.manager.start();
  }
  const firstProbe = setTimeout(() => {
    void health.probeAll().then(() => {
      if (!stopped) bus.publish({ kind: 'health', health: healthView() });
      // A cut line shows within seconds, not at the next customer's payment.
      if (!stopped) health.startHeartbeat();
    });
  }, FIRST_PROBE_AFTER_MS);
  firstProbe.unref();

  // The config the settings view reads: a store config kept while running changes it (hub-link).
  let running = config;
  // Assigned after the call: the link's first status event reads healthView, which reads hubLink.
  let hubLink: HubLink | null = null;
  hubLink = config.hub
    ? startHubLink({
        hub: config.hub,
        terminalId: config.terminal_id,
        dataDir,
        journal,
        engine,
        bus,
        healthView,
        logger,
        storeKey,
        keptStoreConfig,
        onStoreConfig: (store) => {
          running = liveStoreConfig(ownConfig, running, store);
          floors.useQrProduct(running.qr_display?.product);
          qr.applySettings({
            product: running.qr_display?.product,
            successMs: running.qr_display?.success_ms ?? 8000,
          });
          bus.publish({ kind: 'settings' });
        },
        printerState: () => {
          const printer = peripherals.service.view().printer;
          return printer ? (printer.status?.state ?? 'checking') : null;
        },
      })
    : null;

  const parts: ServiceParts = {
    engine,
    till,
    shifts,
    settings,
    qr,
    clock,
    get config() {
      return running;
    },
    merchants,
    sandboxUrl: sandbox?.url ?? null,
    publish: (event) => bus.publish(event),
    healthView,
  };
  const { api, invoke, reportInternalError } = assembleKioskApi({
    parts,
    config,
    reconciliation,
    peripherals,
    logger,
  });

  return {
    api,
    invoke,
    reportInternalError,
    logger,
    config,
    engine,
    sandbox: sandbox ? { url: sandbox.url } : null,
    dataDir,
    onEvent: (listener) => bus.subscribe(listener),
    handleNotify,
    isPaymentInFlight: () => engine.hasLiveAttempts(),
    async stop() {
      qr.stop();
      if (stopped) return;
      stopped = true;
      clearTimeout(firstProbe);
      health.stop();
      await scanners?.manager.stop();
      await engine.shutdown();
      // After the engine's last writes; what it did not send waits in the outbox for the next start.
      await hubLink?.stop();
      await peripherals.stop();
      await backups.stop();
      await reconciliation.stop();
      notifyLogger.flush();
      await journalWatch.stop();
      journal.close();
      await journalWatch.closed();
      await ownSandbox?.close();
      logger.info('service stopped');
    },
  };
}
