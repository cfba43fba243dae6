/**
 * The till: mirrors the service's SaleView (the service decides what a scan does) plus what the
 * cashier is typing. `selectSaleScreen` is the single place that turns that into which screen shows.
 */

import { createStore, type StoreApi } from 'zustand/vanilla';
import type { AttemptView, OrderView, SaleView, ScanView } from '../../../core/common/contract/views.ts';
import { FINAL_PHASES } from '../../../core/common/contract/views.ts';
import type { ErrorShape } from '../../../core/common/errors.ts';
import { isPaidStatus } from '../../../core/common/order-status.ts';
import type { RendererBridge } from '../bridge/renderer-bridge.ts';
import { entryToFen, type KeypadKey, pressKey } from './amount-entry.ts';
import { busyAction } from './busy-action.ts';
import { toProblem } from './call-error.ts';

export interface SaleState {
  readonly sale: SaleView | null;
  readonly entry: string;
  readonly note: string;
  /** Cash handed over, as typed (yuan; optional): the receipt prints 实收 and 找零. */
  readonly tendered: string;
  readonly busy: boolean;
  readonly error: ErrorShape | null;
  readonly confirmingStop: boolean;
  /** The cashier dismissed a finished outcome and is typing the next amount. */
  readonly startingNew: boolean;
  /** A cash sale just recorded (cash never goes through SaleView). */
  readonly cashOrder: OrderView | null;
  /**
   * The order the cashier moved on from while its charge was still unresolved (in doubt, or waiting
   * for a person): the engine finishes it in the background, and its events must not pull the till
   * back to it. Null when the till shows the service's sale.
   */
  readonly leftOrder: string | null;
}

export interface SaleActions {
  load(): Promise<void>;
  press(key: KeypadKey): void;
  setNote(note: string): void;
  setTendered(text: string): void;
  begin(): Promise<void>;
  cancel(): Promise<void>;
  payCash(): Promise<void>;
  /** The customer cannot pay by wallet: drop the waiting sale and take the same amount in cash. */
  payCashInstead(): Promise<void>;
  /** A stopped (reversed) sale: start a new one for the same amount and note, straight to the scan. */
  chargeAgain(): Promise<void>;
  submitManualCode(code: string): Promise<void>;
  /**
   * A scan (a code, or a scanner's held scan) sent with the amount on screen when there is one: the
   * scan is the charge. `shown` is null when no amount is on screen (the service then refuses).
   */
  submitScan(scan: ScanToSubmit, shown: SaleAmount | null): Promise<ScanView | null>;
  requestStop(): void;
  dismissStop(): void;
  confirmStop(): Promise<void>;
  newSale(): void;
  clearError(): void;
  applySale(sale: SaleView): void;
  applyAttempt(attempt: AttemptView): void;
  applyOrder(order: OrderView): void;
  applyScan(scan: ScanView): void;
}

/** What beginSale and recordCashSale both take: the amount and the cashier's note. */
export type SaleAmount = { readonly total_fee: number; readonly note?: string };

/** A scan to send: a code read in this window, or a scanner's scan the service holds for a screen. */
export type ScanToSubmit =
  | { readonly code: string; readonly source: string }
  | { readonly held_id: string; readonly source: string };

export type SaleStore = StoreApi<SaleState & SaleActions>;

export type Outcome =
  | { readonly kind: 'paid'; readonly order: OrderView | null; readonly attempt: AttemptView | null }
  | { readonly kind: 'failed'; readonly attempt: AttemptView }
  | { readonly kind: 'reversed'; readonly attempt: AttemptView }
  | { readonly kind: 'closed'; readonly attempt: AttemptView }
  | { readonly kind: 'attention'; readonly attempt: AttemptView };

export type SaleScreen =
  | { readonly kind: 'entry' }
  | {
      readonly kind: 'scan';
      readonly order: OrderView | null;
      /** The previous try on this order failed (the service waits for a fresh code): say why. */
      readonly failed: AttemptView | null;
    }
  | { readonly kind: 'charging'; readonly attempt: AttemptView | null; readonly order: OrderView | null }
  | { readonly kind: 'outcome'; readonly outcome: Outcome };

export function isFinalPhase(attempt: Pick<AttemptView, 'phase'>): boolean {
  return FINAL_PHASES.includes(attempt.phase);
}

function outcomeOf(attempt: AttemptView, order: OrderView | null): Outcome | null {
  switch (attempt.phase) {
    case 'paid':
      return { kind: 'paid', order, attempt };
    case 'failed':
      return { kind: 'failed', attempt };
    case 'reversed':
      return { kind: 'reversed', attempt };
    case 'closed':
      return { kind: 'closed', attempt };
    case 'needs_attention':
      return { kind: 'attention', attempt };
    default:
      return null;
  }
}

export function selectSaleScreen(
  state: Pick<SaleState, 'sale' | 'startingNew' | 'cashOrder'> & Partial<Pick<SaleState, 'leftOrder'>>,
): SaleScreen {
  // A sale the cashier moved on from is, for this screen, no sale at all.
  const left = state.leftOrder != null && state.sale?.order?.out_trade_no === state.leftOrder;
  const sale = left ? null : state.sale;
  const attempt = sale?.attempt ?? null;
  const order = sale?.order ?? null;
  if (!sale || sale.state === 'idle') {
    if (state.cashOrder && !state.startingNew) {
      return { kind: 'outcome', outcome: { kind: 'paid', order: state.cashOrder, attempt: null } };
    }
    return { kind: 'entry' };
  }
  if (sale.state === 'awaiting_scan') {
    const failed = attempt && isFinalPhase(attempt) && attempt.phase !== 'paid' ? attempt : null;
    return { kind: 'scan', order, failed };
  }
  const outcome = attempt ? outcomeOf(attempt, order) : null;
  if (sale.state === 'charging' && !outcome) return { kind: 'charging', attempt, order };
  // done (or charging whose attempt event already says final)
  if (state.startingNew && selectCanStartNew(state)) return { kind: 'entry' };
  if (outcome) return { kind: 'outcome', outcome };
  if (attempt) return { kind: 'charging', attempt, order };
  if (order && isPaidStatus(order.status))
    return { kind: 'outcome', outcome: { kind: 'paid', order, attempt: null } };
  return { kind: 'entry' };
}

/**
 * A new sale is blocked only while the current order's attempt is running with its provider reachable. One needing attention
 * waits on the 待处理 list for a person and never holds the till (a new sale is a new order).
 */
export function selectCanStartNew(
  state: Pick<SaleState, 'sale'> & Partial<Pick<SaleState, 'leftOrder'>>,
): boolean {
  if (state.leftOrder != null && state.sale?.order?.out_trade_no === state.leftOrder) return true;
  const attempt = state.sale?.attempt;
  if (!attempt) return true;
  // 'done' with an attempt still running: the service let the till go (its provider is unreachable;
  // the engine resolves the charge in the background).
  return isFinalPhase(attempt) || attempt.phase === 'needs_attention' || state.sale?.state === 'done';
}

export function selectEntryFen(state: SaleState): number | null {
  return entryToFen(state.entry);
}

/** The amount the amount-entry screen shows (with the note), or null when it shows none. */
export function selectShownAmount(state: SaleState): SaleAmount | null {
  if (selectSaleScreen(state).kind !== 'entry') return null;
  const fen = selectEntryFen(state);
  if (fen === null) return null;
  const note = state.note.trim();
  return note ? { total_fee: fen, note } : { total_fee: fen };
}

const DIGITS: readonly KeypadKey[] = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '.'];

const initial: SaleState = {
  sale: null,
  entry: '',
  note: '',
  tendered: '',
  busy: false,
  error: null,
  confirmingStop: false,
  startingNew: false,
  cashOrder: null,
  leftOrder: null,
};

export function createSaleStore(bridge: RendererBridge): SaleStore {
  return createStore<SaleState & SaleActions>()((set, get) => {
    const run = busyAction(get, set);

    /** The typed amount and note as a sale, or null (saying why) when no amount was typed. */
    const typedSale = (): SaleAmount | null => {
      const fen = selectEntryFen(get());
      if (fen === null) {
        set({ error: { code: 'amount_not_positive', message: 'enter an amount' } });
        return null;
      }
      const note = get().note.trim();
      return note ? { total_fee: fen, note } : { total_fee: fen };
    };
    /** The same amount and note as an earlier order. */
    const sameAs = (order: OrderView): SaleAmount => ({
      total_fee: order.total_fee,
      ...(order.note ? { note: order.note } : {}),
    });
    /** A sale the service has begun: the entry is spent and the screen follows the sale. */
    const begun = (sale: SaleView) => {
      set({ entry: '', note: '', startingNew: false, cashOrder: null });
      get().applySale(sale);
    };

    return {
      ...initial,
      async load() {
        try {
          get().applySale(await bridge.call('getSale', {}));
        } catch (error) {
          set({ error: toProblem(error) });
        }
      },
      press(key) {
        const s = get();
        if (selectSaleScreen(s).kind === 'outcome') {
          // The first digit typed on a finished sale starts the next one (the till never waits for a click).
          if (!DIGITS.includes(key) || !selectCanStartNew(s)) return;
          get().newSale();
          set({ entry: pressKey('', key) });
          return;
        }
        set({ entry: pressKey(s.entry, key), error: null });
      },
      setTendered(text) {
        set({ tendered: text.replace(/[^0-9.]/g, '').slice(0, 12), error: null });
      },
      setNote(note) {
        set({ note: note.slice(0, 200) });
      },
      begin() {
        return run(async () => {
          const request = typedSale();
          if (request) begun(await bridge.call('beginSale', request));
        });
      },
      cancel() {
        return run(async () => {
          get().applySale(await bridge.call('cancelSale', {}));
        });
      },
      payCash() {
        return run(async () => {
          const request = typedSale();
          if (!request) return;
          const typed = get().tendered.trim();
          const tendered = typed === '' ? null : entryToFen(typed);
          if (typed !== '' && (tendered === null || tendered < request.total_fee)) {
            set({ error: { code: 'cash_tendered_short', message: 'tendered less than the sale' } });
            return;
          }
          const order = await bridge.call(
            'recordCashSale',
            tendered === null ? request : { ...request, tendered_fee: tendered },
          );
          set({ entry: '', note: '', tendered: '', cashOrder: order, startingNew: false });
        });
      },
      payCashInstead() {
        return run(async () => {
          const order = get().sale?.order;
          if (!order) return;
          get().applySale(await bridge.call('cancelSale', {}));
          const cash = await bridge.call('recordCashSale', sameAs(order));
          set({ cashOrder: cash, startingNew: false });
        });
      },
      chargeAgain() {
        return run(async () => {
          const order = get().sale?.order;
          if (!order) return;
          begun(await bridge.call('beginSale', sameAs(order)));
        });
      },
      submitManualCode(code) {
        return run(async () => {
          const scan = await bridge.call('submitScan', { code: code.trim(), source: 'ui:manual' });
          get().applyScan(scan);
        });
      },
      async submitScan(scan, shown) {
        try {
          const result = await bridge.call('submitScan', shown ? { ...scan, ...shown } : scan);
          // The amount went with the scan and the charge began: the entry is spent.
          if (shown && result.ok) set({ entry: '', note: '', startingNew: false, cashOrder: null });
          get().applyScan(result);
          return result;
        } catch (error) {
          set({ error: toProblem(error) });
          return null;
        }
      },
      requestStop() {
        set({ confirmingStop: true });
      },
      dismissStop() {
        set({ confirmingStop: false });
      },
      confirmStop() {
        const attempt = get().sale?.attempt;
        set({ confirmingStop: false });
        if (!attempt) return Promise.resolve();
        return run(async () => {
          get().applyAttempt(await bridge.call('stopAttempt', { out_trade_no: attempt.order_no }));
        });
      },
      newSale() {
        if (!selectCanStartNew(get())) {
          set({ error: { code: 'attempt_unresolved', message: 'the attempt is unresolved' } });
          return;
        }
        const current = get().sale;
        const unresolved = current?.attempt && !isFinalPhase(current.attempt);
        set({
          startingNew: true,
          cashOrder: null,
          error: null,
          entry: '',
          note: '',
          leftOrder: unresolved ? (current?.order?.out_trade_no ?? null) : null,
        });
      },
      clearError() {
        set({ error: null });
      },
      applySale(sale) {
        set((s) => {
          // The charge the cashier moved on from, still being resolved: keep the screen where it is.
          if (s.leftOrder !== null && sale.order?.out_trade_no === s.leftOrder) return { sale };
          // A sale started elsewhere (another window, the API) replaces the cashier's dismissed outcome.
          const startingNew = sale.state === 'done' || sale.state === 'idle' ? s.startingNew : false;
          return {
            sale,
            startingNew,
            cashOrder: sale.state === 'idle' ? s.cashOrder : null,
            leftOrder: null,
          };
        });
      },
      applyAttempt(attempt) {
        set((s) => {
          const current = s.sale?.attempt;
          const sameOrder = s.sale?.order?.out_trade_no === attempt.order_no;
          if (!s.sale || !(current?.out_trade_no === attempt.out_trade_no || (!current && sameOrder)))
            return {};
          if (
            current &&
            current.out_trade_no === attempt.out_trade_no &&
            current.updated_at > attempt.updated_at
          ) {
            return {}; // an older event arriving late must not undo a newer state
          }
          return { sale: { ...s.sale, attempt } };
        });
      },
      applyOrder(order) {
        set((s) => {
          if (!s.sale || s.sale.order?.out_trade_no !== order.out_trade_no) return {};
          if (s.sale.order.updated_at > order.updated_at) return {};
          return { sale: { ...s.sale, order } };
        });
      },
      applyScan(scan) {
        set((s) => {
          // With no sale waiting the scan prompt is not on screen: say what happened in the banner instead.
          const waiting = s.sale?.state === 'awaiting_scan' || s.sale?.state === 'charging';
          const error = !scan.ok && !waiting && scan.error ? scan.error : s.error;
          return s.sale ? { sale: { ...s.sale, last_scan: scan }, error } : { error };
        });
      },
    };
  });
}
