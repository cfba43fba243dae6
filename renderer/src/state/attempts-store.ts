/**
 * Attempts being reversed or needing a human, with their journal timelines and a retry action; and
 * paid actions held after a crash, for a supervisor to run again or mark done.
 *
 * The refused-refund list follows pushed order events: a supervisor's refund the provider refuses
 * later (after retries or a restart) changes its order's refunds, and the service pushes that order
 * (core/engine/refund-service.ts onChange → `order` event). The list is then asked again with the one
 * operation that already decides what counts as refused (listRefusedRefunds), coalesced: at most one
 * call in flight and one more queued, however many events arrive meanwhile.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import type {
  ResolveHeldPaidActionRequest,
  SettleAttentionRequest,
} from '../../../core/common/contract/api-schemas.ts';
import type {
  AttemptView,
  AttentionEvidenceView,
  HeldPaidActionView,
  OrderView,
  RefundView,
  RefusedRefundView,
  TimelineEntry,
} from '../../../core/common/contract/views.ts';
import type { ErrorShape } from '../../../core/common/errors.ts';
import type { RendererBridge } from '../bridge/renderer-bridge.ts';
import { toProblem } from './call-error.ts';
import { isFinalPhase } from './sale-store.ts';

export interface AttemptsState {
  readonly items: readonly AttemptView[];
  readonly loaded: boolean;
  readonly timelines: Readonly<Record<string, readonly TimelineEntry[]>>;
  /** out_trade_no of attempts with a retry in flight. */
  readonly retrying: readonly string[];
  readonly error: ErrorShape | null;
  /** What each item's provider said when last checked (out_trade_no → answer): the evidence for settling. */
  readonly evidence: Readonly<Record<string, AttentionEvidenceView>>;
  /** Paid actions held after a crash (core/engine/held-paid-actions.ts), oldest first. */
  readonly held: readonly HeldPaidActionView[];
  /** A second payment's refund asked from 待处理 (refund_payment), by out_trade_no: pending or refused. */
  readonly secondRefunds: Readonly<Record<string, RefundView>>;
  /** Supervisors' refunds (mark_refund) the provider refused as final, oldest first. */
  readonly refused: readonly RefusedRefundView[];
}

/** A supervisor's decision on a held paid action as the screen collects it. */
export type HeldChoice = Omit<ResolveHeldPaidActionRequest, 'out_trade_no'>;

/** A supervisor's decision on a refused refund: ask it again, or close it as refunded another way. */
export type RefusedChoice = Omit<SettleAttentionRequest, 'out_trade_no' | 'action'> & {
  readonly action: 'mark_refund' | 'close_refund';
};

/** A supervisor's settlement as the screen collects it (the order reference is the item's). */
export type SettleChoice = Omit<SettleAttentionRequest, 'out_trade_no'>;

export interface AttemptsActions {
  load(): Promise<void>;
  /** A pushed order: asks the refused-refund list again when this order's refunds may change it. */
  applyOrder(order: OrderView): void;
  retry(attempt: AttemptView): Promise<void>;
  toggleTimeline(attempt: AttemptView): Promise<void>;
  applyAttempt(attempt: AttemptView): void;
  /** Asks the item's provider now: the answer decides which settlement is allowed. */
  check(attempt: AttemptView): Promise<void>;
  /** Settles the item (supervisor PIN): it leaves the list when the service accepts. */
  settle(attempt: AttemptView, choice: SettleChoice): Promise<boolean>;
  /** Runs a held paid action again or marks it done (supervisor PIN): it leaves the list when accepted. */
  resolveHeld(item: HeldPaidActionView, choice: HeldChoice): Promise<boolean>;
  /**
   * Asks a refused refund again or closes it (supervisor PIN): it leaves the list when the refund is
   * accepted or closed; refused again, it stays with the new reason. True when the service answered.
   */
  decideRefused(item: RefusedRefundView, choice: RefusedChoice): Promise<boolean>;
}

/** Which settlements the provider's answer allows (the service checks again before acting). */
export function allowedSettlements(evidence: AttentionEvidenceView | undefined): {
  readonly book_paid: boolean;
  readonly close_unpaid: boolean;
  readonly mark_refund: boolean;
  readonly refund_payment: boolean;
} {
  const says = evidence?.provider_says;
  const paid = says === 'paid' || says === 'refunded';
  // Refunded outside the till: the money went back, so it is cleared, never booked (the service refuses).
  const unpaid = says === 'closed' || says === 'failed' || says === 'not_found' || says === 'refunded';
  // A second payment of an order another payment paid: only its own refund (the service refuses the rest).
  const twice = evidence?.paid_twice === true;
  return {
    book_paid: says === 'paid' && !twice,
    close_unpaid: unpaid,
    mark_refund: says === 'paid' && !twice,
    refund_payment: paid && twice,
  };
}

export type AttemptsStore = StoreApi<AttemptsState & AttemptsActions>;

/**
 * The list shows what a person may need to act on: reversals and closes in progress, and attempts
 * needing attention. A charge still waiting for the customer belongs to the sale screen.
 */
const LISTED_PHASES: ReadonlySet<AttemptView['phase']> = new Set(['reversing', 'closing', 'needs_attention']);

export function isListed(attempt: AttemptView): boolean {
  return LISTED_PHASES.has(attempt.phase) || (attempt.stop_requested && !isFinalPhase(attempt));
}

function upsert(items: readonly AttemptView[], attempt: AttemptView): readonly AttemptView[] {
  const rest = items.filter((a) => a.out_trade_no !== attempt.out_trade_no);
  if (!isListed(attempt)) return rest;
  const existing = items.find((a) => a.out_trade_no === attempt.out_trade_no);
  if (existing && existing.updated_at > attempt.updated_at) return items;
  return [...rest, attempt].sort((a, b) => a.created_at - b.created_at);
}

/**
 * Whether a pushed order may change the refused-refund list: it is on the list (its refusal may have
 * been asked again, refunded or closed), or it carries a failed refund the list does not show yet.
 * Orders without refund news (every sale) ask nothing.
 */
export function touchesRefused(order: OrderView, refused: readonly RefusedRefundView[]): boolean {
  if (refused.some((r) => r.order_no === order.out_trade_no)) return true;
  return order.refunds.some((r) => r.status === 'failed');
}

export function createAttemptsStore(bridge: RendererBridge): AttemptsStore {
  let refusedInFlight = false;
  let refusedQueued = false;
  /** One listRefusedRefunds at a time; asks made meanwhile fold into one more after it. */
  async function reloadRefused(): Promise<void> {
    if (refusedInFlight) {
      refusedQueued = true;
      return;
    }
    refusedInFlight = true;
    try {
      do {
        refusedQueued = false;
        try {
          store.setState({ refused: await bridge.call('listRefusedRefunds', {}) });
        } catch (error) {
          // A service without it (older) or failing it does not hide the rest of the list.
          store.setState({ error: toProblem(error) });
        }
      } while (refusedQueued);
    } finally {
      refusedInFlight = false;
    }
  }
  const store: AttemptsStore = createStore<AttemptsState & AttemptsActions>()((set, get) => ({
    items: [],
    loaded: false,
    timelines: {},
    retrying: [],
    error: null,
    evidence: {},
    held: [],
    secondRefunds: {},
    refused: [],
    async load() {
      // Its own call: a service without it (older) or failing it does not hide the rest of the list.
      void reloadRefused();
      try {
        const [unresolved, held] = await Promise.all([
          bridge.call('listUnresolved', {}),
          bridge.call('listHeldPaidActions', {}),
        ]);
        const items = unresolved.filter(isListed).sort((a, b) => a.created_at - b.created_at);
        set({ items, held: [...held].sort((a, b) => a.held_at - b.held_at), loaded: true, error: null });
      } catch (error) {
        set({ error: toProblem(error), loaded: true });
      }
    },
    async retry(attempt) {
      if (get().retrying.includes(attempt.out_trade_no)) return;
      set((s) => ({ retrying: [...s.retrying, attempt.out_trade_no], error: null }));
      try {
        get().applyAttempt(await bridge.call('retryAttempt', { out_trade_no: attempt.order_no }));
      } catch (error) {
        set({ error: toProblem(error) });
      } finally {
        set((s) => ({ retrying: s.retrying.filter((n) => n !== attempt.out_trade_no) }));
      }
    },
    async toggleTimeline(attempt) {
      const key = attempt.out_trade_no;
      if (get().timelines[key]) {
        set((s) => {
          const { [key]: _removed, ...rest } = s.timelines;
          return { timelines: rest };
        });
        return;
      }
      try {
        const detail = await bridge.call('getOrder', { out_trade_no: attempt.order_no });
        const timeline = detail.timeline.filter(
          (e) => e.out_trade_no === key || e.out_trade_no === attempt.order_no,
        );
        set((s) => ({ timelines: { ...s.timelines, [key]: timeline } }));
      } catch (error) {
        set({ error: toProblem(error) });
      }
    },
    applyAttempt(attempt) {
      set((s) => ({ items: upsert(s.items, attempt) }));
    },
    applyOrder(order) {
      if (touchesRefused(order, get().refused)) void reloadRefused();
    },
    async check(attempt) {
      try {
        const answer = await bridge.call('checkAttention', { out_trade_no: attempt.order_no });
        const refund = answer.refund;
        set((s) => ({
          evidence: { ...s.evidence, [attempt.out_trade_no]: answer },
          error: null,
          ...(refund ? { secondRefunds: { ...s.secondRefunds, [attempt.out_trade_no]: refund } } : {}),
        }));
      } catch (error) {
        set({ error: toProblem(error) });
      }
    },
    async resolveHeld(item, choice) {
      try {
        await bridge.call('resolveHeldPaidAction', { ...choice, out_trade_no: item.order_no });
        set((s) => ({ held: s.held.filter((h) => h.order_no !== item.order_no), error: null }));
        return true;
      } catch (error) {
        set({ error: toProblem(error) });
        return false;
      }
    },
    async decideRefused(item, choice) {
      try {
        const { refund } = await bridge.call('settleAttention', { ...choice, out_trade_no: item.order_no });
        const still = choice.action === 'mark_refund' && refund?.status === 'failed';
        set((s) => ({
          error: null,
          refused: s.refused.flatMap((r) =>
            r.order_no !== item.order_no ? [r] : still && refund ? [{ ...r, refund }] : [],
          ),
        }));
        return true;
      } catch (error) {
        set({ error: toProblem(error) });
        return false;
      }
    },
    async settle(attempt, choice) {
      try {
        const result = await bridge.call('settleAttention', { ...choice, out_trade_no: attempt.order_no });
        get().applyAttempt(result.attempt);
        const refund = result.refund;
        // mark_refund refused at once: the payment leaves the list booked, its refusal takes its place.
        const refused =
          choice.action === 'mark_refund' && refund?.status === 'failed'
            ? { order_no: attempt.order_no, refund }
            : null;
        set((s) => ({
          error: null,
          ...(refund ? { secondRefunds: { ...s.secondRefunds, [attempt.out_trade_no]: refund } } : {}),
          ...(refused
            ? { refused: [...s.refused.filter((r) => r.order_no !== refused.order_no), refused] }
            : {}),
        }));
        return true;
      } catch (error) {
        set({ error: toProblem(error) });
        return false;
      }
    },
  }));
  return store;
}
