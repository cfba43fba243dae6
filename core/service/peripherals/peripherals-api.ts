/**
 * The peripherals' operations (core/common/contract/peripherals-contract.ts) over the running
 * peripherals service: views, the print queue, reprints (receipts, 交班报表), the drawer behind the supervisor PIN and
 * the Settings switches.
 */
import type { PeripheralsApi, PeripheralsView } from '../../common/contract/peripherals-contract.ts';
import type { OrderView } from '../../common/contract/views.ts';
import { ConflictError, NotFoundError } from '../../common/errors.ts';
import { isPaidStatus } from '../../common/order-status.ts';
import type { PeripheralSettings } from './peripheral-settings.ts';
import type { PeripheralsService } from './peripherals-service.ts';

export interface PeripheralsApiDeps {
  readonly service: PeripheralsService;
  readonly settings: PeripheralSettings;
  readonly order: (outTradeNo: string) => OrderView | null | undefined;
  readonly currentCashier: () => string | null;
  readonly publish: (view: PeripheralsView) => void;
}

export function peripheralsView(service: PeripheralsService, settings: PeripheralSettings): PeripheralsView {
  const values = settings.get();
  return { ...service.view(), voice: { enabled: values.voice_enabled, volume: values.voice_volume } };
}

export function buildPeripheralsApi(deps: PeripheralsApiDeps): PeripheralsApi {
  const { service, settings } = deps;
  return {
    getPeripherals: async () => peripheralsView(service, settings),
    listPrintJobs: async (request) => service.listPrintJobs(request.state),
    async reprintReceipt(request) {
      const order = deps.order(request.out_trade_no);
      if (!order) throw new NotFoundError('order_not_found', `no order ${request.out_trade_no}`);
      if (!isPaidStatus(order.status) || order.paid_at === null)
        throw new ConflictError(
          'receipt_order_not_paid',
          `order ${request.out_trade_no} is not paid: no receipt to print`,
        );
      const id = service.reprint(order);
      if (id === null) throw new ConflictError('printer_not_configured', 'no receipt printer is configured');
      return service.listPrintJobs().find((job) => job.id === id) ?? null;
    },
    async printShiftReport(request) {
      const id = service.reprintShiftReport(request.shift_id);
      if (id === undefined) throw new NotFoundError('shift_not_found', `no closed shift ${request.shift_id}`);
      if (id === null) throw new ConflictError('printer_not_configured', 'no receipt printer is configured');
      return service.listPrintJobs().find((job) => job.id === id) ?? null;
    },
    // The supervisor PIN (or a key with `settings`) for the next two is the access policy's check.
    async openDrawer(request) {
      return service.openDrawer(request.who?.trim() || deps.currentCashier());
    },
    async updatePeripheralSettings(request) {
      const values = settings.update({
        ...(request.auto_print !== undefined ? { auto_print: request.auto_print } : {}),
        ...(request.voice_enabled !== undefined ? { voice_enabled: request.voice_enabled } : {}),
        ...(request.voice_volume !== undefined ? { voice_volume: request.voice_volume } : {}),
      });
      service.setAutoPrint(values.auto_print);
      const view = peripheralsView(service, settings);
      deps.publish(view);
      return view;
    },
  };
}
