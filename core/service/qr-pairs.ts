/**
 * A QR display offers both wallets at once: one WeChat Native order and one Alipay precreate order,
 * two orders because an order has one live attempt. A customer may pay both. The first of the pair
 * to be booked paid is the keeper (its paid action runs); the other is refunded in full,
 * automatically, through the refund service (journaled, idempotent by its out_refund_no, visible in
 * history as refunded) and its paid action is not run.
 *
 * The pairing travels in each order's `custom.qr_pair` (the sibling's order number), so a paid
 * callback owed across a restart decides the same way: without a keeper remembered in memory, the
 * journal decides (keeperFromJournal). The check and the
 * claim happen in one synchronous step, so two callbacks can never both keep. The API refuses the
 * key in a caller's `custom` (api-schemas.ts), so only the display makes pairs.
 */
import { QR_PAIR_KEY } from '../common/contract/api-schemas.ts';
import type { OrderView, Wallet } from '../common/contract/views.ts';
import { ConflictError } from '../common/errors.ts';
import type { RefundRecord } from '../domain/order.ts';
import type { PaidCallback } from '../engine/engine-deps.ts';
import type { RefundInput } from '../engine/refund-service.ts';

export { QR_PAIR_KEY };

/** What the display reports about the second payment of a pair. */
export interface DuplicatePaymentReport {
  readonly out_trade_no: string;
  readonly kept_out_trade_no: string;
  readonly wallet: Wallet | null;
  readonly total_fee: number;
  readonly state: 'refunding' | 'refunded' | 'failed';
}

export interface QrPairDeps {
  readonly order: (orderNo: string) => OrderView | null;
  readonly refund: (input: RefundInput) => Promise<RefundRecord>;
}

/** Keepers remembered at most this long in count; older pairs are decided from the journal again. */
const MAX_REMEMBERED = 500;

export function pairCustom(sibling: string): Record<string, string> {
  return { [QR_PAIR_KEY]: sibling };
}

function siblingOf(order: OrderView | null): string | null {
  const custom = order?.custom;
  if (!custom || typeof custom !== 'object') return null;
  const sibling = (custom as Record<string, unknown>)[QR_PAIR_KEY];
  return typeof sibling === 'string' ? sibling : null;
}

export class QrPairs {
  private readonly keepers = new Map<string, string>();
  private readonly listeners = new Set<(report: DuplicatePaymentReport) => void>();
  private readonly deps: QrPairDeps;

  constructor(deps: QrPairDeps) {
    this.deps = deps;
  }

  onDuplicate(listener: (report: DuplicatePaymentReport) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The display saw this order of the pair paid first: it is the keeper. */
  keep(orderNo: string, sibling: string): void {
    const key = pairKey(orderNo, sibling);
    if (!this.keepers.has(key)) this.remember(key, orderNo);
  }

  /** The paid callbacks with the pair rule in front: a pair's second payment is refunded, not acted on. */
  wrap(callbacks: Readonly<Record<string, PaidCallback>>): Record<string, PaidCallback> {
    return Object.fromEntries(
      Object.entries(callbacks).map(([type, callback]) => [
        type,
        async (context, run) => {
          const duplicate = this.duplicateOf(context.out_trade_no);
          return duplicate ? this.refundDuplicate(duplicate.order, duplicate.keeper) : callback(context, run);
        },
      ]),
    );
  }

  /** The order and its pair's keeper when the order is the pair's second payment; else null. */
  duplicateOf(orderNo: string): { order: OrderView; keeper: string } | null {
    const order = this.deps.order(orderNo);
    const sibling = siblingOf(order);
    if (!order || !sibling) return null;
    // Both must name each other: an order cannot make itself the duplicate of someone else's.
    if (siblingOf(this.deps.order(sibling)) !== orderNo) return null;
    const key = pairKey(orderNo, sibling);
    let keeper = this.keepers.get(key);
    if (!keeper) {
      keeper = keeperFromJournal(order, this.deps.order(sibling));
      this.remember(key, keeper);
    }
    return keeper === orderNo ? null : { order, keeper };
  }

  /**
   * Refunds the second payment in full. True once the refund is done or under way (the refund
   * service resolves a pending one); false when the provider refused it for good (a person sees it);
   * throws, so the callback is retried with back-off, when the refund could not be started.
   */
  private async refundDuplicate(order: OrderView, keeper: string): Promise<boolean> {
    const report = (state: DuplicatePaymentReport['state']) => {
      const view: DuplicatePaymentReport = {
        out_trade_no: order.out_trade_no,
        kept_out_trade_no: keeper,
        wallet: order.tender === 'wxpay' || order.tender === 'alipay' ? order.tender : null,
        total_fee: order.total_fee,
        state,
      };
      for (const listener of this.listeners) listener(view);
    };
    report('refunding');
    try {
      const refund = await this.deps.refund({
        out_trade_no: order.out_trade_no,
        // One refund number per order: a retried callback repeats the same refund, never a second one.
        out_refund_no: duplicateRefundNo(order.out_trade_no),
        refund_fee: order.total_fee,
        refund_desc: '重复支付自动退款',
      });
      report(
        refund.status === 'succeeded' ? 'refunded' : refund.status === 'failed' ? 'failed' : 'refunding',
      );
      return refund.status !== 'failed';
    } catch (error) {
      if (error instanceof ConflictError && error.code === 'order_fully_refunded') {
        report('refunded');
        return true;
      }
      report('failed');
      // Thrown, not `false`: the callback runner retries only a handler that throws (bounded
      // back-off, callback-runner.ts); `false` would book the callback done and leave the
      // customer's second payment unrefunded. The same out_refund_no makes the retry safe.
      throw error;
    }
  }

  private remember(key: string, keeper: string): void {
    if (this.keepers.size >= MAX_REMEMBERED) {
      const oldest = this.keepers.keys().next().value;
      if (oldest !== undefined) this.keepers.delete(oldest);
    }
    this.keepers.set(key, keeper);
  }
}

/** The out_refund_no of a pair's second payment: one per order, so a retry repeats the same refund. */
function duplicateRefundNo(orderNo: string): string {
  return `${orderNo}D`;
}

/**
 * The keeper of a pair nothing in memory decided (a restart), the same one the first decision took.
 * Every paid order's callback row is claimed in its payment's transaction, so "its callback has
 * started" tells nothing: both may be mid-run after a crash. In order: an order already being
 * refunded as the duplicate is not the keeper; a sibling not (or no longer) paid is not; one whose
 * callback finished is; else the one paid first by the provider's paid time, as the display saw
 * it (the order number breaks a tie).
 */
function keeperFromJournal(order: OrderView, other: OrderView | null): string {
  const mine = order.out_trade_no;
  if (!other) return mine;
  const isDuplicate = (o: OrderView) =>
    o.refunds.some((r) => r.out_refund_no === duplicateRefundNo(o.out_trade_no));
  if (isDuplicate(order)) return other.out_trade_no;
  if (isDuplicate(other) || !(other.status === 1 || other.status === 2)) return mine;
  const finished = (o: OrderView) => o.callback?.state === 'done';
  if (finished(order) !== finished(other)) return finished(order) ? mine : other.out_trade_no;
  const paidAt = (o: OrderView) => o.paid_at ?? Number.POSITIVE_INFINITY;
  if (paidAt(order) !== paidAt(other)) return paidAt(order) < paidAt(other) ? mine : other.out_trade_no;
  return [mine, other.out_trade_no].sort()[0]!;
}

function pairKey(a: string, b: string): string {
  return a < b ? `${a}|${b}` : `${b}|${a}`;
}
