/**
 * The cash sale the customer screen shows. A cash sale is booked at once (recordCashSale) and never
 * goes through the till's SaleView, so the customer window learns of it from the service's order
 * event: the latest paid cash order is kept until the till starts its next sale, or until that
 * order is refunded. A reloaded window starts empty (orders are not reloaded), so an old cash sale
 * never comes back.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { OrderView, SaleView } from '../../../core/common/contract/views.ts';
import { isPaidStatus } from '../../../core/common/order-status.ts';

export interface CustomerCashState {
  readonly cashSale: OrderView | null;
}

export interface CustomerCashActions {
  applyOrder(order: OrderView): void;
  applySale(sale: SaleView): void;
}

export type CustomerCashStore = StoreApi<CustomerCashState & CustomerCashActions>;

const isBookedCash = (order: OrderView) =>
  order.tender === 'cash' && isPaidStatus(order.status) && order.refunded_fee === 0;

export function createCustomerCashStore(): CustomerCashStore {
  return createStore<CustomerCashState & CustomerCashActions>()((set) => ({
    cashSale: null,
    applyOrder(order) {
      set((s) => {
        const shown = s.cashSale;
        if (shown?.out_trade_no === order.out_trade_no) {
          if (shown.updated_at > order.updated_at) return {};
          return { cashSale: isBookedCash(order) ? order : null };
        }
        return isBookedCash(order) ? { cashSale: order } : {};
      });
    },
    applySale(sale) {
      // The next sale begins: the customer now sees what it is asked to pay.
      if (sale.state !== 'idle') set({ cashSale: null });
    },
  }));
}
