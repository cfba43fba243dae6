/**
 * Compares the journal (what the till believes) with the sandbox's ledger (what the providers
 * really did), order by order. Returns every disagreement as a readable line instead of stopping at
 * the first, so one failing run shows the whole picture.

 */
import { isFinal } from '../../core/domain/attempt-state.ts';
import type { Journal } from '../../core/ports/journal.ts';
import type { TradeView } from '../../core/sandbox/ledger-types.ts';

export interface Reconciliation {
  readonly problems: readonly string[];
  /** Attempts left in needs_attention, with their reason, for the report. */
  readonly attention: readonly string[];
  readonly phases: Readonly<Record<string, number>>;
  readonly heldFen: number;
}

export function reconcile(
  journal: Journal,
  trades: readonly TradeView[],
  orderNos: readonly string[],
): Reconciliation {
  const problems: string[] = [];
  const attention: string[] = [];
  const phases: Record<string, number> = {};
  const tradesByOrder = new Map<string, TradeView[]>();
  for (const trade of trades) {
    const attempt = journal.getAttempt(trade.out_trade_no);
    if (!attempt) {
      problems.push(`sandbox trade ${trade.provider}/${trade.out_trade_no} has no journal attempt`);
      continue;
    }
    if (attempt.provider !== trade.provider)
      problems.push(`${trade.out_trade_no}: journal says ${attempt.provider}, sandbox ${trade.provider}`);
    const list = tradesByOrder.get(attempt.orderNo) ?? [];
    list.push(trade);
    tradesByOrder.set(attempt.orderNo, list);
  }

  let heldFen = 0;
  for (const orderNo of orderNos) {
    const order = journal.getOrder(orderNo);
    if (!order) {
      problems.push(`${orderNo}: missing from the journal`);
      continue;
    }
    const attempts = journal.attemptsOf(orderNo);
    for (const attempt of attempts) {
      phases[attempt.phase] = (phases[attempt.phase] ?? 0) + 1;
      if (attempt.phase === 'needs_attention') {
        attention.push(`${attempt.outTradeNo}: ${attempt.attention?.code} ${attempt.attention?.message}`);
      } else if (!isFinal(attempt)) {
        problems.push(`${attempt.outTradeNo}: left in phase ${attempt.phase}`);
      }
    }
    const paidAttempts = attempts.filter((a) => a.phase === 'paid');
    if (paidAttempts.length > 1) problems.push(`${orderNo}: ${paidAttempts.length} paid attempts`);
    const paid = order.status === 1 || order.status === 2 || order.status === 3;
    if (paid !== (paidAttempts.length === 1))
      problems.push(`${orderNo}: order status ${order.status} but ${paidAttempts.length} paid attempts`);
    if (paid && order.paidOutTradeNo !== paidAttempts[0]?.outTradeNo)
      problems.push(`${orderNo}: paid_out_trade_no ${order.paidOutTradeNo} is not the paid attempt`);
    const pending = journal.refundsOf(orderNo).filter((r) => r.status === 'pending');
    if (pending.length > 0) problems.push(`${orderNo}: ${pending.length} refund(s) still pending`);

    const journalHeld = paid ? order.totalFee - order.refundedFee : 0;
    // PAYJS finds orders by payjs_order_id only: a charge whose reply was lost cannot be checked or
    // reversed, and the attempt says so (needs_attention provider_order_id_missing). Whatever the
    // provider holds for it is the human's to settle, so it is reported as attention, not as a mismatch.
    const flagged = attempts.some(
      (a) => a.phase === 'needs_attention' && a.attention?.code === 'provider_order_id_missing',
    );
    const sandboxHeld = (tradesByOrder.get(orderNo) ?? []).reduce(
      (sum, t) => sum + t.captured_fen - t.refunded_fen,
      0,
    );
    if (journalHeld !== sandboxHeld && !(flagged && journalHeld === 0)) {
      const detail = (tradesByOrder.get(orderNo) ?? [])
        .map((t) => `${t.out_trade_no}:${t.state} captured ${t.captured_fen} refunded ${t.refunded_fen}`)
        .join('; ');
      const attemptDetail = attempts.map((a) => `${a.outTradeNo}:${a.phase}`).join(', ');
      problems.push(
        `${orderNo}: journal holds ${journalHeld} fen, sandbox ${sandboxHeld} (attempts ${attemptDetail}; trades ${detail || 'none'})`,
      );
    }
    heldFen += journalHeld;
  }
  return { problems, attention, phases, heldFen };
}
