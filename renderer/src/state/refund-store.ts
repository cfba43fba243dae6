/** Refund: find the order (scan, type, or pick from history), amount (empty = the rest), PIN, outcome. */

import { createStore, type StoreApi } from 'zustand/vanilla';
import type { RefundResult } from '../../../core/common/contract/api-contract.ts';
import { PIN_MAX_LENGTH } from '../../../core/common/contract/pin-rules.ts';
import type { OrderView } from '../../../core/common/contract/views.ts';
import type { ErrorShape } from '../../../core/common/errors.ts';
import { isRefundableStatus } from '../../../core/common/order-status.ts';
import type { RendererBridge } from '../bridge/renderer-bridge.ts';
import { entryToFen } from './amount-entry.ts';
import { toProblem } from './call-error.ts';

export interface RefundState {
  readonly lookup: string;
  readonly order: OrderView | null;
  readonly amount: string;
  readonly reason: string;
  readonly pin: string;
  readonly busy: boolean;
  readonly result: RefundResult | null;
  readonly error: ErrorShape | null;
}

export interface RefundActions {
  setLookup(text: string): void;
  find(ref?: string): Promise<void>;
  pick(order: OrderView): void;
  setAmount(text: string): void;
  setReason(text: string): void;
  setPin(pin: string): void;
  submit(): Promise<void>;
  reset(): void;
  applyOrder(order: OrderView): void;
}

export type RefundStore = StoreApi<RefundState & RefundActions>;

/** Where a lookup goes when this till's journal has no such order (the store hub: ./store-refund-store.ts). */
export interface ElsewhereLookup {
  /** A new lookup or pick: whatever was found elsewhere goes. */
  cleared(): void;
  /** True when it took the number over (it shows its own result or error). */
  notFound(text: string): Promise<boolean>;
}

export function refundableFee(order: OrderView): number {
  return isRefundableStatus(order.status) ? Math.max(0, order.total_fee - order.refunded_fee) : 0;
}

const initial: RefundState = {
  lookup: '',
  order: null,
  amount: '',
  reason: '',
  pin: '',
  busy: false,
  result: null,
  error: null,
};

export function createRefundStore(bridge: RendererBridge, elsewhere?: ElsewhereLookup): RefundStore {
  return createStore<RefundState & RefundActions>()((set, get) => ({
    ...initial,
    setLookup(text) {
      set({ lookup: text.slice(0, 64) });
    },
    async find(ref) {
      const text = (ref ?? get().lookup).trim();
      if (!text) return;
      set({ busy: true, error: null, result: null, order: null, lookup: text });
      elsewhere?.cleared();
      try {
        let order: OrderView | null = null;
        try {
          order = await bridge.call('getOrder', { out_trade_no: text });
        } catch (error) {
          if (toProblem(error).code !== 'order_not_found' && toProblem(error).code !== 'not_found')
            throw error;
        }
        if (!order) {
          // A transaction id (or an attempt number): search history for an exact match.
          const list = await bridge.call('listOrders', { search: text, page: 1, page_size: 10 });
          order =
            list.orders.find(
              (o) => o.transaction_id === text || o.out_trade_no === text || o.paid_out_trade_no === text,
            ) ?? null;
        }
        if (!order && (await elsewhere?.notFound(text))) return;
        if (!order) set({ error: { code: 'order_not_found', message: 'no such order' } });
        else set({ order, amount: '', pin: '' });
      } catch (error) {
        set({ error: toProblem(error) });
      } finally {
        set({ busy: false });
      }
    },
    pick(order) {
      elsewhere?.cleared();
      set({ ...initial, order, lookup: order.out_trade_no });
    },
    setAmount(text) {
      set({ amount: text.replace(/[^\d.]/g, '').slice(0, 12) });
    },
    setReason(text) {
      set({ reason: text.slice(0, 80) });
    },
    setPin(pin) {
      // As typed: 6 to 12 digits or a passphrase (pin-rules.ts), never cut to fewer than a PIN may hold.
      set({ pin: pin.slice(0, PIN_MAX_LENGTH) });
    },
    async submit() {
      const { order, amount, pin, reason, busy } = get();
      if (!order || busy) return;
      const rest = refundableFee(order);
      const fee = amount.trim() === '' ? rest : entryToFen(amount.trim());
      if (fee === null || fee <= 0) {
        set({ error: { code: 'amount_invalid', message: 'not an amount' } });
        return;
      }
      if (fee > rest) {
        set({ error: { code: 'refund_exceeds_paid', message: 'more than refundable' } });
        return;
      }
      set({ busy: true, error: null });
      try {
        const result = await bridge.call('refund', {
          out_trade_no: order.out_trade_no,
          refund_fee: fee,
          pin,
          ...(reason.trim() ? { refund_desc: reason.trim() } : {}),
        });
        set({ result, order: result.order, pin: '', amount: '', reason: '' });
      } catch (error) {
        set({ error: toProblem(error), pin: '' });
      } finally {
        set({ busy: false });
      }
    },
    reset() {
      elsewhere?.cleared();
      set(initial);
    },
    applyOrder(order) {
      set((s) => (s.order?.out_trade_no === order.out_trade_no ? { order } : {}));
    },
  }));
}
