/** Receipt printer, drawer and voice settings: the status bar's printer light and the Settings switches. */
import { createStore, type StoreApi } from 'zustand/vanilla';
import type {
  PeripheralsView,
  PrintJobView,
  UpdatePeripheralSettingsRequest,
} from '../../../core/common/contract/peripherals-contract.ts';
import type { ErrorShape } from '../../../core/common/errors.ts';
import type { RendererBridge } from '../bridge/renderer-bridge.ts';
import { busyAction } from './busy-action.ts';

export interface PeripheralsState {
  readonly view: PeripheralsView | null;
  readonly jobs: readonly PrintJobView[];
  readonly busy: boolean;
  readonly error: ErrorShape | null;
  /** The last drawer opening asked from the till: delivered or not. */
  readonly drawer: { readonly delivered: boolean } | null;
}

export interface PeripheralsActions {
  load(): Promise<void>;
  loadJobs(): Promise<void>;
  reprint(outTradeNo: string): Promise<void>;
  /** The 交班报表 of a closed shift, again, on the receipt printer. */
  printShiftReport(shiftId: string): Promise<void>;
  openDrawer(pin: string): Promise<void>;
  update(request: UpdatePeripheralSettingsRequest): Promise<void>;
  applyPeripherals(view: PeripheralsView): void;
}

export type PeripheralsStore = StoreApi<PeripheralsState & PeripheralsActions>;

export function createPeripheralsStore(bridge: RendererBridge): PeripheralsStore {
  return createStore<PeripheralsState & PeripheralsActions>()((set, get) => {
    const busy = busyAction(get, set);
    return {
      view: null,
      jobs: [],
      busy: false,
      error: null,
      drawer: null,
      load: () => busy(async () => set({ view: await bridge.call('getPeripherals', {}) })),
      loadJobs: () => busy(async () => set({ jobs: await bridge.call('listPrintJobs', {}) })),
      reprint: (outTradeNo) =>
        busy(async () => {
          await bridge.call('reprintReceipt', { out_trade_no: outTradeNo });
          set({ jobs: await bridge.call('listPrintJobs', {}) });
        }),
      printShiftReport: (shiftId) =>
        busy(async () => {
          await bridge.call('printShiftReport', { shift_id: shiftId });
          set({ jobs: await bridge.call('listPrintJobs', {}) });
        }),
      openDrawer: (pin) => busy(async () => set({ drawer: await bridge.call('openDrawer', { pin }) })),
      update: (request) =>
        busy(async () => set({ view: await bridge.call('updatePeripheralSettings', request) })),
      applyPeripherals(view) {
        set({ view });
      },
    };
  });
}
