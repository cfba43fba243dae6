/**
 * The end-of-run verdict, from the journal's view (getOrder over the API) and the sandbox's truth
 * (GET /_sandbox/trades). Pure, so each rule is unit-tested against hand-made disagreements.
 *
 * Violations: an acknowledged order not final; any order whose money at the sandbox (captured −
 * refunded over its attempts' trades) differs from what the journal holds; two paid attempts or a
 * trade captured beyond its amount; a sandbox trade the journal does not know; a paid order whose
 * callback never reached the receiver, or a delivery for an unpaid order, or a forged one; a
 * reversal repeated beyond the policy's maximum. A needs_attention attempt is a violation unless its
 * order's money agrees, then it is only reported; a PAYJS charge flagged provider_order_id_missing (its
 * payjs_order_id was never received, so nothing can look it up) is reported whatever PAYJS holds. The one known PAYJS refund defect (a refund left
 * `pending` because PAYJS cannot answer refund queries; see test/integration/reconcile.ts) is
 * recognised narrowly, with the money checked against both possible outcomes, and reported as a
 * figure. Duplicate callback deliveries are a figure, not a failure: a SIGKILL between the callback
 * and its `done` mark re-delivers by design (hence the Idempotency-Key).
 */
import type { AttemptView, OrderDetailView } from '../../core/common/contract/views.ts';
import { FINAL_PHASES } from '../../core/common/contract/views.ts';
import type { TradeView } from '../../core/sandbox/ledger-types.ts';

export interface CheckInput {
  readonly orders: readonly OrderDetailView[];
  readonly trades: readonly TradeView[];
  /** Order numbers whose createPayment answered HTTP 200. */
  readonly acknowledged: ReadonlySet<string>;
  /** Idempotency-Key → deliveries seen by the receiver. */
  readonly deliveries: ReadonlyMap<string, number>;
  readonly badSignatures: number;
  /** The largest reverseMaxAttempts of any provider's policy. */
  readonly maxReverseCount: number;
}

export interface CheckResult {
  readonly violations: readonly string[];
  /** needs_attention attempts whose money agrees (reported, not failed). */
  readonly attention: readonly string[];
  readonly knownDefects: readonly string[];
  readonly figures: {
    readonly orders: number;
    readonly acknowledged: number;
    readonly paidOrders: number;
    readonly refundedFen: number;
    readonly heldFen: number;
    readonly phases: Readonly<Record<string, number>>;
    readonly deliveredOrders: number;
    readonly duplicateDeliveries: number;
    readonly maxReverseCount: number;
  };
}

const isPaidStatus = (status: number) => status === 1 || status === 2 || status === 3;

export function checkChaos(input: CheckInput): CheckResult {
  const violations: string[] = [];
  const attention: string[] = [];
  const knownDefects: string[] = [];
  const phases: Record<string, number> = {};
  const attemptOwner = new Map<string, OrderDetailView>();
  for (const order of input.orders) {
    for (const attempt of order.attempts) attemptOwner.set(attempt.out_trade_no, order);
  }
  const tradesByOrder = new Map<string, TradeView[]>();
  for (const trade of input.trades) {
    if (trade.captured_fen > trade.total_fee)
      violations.push(
        `${trade.out_trade_no}: sandbox captured ${trade.captured_fen} of ${trade.total_fee} fen`,
      );
    const owner = attemptOwner.get(trade.out_trade_no);
    if (!owner) {
      violations.push(`sandbox trade ${trade.provider}/${trade.out_trade_no} has no journal attempt`);
      continue;
    }
    const list = tradesByOrder.get(owner.out_trade_no) ?? [];
    list.push(trade);
    tradesByOrder.set(owner.out_trade_no, list);
  }

  const known = new Set(input.orders.map((o) => o.out_trade_no));
  for (const orderNo of input.acknowledged) {
    if (!known.has(orderNo)) violations.push(`${orderNo}: acknowledged but missing from the journal`);
  }

  let paidOrders = 0;
  let refundedFen = 0;
  let heldFen = 0;
  let maxReverseCount = 0;
  for (const order of input.orders) {
    const trades = tradesByOrder.get(order.out_trade_no) ?? [];
    const paid = isPaidStatus(order.status);
    const journalHeld = paid ? order.total_fee - order.refunded_fee : 0;
    const sandboxHeld = trades.reduce((sum, t) => sum + t.captured_fen - t.refunded_fen, 0);
    const pendingFen = order.refunds
      .filter((r) => r.status === 'pending')
      .reduce((sum, r) => sum + r.refund_fee, 0);
    const payjsStuckRefund =
      order.provider === 'payjs' &&
      pendingFen > 0 &&
      (sandboxHeld === journalHeld || sandboxHeld === journalHeld - pendingFen);
    // PAYJS finds orders by payjs_order_id only: a charge whose reply was lost can be neither checked
    // nor reversed, and its attempt says so (needs_attention provider_order_id_missing). What PAYJS holds
    // for it is a human's to settle: reported as attention, not as a disagreement.
    const flaggedUnaddressable =
      journalHeld === 0 &&
      order.attempts.some(
        (a) => a.phase === 'needs_attention' && a.attention?.code === 'provider_order_id_missing',
      );
    const moneyAgrees = journalHeld === sandboxHeld || payjsStuckRefund || flaggedUnaddressable;
    if (paid) paidOrders++;
    refundedFen += order.refunded_fee;
    heldFen += journalHeld;

    for (const attempt of order.attempts) {
      phases[attempt.phase] = (phases[attempt.phase] ?? 0) + 1;
      maxReverseCount = Math.max(maxReverseCount, attempt.reverse_count);
      checkAttempt(order, attempt, moneyAgrees, input, violations, attention);
    }

    const paidAttempts = order.attempts.filter((a) => a.phase === 'paid');
    if (paidAttempts.length > 1)
      violations.push(`${order.out_trade_no}: charged twice (${paidAttempts.length} paid attempts)`);
    const holding = trades.filter((t) => t.captured_fen - t.refunded_fen > 0);
    if (holding.length > 1)
      violations.push(`${order.out_trade_no}: ${holding.length} sandbox trades hold money`);
    if (paid !== (paidAttempts.length === 1))
      violations.push(
        `${order.out_trade_no}: status ${order.status} with ${paidAttempts.length} paid attempts`,
      );

    if (payjsStuckRefund) {
      knownDefects.push(
        `${order.out_trade_no}: PAYJS refund of ${pendingFen} fen stuck pending (sandbox ${sandboxHeld === journalHeld ? 'did not refund' : 'refunded'})`,
      );
    } else if (pendingFen > 0) {
      violations.push(`${order.out_trade_no}: refund of ${pendingFen} fen still pending`);
    }
    if (!moneyAgrees) {
      const detail = trades
        .map((t) => `${t.out_trade_no}:${t.state} captured ${t.captured_fen} refunded ${t.refunded_fen}`)
        .join('; ');
      violations.push(
        `${order.out_trade_no}: journal holds ${journalHeld} fen, sandbox ${sandboxHeld} (attempts ${order.attempts.map((a) => `${a.out_trade_no}:${a.phase}`).join(', ')}; trades ${detail || 'none'})`,
      );
    }

    const delivered = input.deliveries.get(order.out_trade_no) ?? 0;
    if (paid && order.callback?.state === 'done' && delivered === 0)
      violations.push(`${order.out_trade_no}: paid callback marked done but never delivered`);
    if (paid && order.callback?.state !== 'done')
      violations.push(`${order.out_trade_no}: paid callback ${order.callback?.state ?? 'missing'}`);
    if (!paid && delivered > 0)
      violations.push(`${order.out_trade_no}: callback delivered for an unpaid order`);
  }
  for (const key of input.deliveries.keys()) {
    if (!known.has(key)) violations.push(`callback delivered for unknown order ${key}`);
  }
  if (input.badSignatures > 0)
    violations.push(`${input.badSignatures} callback deliveries with a bad signature`);

  let deliveredOrders = 0;
  let duplicateDeliveries = 0;
  for (const count of input.deliveries.values()) {
    deliveredOrders++;
    duplicateDeliveries += count - 1;
  }
  return {
    violations,
    attention,
    knownDefects,
    figures: {
      orders: input.orders.length,
      acknowledged: input.acknowledged.size,
      paidOrders,
      refundedFen,
      heldFen,
      phases,
      deliveredOrders,
      duplicateDeliveries,
      maxReverseCount,
    },
  };
}

function checkAttempt(
  order: OrderDetailView,
  attempt: AttemptView,
  moneyAgrees: boolean,
  input: CheckInput,
  violations: string[],
  attention: string[],
): void {
  if (attempt.reverse_count > input.maxReverseCount)
    violations.push(
      `${attempt.out_trade_no}: reversed ${attempt.reverse_count} times (policy max ${input.maxReverseCount})`,
    );
  if (attempt.phase === 'needs_attention') {
    const line = `${attempt.out_trade_no}: needs_attention ${attempt.attention?.code ?? ''} ${attempt.attention?.message ?? ''}`;
    if (moneyAgrees) attention.push(line);
    else violations.push(`${line} and its money disagrees`);
    return;
  }
  if (!FINAL_PHASES.includes(attempt.phase)) {
    const acknowledged = input.acknowledged.has(order.out_trade_no);
    violations.push(
      `${attempt.out_trade_no}: left in phase ${attempt.phase}${acknowledged ? ' (acknowledged order)' : ''}`,
    );
  }
}
