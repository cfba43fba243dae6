/**
 * The 对账 screen's state: the Beijing day shown (yesterday by default, the day whose bills are
 * ready), its summary as the service recorded it, a run on demand, the CSV export, and a
 * supervisor's decision on one discrepancy (PIN, who and why).
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { OrdersExport } from '../../../core/common/contract/api-contract.ts';
import type {
  DaySummary,
  DecisionAction,
  ReconcileItem,
} from '../../../core/common/contract/reconcile-views.ts';
import type { ErrorShape } from '../../../core/common/errors.ts';
import type { RendererBridge } from '../bridge/renderer-bridge.ts';
import type { Language } from '../i18n/catalog.ts';
import { toProblem } from './call-error.ts';

const BEIJING_OFFSET_MS = 8 * 3600_000;

/** Yesterday in Beijing, YYYY-MM-DD: the newest day whose bills exist. */
export function yesterdayInBeijing(now: number): string {
  return new Date(now + BEIJING_OFFSET_MS - 86_400_000).toISOString().slice(0, 10);
}

/** Every discrepancy of a summary, in list order. */
export function discrepancies(summary: DaySummary | null): ReconcileItem[] {
  if (!summary) return [];
  return [
    ...summary.provider_only,
    ...summary.terminal_only,
    ...summary.amount_mismatch,
    ...summary.refund_mismatch,
  ];
}

export interface ReconcileState {
  readonly date: string;
  readonly summary: DaySummary | null;
  readonly loading: boolean;
  readonly running: boolean;
  readonly exporting: boolean;
  readonly deciding: boolean;
  readonly selectedId: number | null;
  readonly error: ErrorShape | null;
}

export interface ReconcileActions {
  setDate(date: string): void;
  load(): Promise<void>;
  /** Fetches the bills and reconciles the day now. */
  run(): Promise<void>;
  /** The day's list as CSV in that language (null when it failed: see `error`). */
  exportCsv(language: Language): Promise<OrdersExport | null>;
  select(id: number | null): void;
  decide(decision: { action: DecisionAction; by: string; note: string; pin: string }): Promise<boolean>;
}

export type ReconcileStore = StoreApi<ReconcileState & ReconcileActions>;

export function createReconcileStore(bridge: RendererBridge, now: () => number = Date.now): ReconcileStore {
  let generation = 0; // a slow answer for an earlier date must not overwrite the newer one
  return createStore<ReconcileState & ReconcileActions>()((set, get) => {
    async function fetchDay(run: boolean): Promise<void> {
      const mine = ++generation;
      set(run ? { running: true, error: null } : { loading: true, error: null });
      try {
        const summary = await bridge.call('reconcileDay', { date: get().date, run });
        if (mine === generation) set({ summary });
      } catch (error) {
        if (mine === generation) set({ error: toProblem(error) });
      } finally {
        if (mine === generation) set({ loading: false, running: false });
      }
    }
    return {
      date: yesterdayInBeijing(now()),
      summary: null,
      loading: false,
      running: false,
      exporting: false,
      deciding: false,
      selectedId: null,
      error: null,
      setDate(date) {
        set({ date, summary: null, selectedId: null });
      },
      load: () => fetchDay(false),
      run: () => fetchDay(true),
      async exportCsv(language) {
        if (get().exporting) return null;
        set({ exporting: true, error: null });
        try {
          return await bridge.call('exportReconcile', { date: get().date, language });
        } catch (error) {
          set({ error: toProblem(error) });
          return null;
        } finally {
          set({ exporting: false });
        }
      },
      select(id) {
        set({ selectedId: id, error: null });
      },
      async decide(decision) {
        const id = get().selectedId;
        if (id === null || get().deciding) return false;
        set({ deciding: true, error: null });
        try {
          const item = await bridge.call('decideDiscrepancy', { id, ...decision });
          const summary = get().summary;
          if (summary) {
            const swap = (list: readonly ReconcileItem[]) => list.map((i) => (i.id === item.id ? item : i));
            set({
              summary: {
                ...summary,
                provider_only: swap(summary.provider_only),
                terminal_only: swap(summary.terminal_only),
                amount_mismatch: swap(summary.amount_mismatch),
                refund_mismatch: swap(summary.refund_mismatch),
              },
            });
          }
          return true;
        } catch (error) {
          set({ error: toProblem(error) });
          return false;
        } finally {
          set({ deciding: false });
        }
      },
    };
  });
}
