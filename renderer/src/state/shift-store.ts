/**
 * The cashier's shift: open with a float, the live totals, close with a blind cash count → 交班报表.
 * Only cash is counted (e-wallet money is the journal's); an empty count is refused, not taken as 0.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { ShiftView, ZReportView } from '../../../core/common/contract/views.ts';
import type { ErrorShape } from '../../../core/common/errors.ts';
import type { RendererBridge } from '../bridge/renderer-bridge.ts';
import { entryToFen } from './amount-entry.ts';
import { busyAction } from './busy-action.ts';
import { toProblem } from './call-error.ts';

export interface ShiftState {
  readonly shift: ShiftView | null;
  readonly loaded: boolean;
  readonly zReport: ZReportView | null;
  readonly busy: boolean;
  readonly error: ErrorShape | null;
}

export interface ShiftActions {
  load(): Promise<void>;
  open(cashier: string, floatYuan: string): Promise<void>;
  /** The cash counted in the drawer, as typed in yuan. */
  close(countedCashYuan: string): Promise<void>;
  dismissReport(): void;
  applyShift(shift: ShiftView | null): void;
}

export type ShiftStore = StoreApi<ShiftState & ShiftActions>;

/** "" → 0, "12.5" → 1250, junk → null. */
export function yuanTextToFen(text: string): number | null {
  const t = text.trim();
  if (t === '' || /^0*(\.0*)?$/.test(t)) return /^[0.]*$/.test(t) ? 0 : null;
  return entryToFen(t);
}

export function createShiftStore(bridge: RendererBridge): ShiftStore {
  return createStore<ShiftState & ShiftActions>()((set, get) => {
    const run = busyAction(get, set);
    return {
      shift: null,
      loaded: false,
      zReport: null,
      busy: false,
      error: null,
      async load() {
        try {
          set({ shift: await bridge.call('currentShift', {}), loaded: true });
        } catch (error) {
          set({ error: toProblem(error), loaded: true });
        }
      },
      open(cashier, floatYuan) {
        return run(async () => {
          const float = yuanTextToFen(floatYuan);
          if (float === null) {
            set({ error: { code: 'amount_invalid', message: 'bad float' } });
            return;
          }
          if (!cashier.trim()) {
            set({ error: { code: 'validation_failed', message: 'cashier required' } });
            return;
          }
          set({
            shift: await bridge.call('openShift', { cashier: cashier.trim(), float_fee: float }),
            zReport: null,
          });
        });
      },
      close(countedCashYuan) {
        return run(async () => {
          if (countedCashYuan.trim() === '') {
            set({ error: { code: 'cash_count_missing', message: 'enter the counted cash' } });
            return;
          }
          const cash = yuanTextToFen(countedCashYuan);
          if (cash === null) {
            set({ error: { code: 'amount_invalid', message: 'bad cash count' } });
            return;
          }
          const zReport = await bridge.call('closeShift', { counted: { cash } });
          set({ zReport, shift: null });
        });
      },
      dismissReport() {
        set({ zReport: null });
      },
      applyShift(shift) {
        set({ shift, loaded: true });
      },
    };
  });
}
