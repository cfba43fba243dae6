/**
 * Builds the peripherals service from the configuration and starts it on the event bus; the kiosk
 * service awaits this once at start, spreads `api()` into its operations and calls `stop()` at
 * shutdown, so its own wiring stays a few lines.
 */
import type { DatabaseSync } from 'node:sqlite';
import type { PeripheralsApi } from '../../common/contract/peripherals-contract.ts';
import type { OrderView } from '../../common/contract/views.ts';
import type { EngineLogger } from '../../engine/engine-deps.ts';
import { createPeripherals } from '../../peripherals/create-peripherals.ts';
import type { ServiceConfig } from '../config/service-config.ts';
import type { EventBus } from '../event-bus.ts';
import type { ShiftStore } from '../shift-store.ts';
import { PeripheralSettings } from './peripheral-settings.ts';
import { buildPeripheralsApi, peripheralsView } from './peripherals-api.ts';
import { PeripheralsService } from './peripherals-service.ts';

export interface RunningPeripherals {
  readonly service: PeripheralsService;
  api(deps: { order: (outTradeNo: string) => OrderView | null | undefined }): PeripheralsApi;
  stop(): Promise<void>;
}

export async function startPeripherals(deps: {
  readonly config: ServiceConfig;
  readonly dataDir: string;
  readonly db: DatabaseSync;
  readonly bus: EventBus;
  readonly shifts: ShiftStore;
  readonly now: () => number;
  readonly logger: EngineLogger;
  readonly retryDelaysMs?: readonly number[];
  readonly statusEveryMs?: number;
}): Promise<RunningPeripherals> {
  const { config, bus } = deps;
  const { printer, poleDisplay } = createPeripherals(config);
  // receiptline + iconv-lite are loaded only when something will print: an idle `serve` without a
  // printer never parses them (issue 20, docs/benchmarks.md). Loaded here, at start, so enqueueing
  // a receipt stays synchronous for the event handlers.
  const encodeReceipt = printer
    ? (await import('../../peripherals/escpos/receipt-encoder.ts')).encodeEscPos
    : null;
  const settings = new PeripheralSettings(deps.dataDir, {
    auto_print: config.printer?.auto_print ?? true,
    voice_enabled: config.voice.enabled,
    voice_volume: config.voice.volume,
  });
  const merchantName = (pid: string | null) =>
    config.merchants?.find((m) => m.pid === pid)?.name ?? config.merchants?.[0]?.name;
  const publish = () => bus.publish({ kind: 'peripherals', peripherals: peripheralsView(service, settings) });
  const service: PeripheralsService = new PeripheralsService({
    db: deps.db,
    printer,
    encodeReceipt,
    poleDisplay,
    printerOptions: {
      width: config.printer?.width ?? 80,
      qr: config.printer?.qr ?? 'native',
      autoPrint: settings.get().auto_print,
      drawerOnCash: config.printer?.drawer_on_cash ?? true,
    },
    terminalId: config.terminal_id,
    shopName: (pid) => config.printer?.shop_name ?? merchantName(pid) ?? 'ScanPay',
    now: deps.now,
    logger: deps.logger,
    shiftReport: (shiftId) => deps.shifts.report(shiftId),
    lastClosedShiftId: () => deps.shifts.lastClosedId(),
    currentShiftId: () => deps.shifts.current()?.shift_id ?? null,
    ...(deps.retryDelaysMs ? { retryDelaysMs: deps.retryDelaysMs } : {}),
    ...(deps.statusEveryMs !== undefined ? { statusEveryMs: deps.statusEveryMs } : {}),
    onPrinterStatus: (status) => {
      deps.logger.info('printer status', { state: status.state, paper_low: status.paper_low });
      publish();
    },
  });
  const unsubscribe = service.start((listener) => bus.subscribe(listener));
  return {
    service,
    api: (apiDeps) =>
      buildPeripheralsApi({
        service,
        settings,
        order: apiDeps.order,
        currentCashier: () => deps.shifts.current()?.cashier ?? null,
        publish: () => publish(),
      }),
    async stop() {
      unsubscribe();
      service.stop();
      await service.idle();
      await service.closeDevices();
    },
  };
}
