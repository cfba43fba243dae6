/** Refund: find the order (scan, type, or pick from history), amount (empty = the rest), PIN, outcome. */

import { createStore, type StoreApi } from 'zustand/vanilla';
import type { RefundResult } from '../../../core/common/contract/api-contract.ts';
import type { OrderView } from '../../../core/common/contract/views.ts';
import type { ErrorShape } from '../../../core/common/errors.ts';
import { isRefundableStatus } from '../../../core/common/order-status.ts';
import type { RendererBridge } from '../bridge/renderer-bridge.ts';
import { type AskShelf, askShelf } from './ask-shelf.ts';
import { toProblem } from './call-error.ts';
import { refundFormSetters } from './refund-form.ts';
import { feeToAsk, randomHex, unansweredAfter } from './unanswered-ask.ts';

export interface RefundState {
  readonly lookup: string;
  readonly order: OrderView | null;
  readonly amount: string;
  readonly reason: string;
  readonly pin: string;
  readonly busy: boolean;
  readonly result: RefundResult | null;
  readonly error: ErrorShape | null;
  /** A refund asked without an answer: it may have been taken, so it is the next ask for that sale. */
  readonly unanswered: UnansweredRefund | null;
}

export interface UnansweredRefund {
  readonly outTradeNo: string;
  readonly fee: number;
  readonly outRefundNo: string;
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

/** The order's number, R, then 16 random hex digits: at most 64 characters of [0-9A-Za-z], as providers allow. */
function newRefundNo(outTradeNo: string): string {
  const prefix = /^[0-9A-Za-z]{1,47}$/.test(outTradeNo) ? outTradeNo : '';
  return `${prefix}R${randomHex(8)}`;
}

/** This till's unanswered refund asks in the page's storage, by sale (./ask-shelf.ts). */
export function refundAskShelf(storage?: Parameters<typeof askShelf>[2]): AskShelf<UnansweredRefund> {
  return askShelf<UnansweredRefund>(
    'scanpay.refund.unanswered',
    (v) => {
      const ask = v as Partial<UnansweredRefund> | null;
      return typeof ask?.outTradeNo === 'string' &&
        typeof ask.outRefundNo === 'string' &&
        Number.isSafeInteger(ask.fee) &&
        (ask.fee ?? 0) > 0
        ? { outTradeNo: ask.outTradeNo, outRefundNo: ask.outRefundNo, fee: ask.fee as number }
        : null;
    },
    storage,
  );
}

/**
 * The sale's own refund the service holds as pending (journaled, no answer from the provider yet), as
 * the next ask: it outlives a page reload, which loses `unanswered` (kept in memory only), and the
 * service refuses a new number meanwhile (refund_in_flight). A refund of a second payment of the
 * order (another trade, refund_payment on 待处理) is not the sale's.
 */
export function pendingAsk(order: OrderView): UnansweredRefund | null {
  const open = order.refunds.find(
    (r) =>
      r.status === 'pending' && (r.out_trade_no === undefined || r.out_trade_no === order.paid_out_trade_no),
  );
  return open
    ? { outTradeNo: order.out_trade_no, fee: open.refund_fee, outRefundNo: open.out_refund_no }
    : null;
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
  unanswered: null,
};

/** The order as the service has it now, if it is still the one on screen (its refunds name a pending ask). */
async function reloadOrder(
  bridge: RendererBridge,
  set: StoreApi<RefundState & RefundActions>['setState'],
  outTradeNo: string,
): Promise<void> {
  try {
    const fresh = await bridge.call('getOrder', { out_trade_no: outTradeNo });
    set((s) => (s.order?.out_trade_no === outTradeNo ? { order: fresh } : {}));
  } catch {
    // The refusal is shown already; the next lookup of the sale brings its refunds.
  }
}

export function createRefundStore(
  bridge: RendererBridge,
  elsewhere?: ElsewhereLookup,
  shelf: AskShelf<UnansweredRefund> = refundAskShelf(),
): RefundStore {
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
        // An ask kept in the page's storage (a reload since) is the next ask for this sale: known as soon
        // as the sale is on screen, so the screen says the press repeats it, with its amount.
        else
          set({ order, amount: '', pin: '', unanswered: shelf.get(order.out_trade_no) ?? get().unanswered });
      } catch (error) {
        set({ error: toProblem(error) });
      } finally {
        set({ busy: false });
      }
    },
    pick(order) {
      elsewhere?.cleared();
      set({
        ...initial,
        unanswered: shelf.get(order.out_trade_no) ?? get().unanswered,
        order,
        lookup: order.out_trade_no,
      });
    },
    setAmount(text) {
      set({ amount: text.replace(/[^\d.]/g, '').slice(0, 12) });
    },
    ...refundFormSetters(set),
    async submit() {
      const { order, amount, pin, reason, busy, unanswered } = get();
      if (!order || busy) return;
      // Every ask carries its own out_refund_no, journaled before the provider is called: repeated
      // after a lost reply, the service answers with that refund instead of making a second one.
      // In memory, else kept in the page's storage (a reload), else pending at the service.
      const repeat =
        (unanswered?.outTradeNo === order.out_trade_no ? unanswered : null) ??
        shelf.get(order.out_trade_no) ??
        pendingAsk(order);
      const ask = feeToAsk(repeat?.fee ?? null, amount, refundableFee(order));
      if ('error' in ask) {
        set({ error: ask.error });
        return;
      }
      const { fee } = ask;
      const outRefundNo = repeat?.outRefundNo ?? newRefundNo(order.out_trade_no);
      set({ busy: true, error: null });
      try {
        const result = await bridge.call('refund', {
          out_trade_no: order.out_trade_no,
          out_refund_no: outRefundNo,
          refund_fee: fee,
          pin,
          ...(reason.trim() ? { refund_desc: reason.trim() } : {}),
        });
        set({
          result,
          order: result.order,
          pin: '',
          amount: '',
          reason: '',
          unanswered: repeat ? null : get().unanswered,
        });
        if (repeat) shelf.drop(order.out_trade_no);
      } catch (error) {
        const problem = toProblem(error);
        const asked = { outTradeNo: order.out_trade_no, fee, outRefundNo };
        const next = unansweredAfter(problem.code, asked, repeat !== null, unanswered);
        set({ error: problem, pin: '', unanswered: next });
        if (next === asked) shelf.put(order.out_trade_no, asked);
        else if (repeat && next === null) shelf.drop(order.out_trade_no);
        // Another ask of this sale is unanswered at the provider (another window, a page before a
        // reload): the order as the service has it now names it, and the next press repeats it.
        if (problem.code === 'refund_in_flight') await reloadOrder(bridge, set, order.out_trade_no);
      } finally {
        set({ busy: false });
      }
    },
    reset() {
      elsewhere?.cleared();
      // An unanswered ask outlives the screen being cleared: it is still the next ask for its sale.
      set({ ...initial, unanswered: get().unanswered });
    },
    applyOrder(order) {
      set((s) => (s.order?.out_trade_no === order.out_trade_no ? { order } : {}));
    },
  }));
}
