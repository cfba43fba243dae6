/**
 * The kiosk service: configuration → sandbox (when used) → journal → merchants → engine → recovery
 * → scanners → till, shift, QR display, provider health; and the ScanPayApi the UI calls through IPC
 * or HTTP. Recovery runs before anything is accepted. No Electron, no DOM: the Electron main process
 * and `scanpay serve` both start this.
 */
import { dirname, resolve } from 'node:path';
import type { ScanPayApi, ServiceEvent } from '../common/contract/api-contract.ts';
import type { ExportOrdersRequest } from '../common/contract/api-schemas.ts';
import type { HealthView, SettingsView } from '../common/contract/views.ts';
import { AuthError, ConflictError } from '../common/errors.ts';
import type { WedgeFeed } from '../common/wedge/wedge-feed.ts';
import { CheckoutEngine } from '../engine/checkout-engine.ts';
import { startBackupSchedule } from '../journal/journal-backups.ts';
import { openJournal } from '../journal/open-journal.ts';
import { type Clock, systemClock } from '../ports/clock.ts';
import type { OrderFilter } from '../ports/journal.ts';
import type { RunningSandbox } from '../sandbox/start-sandbox.ts';
import { loadConfig } from './config/load-config.ts';
import type { ServiceConfig } from './config/service-config.ts';
import { secureDataDir } from './data-dir.ts';
import { EventBus } from './event-bus.ts';
import { createFileLogger, rateLimited } from './file-logger.ts';
import { buildMerchants, needsSandbox, type SandboxEndpoint } from './merchants.ts';
import { createNotifyHandler, type NotifyHandler } from './notify/notify-handler.ts';
import { collectOrders, exportFilename, ordersToCsv } from './orders-csv.ts';
import { buildPaidCallbacks } from './paid-actions/paid-actions.ts';
import { cashTenderedCustom } from './peripherals/cash-tendered.ts';
import { startPeripherals } from './peripherals/start-peripherals.ts';
import { ProviderHealth } from './provider-health.ts';
import { QrDisplay } from './qr-display.ts';
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
}

export interface KioskService {
  readonly api: ScanPayApi;
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

async function fetchSandboxEndpoint(url: string): Promise<SandboxEndpoint> {
  const response = await fetch(`${url.replace(/\/+$/, '')}/_sandbox/credentials`);
  if (!response.ok)
    throw new ConflictError('sandbox_unreachable', `the sandbox at ${url} answered HTTP ${response.status}`);
  const body = (await response.json()) as {
    url: string;
    secapi_url: string;
    credentials: SandboxEndpoint['credentials'];
  };
  return { url: body.url, secapiUrl: body.secapi_url, credentials: body.credentials };
}

export async function startKioskService(options: KioskServiceOptions): Promise<KioskService> {
  const clock = options.clock ?? systemClock;
  const dataDir = options.dataDir;
  secureDataDir(dataDir);
  const { config, path: configPath } = loadConfig(dataDir, options.env);
  const logger = createFileLogger(dataDir, options.verbose ?? false);
  const bus = new EventBus();
  // First, before anything that would keep the process alive: a refused journal must exit at once.
  const backupDir = resolve(dataDir, config.backups.dir ?? 'backups');
  const journal = openJournal(dataDir, { backupDir });

  let ownSandbox: RunningSandbox | null = null;
  let sandbox: SandboxEndpoint | null = null;
  if (needsSandbox(config)) {
    if (options.sandboxEndpoint) sandbox = options.sandboxEndpoint;
    else if (options.sandboxUrl) sandbox = await fetchSandboxEndpoint(options.sandboxUrl);
    else {
      const { startSandbox } = await import('../sandbox/start-sandbox.ts');
      ownSandbox = await startSandbox({ port: 0 });
      sandbox = { url: ownSandbox.url, secapiUrl: ownSandbox.secapiUrl, credentials: ownSandbox.credentials };
    }
  }

  const health = new ProviderHealth(clock);
  const merchants = buildMerchants(config, sandbox, clock, (pid, gateway) => health.track(pid, gateway));
  journal.onFault((fault) => {
    logger.error('journal fault: new charges stopped', {
      sqlite: fault.sqlite,
      stack: (fault.error as Error)?.stack,
    });
    bus.publish({ kind: 'health', health: healthView() });
  });
  const backups = startBackupSchedule({ dataDir, dir: backupDir, keep: config.backups.keep }, logger);
  const settings = new SettingsStore(dataDir);
  const shifts = new ShiftStore(journal.db);
  const callbacks = buildPaidCallbacks(config.paid_actions, dirname(configPath));
  const engine = new CheckoutEngine({
    journal,
    clock,
    merchants,
    callbacks,
    logger,
    orderPrefix: config.terminal_id,
  });

  // Anyone can call /notify: cap the log lines a flood of forged calls can write.
  const notifyLogger = rateLimited(logger, { messages: ['notify rejected'], burst: 20, perMinute: 10 });
  const handleNotify = createNotifyHandler({ engine, merchants, logger: notifyLogger });
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

  const till = new Till({
    engine,
    emitSale: (sale) => bus.publish({ kind: 'sale', sale }),
    emitScan: (scan) => bus.publish({ kind: 'scan', scan }),
    currentShift: () => shifts.current(),
    isWalletDown,
  });
  const qr = new QrDisplay(
    engine,
    clock,
    {
      ...(config.qr_display?.product ? { product: config.qr_display.product } : {}),
      ...(config.qr_display?.provider ? { provider: config.qr_display.provider } : {}),
      ...(config.qr_display?.pid ? { pid: config.qr_display.pid } : {}),
      successMs: config.qr_display?.success_ms ?? 8000,
    },
    (view) => bus.publish({ kind: 'qr', qr: view }),
  );

  const healthView = (): HealthView => {
    const unresolved = engine.unresolved();
    const journalFault = journal.health().fault;
    return {
      ready: engine.isAccepting && !journalFault,
      journal_error: journalFault ? { code: journalFault.code, message: journalFault.message } : null,
      version: VERSION,
      terminal_id: config.terminal_id,
      sandbox_url: sandbox?.url ?? null,
      providers: health.views(),
      scanners: scanners?.statuses() ?? [],
      unresolved: unresolved.length,
      needs_attention: unresolved.filter((a) => a.phase === 'needs_attention').length,
      now: clock.now(),
    };
  };
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

  const peripherals = startPeripherals({
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
    );
    await scanners.manager.start();
  }
  void health.probeAll().then(() => {
    if (!stopped) bus.publish({ kind: 'health', health: healthView() });
  });

  const requirePin = (pin: string | undefined) => {
    if (!pin || !settings.verifyPin(pin, clock.now()))
      throw new AuthError('pin_invalid', 'the supervisor PIN is wrong');
  };

  const settingsView = (): SettingsView => {
    const stored = settings.get();
    return {
      terminal_id: config.terminal_id,
      store_id: config.store_id ?? null,
      language: stored.language ?? config.language,
      kiosk: stored.kiosk ?? config.ui.kiosk,
      ui_mode: config.ui.mode,
      merchants: merchants.all().map((m) => ({
        pid: m.pid,
        name: (config.merchants ?? []).find((c) => c.pid === m.pid)?.name ?? m.pid,
        provider: m.gateways[0]!.provider,
        wallets: [...new Set(m.gateways.flatMap((g) => g.wallets))],
        base_url: sandbox && !config.merchants ? sandbox.url : 'configured',
        credentials: Object.fromEntries(m.gateways.map((g) => [g.provider, 'set (hidden)'])),
      })),
      scanners: config.scanners.map((s, i) => ({
        id: s.id ?? `${s.kind}-${i + 1}`,
        kind: s.kind,
        summary: describeScanner(s),
      })),
      poll_schedules: Object.fromEntries(
        Object.entries(merchants.all()[0]!.policies).map(([provider, p]) => [
          provider,
          { query_delays_ms: p.queryDelaysMs, reverse_after_ms: p.reverseNotBeforeMs },
        ]),
      ),
      pin_set: settings.pinSet,
    };
  };

  const api: ScanPayApi = {
    async createPayment(request) {
      const data = request.data;
      if (request.needQRcode || !data.auth_code) {
        const attempt = await engine.startQr({
          ...data,
          ...(request.provider ? { provider: request.provider } : {}),
        });
        const view = engine
          .orderDetail(attempt.orderNo)
          .attempts.find((a) => a.out_trade_no === attempt.outTradeNo)!;
        const QRCode = (await import('qrcode')).default;
        const image = attempt.qrCode ? await QRCode.toDataURL(attempt.qrCode, { margin: 1 }) : null;
        return {
          out_trade_no: attempt.orderNo,
          provider: attempt.provider,
          pay_type: 'native',
          needQRcode: true,
          orderInfo: attempt.qrCode ? { code_url: attempt.qrCode } : null,
          qrcodeImage: image,
          total_fee: attempt.totalFee,
          platform: 'scanpay-kiosk',
          attempt: view,
        };
      }
      const attempt = await engine.pay({
        ...data,
        auth_code: data.auth_code,
        ...(request.provider ? { provider: request.provider } : {}),
      });
      const view = engine
        .orderDetail(attempt.orderNo)
        .attempts.find((a) => a.out_trade_no === attempt.outTradeNo)!;
      return {
        out_trade_no: attempt.orderNo,
        provider: attempt.provider,
        pay_type: 'micropay',
        needQRcode: false,
        orderInfo: null,
        qrcodeImage: null,
        total_fee: attempt.totalFee,
        platform: 'scanpay-kiosk',
        attempt: view,
      };
    },
    queryPayment: (request) => engine.queryPayment(request),
    async refund(request) {
      if (request.pin !== undefined) requirePin(request.pin);
      const record = await engine.refunds.refund(request);
      return {
        out_trade_no: record.orderNo,
        out_refund_no: record.outRefundNo,
        refund_fee: record.refundFee,
        status: record.status,
        order: engine.orderView(record.orderNo)!,
      };
    },
    async queryRefund(request) {
      const refunds = await engine.refunds.queryRefunds(request.out_trade_no);
      const order = engine.orderView(request.out_trade_no)!;
      const filtered = request.out_refund_no
        ? refunds.filter((r) => r.outRefundNo === request.out_refund_no)
        : refunds;
      return {
        out_trade_no: order.out_trade_no,
        refunds: order.refunds.filter((r) => filtered.some((f) => f.outRefundNo === r.out_refund_no)),
        refunded_fee: order.refunded_fee,
        status: order.status,
      };
    },
    closeOrder: async (request) => engine.closeOrder(request.out_trade_no),
    async listOrders(request) {
      const page = request.page ?? 1;
      const pageSize = request.page_size ?? 50;
      const { orders, total } = engine.listOrders({
        ...orderFilters(request),
        offset: (page - 1) * pageSize,
        limit: pageSize,
      });
      return { orders, total, page, page_size: pageSize };
    },
    async exportOrders(request) {
      const orders = collectOrders((offset, limit) =>
        engine.listOrders({ ...orderFilters(request), offset, limit }),
      );
      return {
        filename: exportFilename(config.terminal_id, clock.now()),
        csv: ordersToCsv(orders),
        count: orders.length,
      };
    },
    getOrder: async (request) => engine.orderDetail(request.out_trade_no),
    stopAttempt: async (request) => {
      engine.stop(request.out_trade_no);
      return (
        engine.orderDetail(request.out_trade_no).live_attempt ??
        engine.orderDetail(request.out_trade_no).attempts.at(-1)!
      );
    },
    retryAttempt: async (request) => {
      engine.retry(request.out_trade_no);
      return engine.orderDetail(request.out_trade_no).attempts.at(-1)!;
    },
    listUnresolved: async () => engine.unresolved(),
    beginSale: async (request) => till.begin(request.total_fee, request.note, request.pid),
    cancelSale: async () => till.cancel(),
    getSale: async () => till.view(),
    submitScan: (request) => till.scan(request.code, request.source ?? 'ui', clock.now()),
    async openShift(request) {
      const shift = shifts.open(request.cashier, request.float_fee, clock.now());
      bus.publish({ kind: 'shift', shift });
      return shift;
    },
    async recordCashSale(request) {
      const shift = shifts.current();
      const order = engine.createOrder(
        {
          total_fee: request.total_fee,
          subject: request.note?.trim() || '现金 Cash sale',
          ...cashTenderedCustom(request.total_fee, request.tendered_fee),
          ...(request.note ? { note: request.note } : {}),
          ...(shift ? { cashier: shift.cashier, shift_id: shift.shift_id } : {}),
        },
        'cash',
        1,
      );
      bus.publish({ kind: 'shift', shift: shifts.current() });
      return engine.orderView(order.orderNo)!;
    },
    currentShift: async () => shifts.current(),
    async closeShift(request) {
      const report = shifts.close(request.counted, clock.now());
      bus.publish({ kind: 'shift', shift: null });
      return report;
    },
    verifyPin: async (request) => ({ ok: settings.verifyPin(request.pin, clock.now()) }),
    getSettings: async () => settingsView(),
    async updateSettings(request) {
      requirePin(request.pin);
      settings.update({
        ...(request.language ? { language: request.language } : {}),
        ...(request.kiosk !== undefined ? { kiosk: request.kiosk } : {}),
      });
      if (request.new_pin) settings.setPin(request.new_pin);
      return settingsView();
    },
    qrStart: (request) => qr.start(request.product, request.provider),
    qrState: async () => qr.view(),
    qrCancel: async () => qr.cancel(),
    health: async () => healthView(),
    ...peripherals.api({ requirePin, order: (outTradeNo) => engine.orderView(outTradeNo) }),
  };

  let stopped = false;
  return {
    api,
    config,
    engine,
    sandbox: sandbox ? { url: sandbox.url } : null,
    dataDir,
    onEvent: (listener) => bus.subscribe(listener),
    handleNotify,
    isPaymentInFlight: () => engine.hasLiveAttempts(),
    async stop() {
      if (stopped) return;
      stopped = true;
      health.stop();
      await scanners?.manager.stop();
      await engine.shutdown();
      await peripherals.stop();
      await backups.stop();
      notifyLogger.flush();
      journal.close();
      await ownSandbox?.close();
      logger.info('service stopped');
    },
  };
}

function describeScanner(config: ServiceConfig['scanners'][number]): string {
  switch (config.kind) {
    case 'serial':
      return config.path ?? 'auto-discovered serial port';
    case 'hid':
      return `HID ${config.vendorId.toString(16).padStart(4, '0')}:${config.productId.toString(16).padStart(4, '0')} (${config.profile})`;
    case 'wedge':
      return 'keyboard wedge';
  }
}

/** The listOrders/exportOrders filters as the journal takes them (absent stays absent). */
function orderFilters(request: ExportOrdersRequest): Omit<OrderFilter, 'offset' | 'limit'> {
  return {
    ...(request.from !== undefined ? { from: request.from } : {}),
    ...(request.to !== undefined ? { to: request.to } : {}),
    ...(request.status !== undefined ? { status: request.status } : {}),
    ...(request.tender !== undefined ? { tender: request.tender } : {}),
    ...(request.cashier !== undefined ? { cashier: request.cashier } : {}),
    ...(request.search !== undefined ? { search: request.search } : {}),
  };
}
