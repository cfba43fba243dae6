/**
 * Store refund at the till: a sale this till's journal does not hold, looked up at the store hub
 * (findStoreOrder) and refunded through it (storeRefund). The hub is the only writer of such refunds:
 * it fixes the out_refund_no and hands the refund to the till that sold the order. One request_id
 * per refund asked: a retry after the hub did not answer sends the same id, so the hub answers the
 * first request again rather than asking twice; a new amount or a new order starts a new id.
 * An ask that got no answer (hub_no_answer, the service's reply lost) may have been taken: until an
 * answer comes, every new submit for that sale repeats exactly that ask (its id and amount), whatever
 * was typed or looked up since, so a careless retry cannot become a second refund.
 */

import { createStore, type StoreApi } from 'zustand/vanilla';
import type { StoreOrderView, StoreRefundResult } from '../../../core/common/contract/api-contract.ts';
import type { ErrorShape } from '../../../core/common/errors.ts';
import { isRefundableStatus } from '../../../core/common/order-status.ts';
import type { RendererBridge } from '../bridge/renderer-bridge.ts';
import { type AskShelf, askShelf } from './ask-shelf.ts';
import { toProblem } from './call-error.ts';
import type { ConnectionStore } from './connection-store.ts';
import { refundFormSetters } from './refund-form.ts';
import { feeToAsk, randomHex, unansweredAfter } from './unanswered-ask.ts';

export interface StoreRefundState {
  readonly order: StoreOrderView | null;
  readonly amount: string;
  readonly reason: string;
  readonly pin: string;
  readonly busy: boolean;
  /** The refund the hub took (state `requested`: the selling till makes it). */
  readonly result: StoreRefundResult | null;
  readonly error: ErrorShape | null;
  /** The id of the refund being asked, kept across retries of the same ask. */
  readonly requestId: string | null;
  /** An ask sent without an answer: it may have been taken, so it is the next ask for that sale. */
  readonly unanswered: UnansweredAsk | null;
}

export interface UnansweredAsk {
  readonly terminalId: string;
  readonly orderNo: string;
  readonly fee: number;
  readonly requestId: string;
}

export interface StoreRefundActions {
  /** Looks `orderNo` up at the hub; sets `order`, or the error the screen shows. */
  find(orderNo: string): Promise<void>;
  setAmount(text: string): void;
  setReason(text: string): void;
  setPin(pin: string): void;
  submit(): Promise<void>;
  reset(): void;
}

export type StoreRefundStore = StoreApi<StoreRefundState & StoreRefundActions>;

/** The unanswered ask the next press for `order` repeats (the screen says so), if any. */
export function storeRepeatOf(order: StoreOrderView, unanswered: UnansweredAsk | null): UnansweredAsk | null {
  return unanswered?.terminalId === order.terminal_id && unanswered.orderNo === order.order_no
    ? unanswered
    : null;
}

export function storeRefundableFee(order: StoreOrderView): number {
  return isRefundableStatus(order.status) ? Math.max(0, order.total_fee - order.refunded_fee) : 0;
}

const initial: StoreRefundState = {
  order: null,
  amount: '',
  reason: '',
  pin: '',
  busy: false,
  result: null,
  error: null,
  requestId: null,
  unanswered: null,
};

/** Unanswered store refund asks in the page's storage, by sale (./ask-shelf.ts). */
export function storeAskShelf(storage?: Parameters<typeof askShelf>[2]): AskShelf<UnansweredAsk> {
  return askShelf<UnansweredAsk>(
    'scanpay.store-refund.unanswered',
    (v) => {
      const ask = v as Partial<UnansweredAsk> | null;
      return typeof ask?.terminalId === 'string' &&
        typeof ask.orderNo === 'string' &&
        typeof ask.requestId === 'string' &&
        Number.isSafeInteger(ask.fee) &&
        (ask.fee ?? 0) > 0
        ? {
            terminalId: ask.terminalId,
            orderNo: ask.orderNo,
            requestId: ask.requestId,
            fee: ask.fee as number,
          }
        : null;
    },
    storage,
  );
}

const saleKey = (order: StoreOrderView) => `${order.terminal_id}/${order.order_no}`;

function newRequestId(): string {
  return `ui-${randomHex(16)}`;
}

export function createStoreRefundStore(
  bridge: RendererBridge,
  shelf: AskShelf<UnansweredAsk> = storeAskShelf(),
): StoreRefundStore {
  return createStore<StoreRefundState & StoreRefundActions>()((set, get) => ({
    ...initial,
    async find(orderNo) {
      const text = orderNo.trim();
      if (!text || get().busy) return;
      set({ ...initial, unanswered: get().unanswered, busy: true });
      try {
        const { orders } = await bridge.call('findStoreOrder', { order_no: text });
        // Order numbers carry the selling till's prefix, so two tills holding one number is a
        // misconfiguration: the one that can still be refunded is the one the customer means.
        const order = orders.find((o) => storeRefundableFee(o) > 0) ?? orders[0] ?? null;
        if (!order) set({ error: { code: 'order_not_found', message: 'not at this till nor at the hub' } });
        // An ask kept in the page's storage (a reload since) is the next ask for this sale: known as
        // soon as the sale is on screen, so the panel says the press repeats it, with its amount.
        else set({ order, unanswered: shelf.get(saleKey(order)) ?? get().unanswered });
      } catch (error) {
        set({ error: toProblem(error) });
      } finally {
        set({ busy: false });
      }
    },
    setAmount(text) {
      set({ amount: text.replace(/[^\d.]/g, '').slice(0, 12), requestId: null });
    },
    ...refundFormSetters(set),
    async submit() {
      const { order, amount, pin, reason, busy, unanswered } = get();
      if (!order || busy) return;
      // In memory, else kept in the page's storage (the page was reloaded since).
      const repeat = storeRepeatOf(order, unanswered) ?? shelf.get(saleKey(order));
      const ask = feeToAsk(repeat?.fee ?? null, amount, storeRefundableFee(order));
      if ('error' in ask) {
        set({ error: ask.error });
        return;
      }
      const { fee } = ask;
      const requestId = repeat?.requestId ?? get().requestId ?? newRequestId();
      set({ busy: true, error: null, result: null, requestId });
      try {
        const result = await bridge.call('storeRefund', {
          terminal_id: order.terminal_id,
          order_no: order.order_no,
          refund_fee: fee,
          pin,
          request_id: requestId,
          ...(reason.trim() ? { refund_desc: reason.trim() } : {}),
        });
        // Asked: what is left to refund at the hub drops now; the selling till reports the outcome.
        set({
          result,
          order: { ...order, refunded_fee: order.refunded_fee + result.refund_fee },
          pin: '',
          amount: '',
          reason: '',
          requestId: null,
          // Answered: this sale's unanswered ask ends; another sale's is still owed its answer.
          unanswered: repeat ? null : unanswered,
        });
        if (repeat) shelf.drop(saleKey(order));
      } catch (error) {
        const problem = toProblem(error);
        const asked = { terminalId: order.terminal_id, orderNo: order.order_no, fee, requestId };
        const next = unansweredAfter(problem.code, asked, repeat !== null, unanswered);
        set({ error: problem, pin: '', unanswered: next });
        if (next === asked) shelf.put(saleKey(order), asked);
        else if (repeat && next === null) shelf.drop(saleKey(order));
      } finally {
        set({ busy: false });
      }
    },
    reset() {
      // An unanswered ask outlives the screen being cleared: it is still the next ask for its sale.
      set({ ...initial, unanswered: get().unanswered });
    },
  }));
}

/**
 * What the refund screen's lookup does when this till's journal has no such order: with a hub
 * configured, the store refund takes the number over (true); without one, nothing (false).
 */
export function lookupAtHub(
  connection: ConnectionStore,
  storeRefund: StoreRefundStore,
): { cleared(): void; notFound(text: string): Promise<boolean> } {
  return {
    cleared: () => storeRefund.getState().reset(),
    async notFound(text) {
      if (!connection.getState().health?.hub) return false;
      await storeRefund.getState().find(text);
      return true;
    },
  };
}
