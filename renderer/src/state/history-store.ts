/** Order history: filters as the cashier typed them (dates as YYYY-MM-DD), the page, and one opened order. */
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { OrdersExport } from '../../../core/common/contract/api-contract.ts';
import type { ExportOrdersRequest, ListOrdersRequest } from '../../../core/common/contract/api-schemas.ts';
import type { OrderDetailView, OrderStatus, OrderView, Tender } from '../../../core/common/contract/views.ts';
import type { ErrorShape } from '../../../core/common/errors.ts';
import type { RendererBridge } from '../bridge/renderer-bridge.ts';
import type { Language } from '../i18n/catalog.ts';
import { toProblem } from './call-error.ts';

export interface HistoryFilters {
  readonly from: string;
  readonly to: string;
  readonly tender: Tender | '';
  readonly status: OrderStatus | '';
  readonly cashier: string;
  readonly search: string;
}

export interface HistoryState {
  readonly filters: HistoryFilters;
  readonly orders: readonly OrderView[];
  readonly total: number;
  readonly page: number;
  readonly pageSize: number;
  readonly loading: boolean;
  readonly exporting: boolean;
  readonly selected: OrderDetailView | null;
  readonly error: ErrorShape | null;
}

export interface HistoryActions {
  setFilters(patch: Partial<HistoryFilters>): void;
  load(page?: number): Promise<void>;
  /** Every order matching the filters as a CSV file in that language (null when it failed: see `error`). */
  exportCsv(language: Language): Promise<OrdersExport | null>;
  select(outTradeNo: string): Promise<void>;
  clearSelection(): void;
  applyOrder(order: OrderView): void;
}

export type HistoryStore = StoreApi<HistoryState & HistoryActions>;

/** Local-day bounds of a YYYY-MM-DD date input, in ms since epoch. */
export function dayStart(date: string): number | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) return undefined;
  return new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3])).getTime();
}

export function toListRequest(filters: HistoryFilters, page: number, pageSize: number): ListOrdersRequest {
  const from = dayStart(filters.from);
  const toStart = dayStart(filters.to);
  const request: { -readonly [K in keyof ListOrdersRequest]: ListOrdersRequest[K] } = {
    page,
    page_size: pageSize,
  };
  if (from !== undefined) request.from = from;
  if (toStart !== undefined) request.to = toStart + 24 * 3600 * 1000 - 1;
  if (filters.tender) request.tender = filters.tender;
  if (filters.status !== '') request.status = filters.status;
  if (filters.cashier.trim()) request.cashier = filters.cashier.trim();
  if (filters.search.trim()) request.search = filters.search.trim();
  return request;
}

export function toExportRequest(filters: HistoryFilters): ExportOrdersRequest {
  const { page: _page, page_size: _pageSize, ...request } = toListRequest(filters, 1, 1);
  return request;
}

export const EMPTY_FILTERS: HistoryFilters = {
  from: '',
  to: '',
  tender: '',
  status: '',
  cashier: '',
  search: '',
};

export function createHistoryStore(bridge: RendererBridge, pageSize = 20): HistoryStore {
  let generation = 0; // a slow earlier search must not overwrite a newer one
  return createStore<HistoryState & HistoryActions>()((set, get) => ({
    filters: EMPTY_FILTERS,
    orders: [],
    total: 0,
    page: 1,
    pageSize,
    loading: false,
    exporting: false,
    selected: null,
    error: null,
    setFilters(patch) {
      set((s) => ({ filters: { ...s.filters, ...patch } }));
    },
    async load(page = 1) {
      const mine = ++generation;
      set({ loading: true, error: null });
      try {
        const result = await bridge.call('listOrders', toListRequest(get().filters, page, get().pageSize));
        if (mine !== generation) return;
        set({ orders: result.orders, total: result.total, page: result.page });
      } catch (error) {
        if (mine === generation) set({ error: toProblem(error) });
      } finally {
        if (mine === generation) set({ loading: false });
      }
    },
    async exportCsv(language) {
      if (get().exporting) return null;
      set({ exporting: true, error: null });
      try {
        return await bridge.call('exportOrders', { ...toExportRequest(get().filters), language });
      } catch (error) {
        set({ error: toProblem(error) });
        return null;
      } finally {
        set({ exporting: false });
      }
    },
    async select(outTradeNo) {
      try {
        set({ selected: await bridge.call('getOrder', { out_trade_no: outTradeNo }), error: null });
      } catch (error) {
        set({ error: toProblem(error) });
      }
    },
    clearSelection() {
      set({ selected: null });
    },
    applyOrder(order) {
      set((s) => ({
        orders: s.orders.map((o) => (o.out_trade_no === order.out_trade_no ? order : o)),
        selected: s.selected?.out_trade_no === order.out_trade_no ? { ...s.selected, ...order } : s.selected,
      }));
    },
  }));
}
