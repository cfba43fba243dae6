/**
 * Builds the peripherals service from the configuration and starts it on the event bus; the kiosk
 * service calls this once at start (and `stop()` at shutdown), so its own wiring stays two lines.
 */
import type { DatabaseSync } from 'node:sqlite';
import type { ServiceEvent } from '../../common/contract/api-contract.ts';
import type { EngineLogger } from '../../engine/engine-deps.ts';
import { createPeripherals } from '../../peripherals/create-peripherals.ts';
import type { ServiceConfig } from '../config/service-config.ts';
import type { EventBus } from '../event-bus.ts';
import type { ShiftStore } from '../shift-store.ts';
import { PeripheralsService } from './peripherals-service.ts';

export interface RunningPeripherals {
  readonly service: PeripheralsService;
  stop(): Promise<void>;
}

export function startPeripherals(deps: {
  readonly config: ServiceConfig;
  readonly db: DatabaseSync;
  readonly bus: EventBus;
  readonly shifts: ShiftStore;
  readonly now: () => number;
  readonly logger: EngineLogger;
  readonly retryDelaysMs?: readonly number[];
  /** Where printer status changes go (the UI's status bar). */
  readonly publish?: (event: ServiceEvent) => void;
}): RunningPeripherals {
  const { config } = deps;
  const { printer, poleDisplay } = createPeripherals(config);
  const merchantName = (pid: string | null) =>
    config.merchants?.find((m) => m.pid === pid)?.name ?? config.merchants?.[0]?.name;
  const service = new PeripheralsService({
    db: deps.db,
    printer,
    poleDisplay,
    printerOptions: {
      width: config.printer?.width ?? 80,
      qr: config.printer?.qr ?? 'native',
      autoPrint: config.printer?.auto_print ?? true,
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
    onPrinterStatus: (status) =>
      deps.logger.info('printer status', { state: status.state, paper_low: status.paper_low }),
  });
  const unsubscribe = service.start((listener) => deps.bus.subscribe(listener));
  return {
    service,
    async stop() {
      unsubscribe();
      service.stop();
      await service.idle();
    },
  };
}
