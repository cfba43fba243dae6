/**
 * Matches one provider's bill for one Beijing day with the journal, row by row as the bill streams
 * in: a bill row is looked up by out_trade_no (payments) or out_refund_no (refunds) in the day's
 * journal records, which are removed as they match; what remains afterwards is terminal_only.
 * A bill row the day's records lack is looked up in the whole journal first: a sale the terminal
 * booked just across midnight from the provider is matched, not reported. Pure: no I/O but the
 * row stream and the lookups passed in.
 */

import {
  type Discrepancy,
  type DiscrepancyKind,
  type DiscrepancyReason,
  emptyTotals,
  type ProviderTotals,
} from '../common/contract/reconcile-views.ts';
import type { BillRow } from '../ports/bill-source.ts';
import type { Provider } from '../ports/payment-gateway.ts';

export interface TerminalPayment {
  readonly outTradeNo: string;
  readonly orderNo: string;
  readonly fen: number;
  readonly paidAt: number;
}

export interface TerminalRefund {
  readonly outRefundNo: string;
  readonly outTradeNo: string;
  readonly fen: number;
  readonly at: number;
}

/** What the whole journal knows of an attempt or a refund, whatever its day. */
export interface JournalLookups {
  attempt(outTradeNo: string): { readonly phase: string; readonly paidFee: number | null } | undefined;
  refund(outRefundNo: string): { readonly status: string; readonly fen: number } | undefined;
}

export interface MatchInput {
  readonly pid: string;
  readonly provider: Provider;
  /** Read once (they may come straight from a database cursor). */
  readonly payments: Iterable<TerminalPayment>;
  readonly refunds: Iterable<TerminalRefund>;
  readonly rows: AsyncIterable<BillRow>;
  readonly lookups: JournalLookups;
  /** A ref (see `paymentRef`, `refundRef`) a neighbouring day's bill already matched. */
  readonly matchedElsewhere: (ref: string) => boolean;
}

export const paymentRef = (outTradeNo: string) => `p:${outTradeNo}`;
export const refundRef = (outRefundNo: string) => `r:${outRefundNo}`;

export interface MatchResult {
  readonly matched: number;
  /** Refs this bill matched although the till booked them on another day. */
  readonly matchedElsewhere: readonly string[];
  readonly totals: ProviderTotals;
  readonly discrepancies: Discrepancy[];
}

export async function matchDay(input: MatchInput): Promise<MatchResult> {
  const { pid, provider, lookups } = input;
  const payments = new Map<string, TerminalPayment>();
  const refunds = new Map<string, TerminalRefund>();
  const seenPayments = new Set<string>();
  const totals = { bill: emptyTotals(), terminal: emptyTotals() };
  for (const p of input.payments) {
    payments.set(p.outTradeNo, p);
    totals.terminal.payments++;
    totals.terminal.payment_fen += p.fen;
  }
  for (const r of input.refunds) {
    refunds.set(r.outRefundNo, r);
    totals.terminal.refunds++;
    totals.terminal.refund_fen += r.fen;
  }
  const discrepancies: Discrepancy[] = [];
  let matched = 0;
  const crossDay: string[] = [];
  /**
   * Payments of attempts the terminal reversed: Alipay's bill shows a cancelled sale as the payment
   * and then its full refund (an unnumbered 退款 row). Held until that refund nets them out.
   */
  const reversedHere = new Map<string, BillRow>();

  const report = (
    kind: DiscrepancyKind,
    reason: DiscrepancyReason,
    outTradeNo: string,
    terminalFen: number | null,
    providerFen: number | null,
    evidence: Record<string, unknown>,
    outRefundNo = '',
  ) => {
    discrepancies.push({
      kind,
      pid,
      provider,
      out_trade_no: outTradeNo,
      out_refund_no: outRefundNo,
      terminal_fen: terminalFen,
      provider_fen: providerFen,
      reason,
      evidence,
    });
  };

  function payment(row: BillRow): void {
    const booked = payments.get(row.outTradeNo);
    const evidence = { bill: row, ...(booked ? { journal: booked } : {}) };
    if (row.status !== 'success') {
      // No money at the provider: wrong only if the terminal booked it.
      if (booked) {
        payments.delete(row.outTradeNo);
        const reason = row.status === 'reversed' ? 'reversed_at_provider' : 'status_at_provider';
        report('terminal_only', reason, row.outTradeNo, booked.fen, null, evidence);
      }
      return;
    }
    totals.bill.payments++;
    totals.bill.payment_fen += row.amountFen;
    if (seenPayments.has(row.outTradeNo)) {
      report('provider_only', 'duplicate_row', row.outTradeNo, null, row.amountFen, evidence);
      return;
    }
    seenPayments.add(row.outTradeNo);
    if (booked) {
      payments.delete(row.outTradeNo);
      if (booked.fen === row.amountFen) matched++;
      else report('amount_mismatch', 'amount_differs', row.outTradeNo, booked.fen, row.amountFen, evidence);
      return;
    }
    const known = lookups.attempt(row.outTradeNo);
    const withJournal = { bill: row, journal: known ?? null };
    if (known?.phase === 'reversed') {
      reversedHere.set(row.outTradeNo, row);
      return;
    }
    if (known?.phase === 'paid') {
      // Booked on a neighbouring day (midnight between the provider's clock and ours).
      if (known.paidFee === row.amountFen) {
        matched++;
        crossDay.push(paymentRef(row.outTradeNo));
      } else
        report(
          'amount_mismatch',
          'amount_differs',
          row.outTradeNo,
          known.paidFee,
          row.amountFen,
          withJournal,
        );
      return;
    }
    report(
      'provider_only',
      known ? 'attempt_not_booked' : 'unknown_to_terminal',
      row.outTradeNo,
      null,
      row.amountFen,
      withJournal,
    );
  }

  function refund(row: BillRow): void {
    const key = row.outRefundNo ?? '';
    const booked = key ? refunds.get(key) : undefined;
    const evidence = { bill: row, ...(booked ? { journal: booked } : {}) };
    if (row.status !== 'success') {
      if (booked) {
        refunds.delete(key);
        report('refund_mismatch', 'status_at_provider', row.outTradeNo, booked.fen, null, evidence, key);
      }
      return;
    }
    totals.bill.refunds++;
    totals.bill.refund_fen += row.amountFen;
    const reversed = booked ? undefined : reversedHere.get(row.outTradeNo);
    if (reversed && reversed.amountFen === row.amountFen) {
      reversedHere.delete(row.outTradeNo);
      matched += 2;
      return;
    }
    if (booked) {
      refunds.delete(key);
      // A second payment of an order refunded from the till (refund_payment): its attempt ended
      // reversed, so its payment row waits in reversedHere; this numbered refund of it nets it out.
      const second = reversedHere.get(row.outTradeNo);
      if (second && booked.outTradeNo === row.outTradeNo && second.amountFen === row.amountFen) {
        reversedHere.delete(row.outTradeNo);
        matched++;
      }
      if (booked.fen === row.amountFen) matched++;
      else
        report(
          'refund_mismatch',
          'refund_amount_differs',
          row.outTradeNo,
          booked.fen,
          row.amountFen,
          evidence,
          key,
        );
      return;
    }
    const known = key ? lookups.refund(key) : undefined;
    if (known?.status === 'succeeded' && known.fen === row.amountFen) {
      matched++;
      crossDay.push(refundRef(key));
      return;
    }
    const reason = known?.status === 'pending' ? 'refund_pending_here' : 'refund_not_booked';
    report(
      'refund_mismatch',
      reason,
      row.outTradeNo,
      known?.fen ?? null,
      row.amountFen,
      { bill: row, journal: known ?? null },
      key,
    );
  }

  for await (const row of input.rows) {
    if (row.kind === 'payment') payment(row);
    else refund(row);
  }
  for (const row of reversedHere.values()) {
    const known = lookups.attempt(row.outTradeNo);
    report('provider_only', 'attempt_not_booked', row.outTradeNo, null, row.amountFen, {
      bill: row,
      journal: known ?? null,
    });
  }
  for (const booked of payments.values()) {
    if (input.matchedElsewhere(paymentRef(booked.outTradeNo))) continue;
    report('terminal_only', 'absent_from_bill', booked.outTradeNo, booked.fen, null, { journal: booked });
  }
  for (const booked of refunds.values()) {
    if (input.matchedElsewhere(refundRef(booked.outRefundNo))) continue;
    report(
      'refund_mismatch',
      'refund_absent_from_bill',
      booked.outTradeNo,
      booked.fen,
      null,
      { journal: booked },
      booked.outRefundNo,
    );
  }
  return { matched, matchedElsewhere: crossDay, totals, discrepancies };
}
