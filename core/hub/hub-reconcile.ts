/**
 * Reconciliation once per merchant at the hub (issue 19), when the hub holds the merchants'
 * credentials (`scanpay hub --merchants DIR`, a terminal-format config.json). For each merchant
 * and provider that publishes a daily bill, the bill is matched by core/reconcile/match-day.ts (the
 * same pure matcher the tills use) against the union of every till's paid orders and refunds for
 * that Beijing day, as the hub holds them. PAYJS, which has no bill, is left to each till's own
 * per-order check. The result per merchant, provider and day is kept in hub_reconcile_runs.
 *
 * Not done here (docs/scale.md): decisions on discrepancies (each till's attention flow keeps
 * those), and "matched on the neighbouring day" memory across runs (a sale booked across midnight
 * is still found through the lookups, which see the neighbouring days).
 */
import type { Pool } from 'pg';
import type { Discrepancy, ProviderTotals } from '../common/contract/reconcile-views.ts';
import type { Clock } from '../ports/clock.ts';
import { beijingDayRange } from '../reconcile/beijing-day.ts';
import { matchDay, type TerminalPayment, type TerminalRefund } from '../reconcile/match-day.ts';
import type { ServiceMerchants } from '../service/merchants.ts';

export interface HubReconcileResult {
  readonly pid: string;
  readonly provider: string;
  readonly date: string;
  /** done, or the bill's state when there was nothing to match (empty, not_ready, unavailable, too_old, no_bill). */
  readonly status: string;
  readonly matched: number;
  readonly totals: ProviderTotals | null;
  readonly discrepancies: readonly Discrepancy[];
}

const DAY_MS = 24 * 3600_000;

async function dayRecords(
  pool: Pool,
  pid: string,
  provider: string,
  date: string,
): Promise<{ payments: TerminalPayment[]; refunds: TerminalRefund[] }> {
  const { start, end } = beijingDayRange(date);
  const payments = await pool.query<{ out_trade_no: string; order_no: string; fen: string; paid_at: string }>(
    `SELECT paid_out_trade_no AS out_trade_no, order_no, total_fee AS fen, paid_at FROM hub_orders
     WHERE pid = $1 AND provider = $2 AND status IN (1, 2, 3) AND paid_out_trade_no IS NOT NULL
       AND paid_at >= $3 AND paid_at < $4`,
    [pid, provider, start, end],
  );
  // A second payment's refund (refund_payment at the till) belongs to the bill of that attempt's
  // provider, which may not be the one that paid the order; an attempt from a till too old to name
  // its provider falls back to the order's.
  const refunds = await pool.query<{ out_refund_no: string; out_trade_no: string; fen: string; at: string }>(
    `SELECT f.out_refund_no, f.out_trade_no, f.refund_fee AS fen, f.updated_at AS at FROM hub_refunds f
     JOIN hub_orders o ON o.terminal_id = f.terminal_id AND o.order_no = f.order_no
     LEFT JOIN hub_attempts a ON a.terminal_id = f.terminal_id AND a.out_trade_no = f.out_trade_no
       AND f.out_trade_no IS DISTINCT FROM o.paid_out_trade_no
     WHERE o.pid = $1 AND COALESCE(a.provider, o.provider) = $2 AND f.status = 'succeeded'
       AND f.updated_at >= $3 AND f.updated_at < $4`,
    [pid, provider, start, end],
  );
  return {
    payments: payments.rows.map((r) => ({
      outTradeNo: r.out_trade_no,
      orderNo: r.order_no,
      fen: Number(r.fen),
      paidAt: Number(r.paid_at),
    })),
    refunds: refunds.rows.map((r) => ({
      outTradeNo: r.out_trade_no,
      outRefundNo: r.out_refund_no,
      fen: Number(r.fen),
      at: Number(r.at),
    })),
  };
}

/** What the hub knows around the day (±2 days), for bill rows the day itself lacks. */
async function lookupsAround(pool: Pool, pid: string, date: string) {
  const { start, end } = beijingDayRange(date);
  const attempts = await pool.query<{ out_trade_no: string; phase: string; paid_fee: string | null }>(
    `SELECT a.out_trade_no, a.phase,
       (SELECT o.total_fee FROM hub_orders o WHERE o.terminal_id = a.terminal_id AND o.paid_out_trade_no = a.out_trade_no) AS paid_fee
     FROM hub_attempts a JOIN hub_orders o2 ON o2.terminal_id = a.terminal_id AND o2.order_no = a.order_no
     WHERE o2.pid = $1 AND a.created_at >= $2 AND a.created_at < $3`,
    [pid, start - 2 * DAY_MS, end + 2 * DAY_MS],
  );
  const refunds = await pool.query<{ out_refund_no: string; status: string; fen: string }>(
    `SELECT f.out_refund_no, f.status, f.refund_fee AS fen FROM hub_refunds f
     JOIN hub_orders o ON o.terminal_id = f.terminal_id AND o.order_no = f.order_no
     WHERE o.pid = $1 AND f.created_at >= $2 AND f.created_at < $3`,
    [pid, start - 2 * DAY_MS, end + 2 * DAY_MS],
  );
  const attemptMap = new Map(
    attempts.rows.map((r) => [
      r.out_trade_no,
      { phase: r.phase, paidFee: r.paid_fee === null ? null : Number(r.paid_fee) },
    ]),
  );
  const refundMap = new Map(
    refunds.rows.map((r) => [r.out_refund_no, { status: r.status, fen: Number(r.fen) }]),
  );
  return { attempt: (ref: string) => attemptMap.get(ref), refund: (ref: string) => refundMap.get(ref) };
}

/** Reconciles `date` for every merchant and billing provider the hub holds; keeps and returns the results. */
export async function reconcileAtHub(
  pool: Pool,
  merchants: ServiceMerchants,
  clock: Clock,
  date: string,
  signal?: AbortSignal,
): Promise<HubReconcileResult[]> {
  beijingDayRange(date); // a bad date fails here, before any provider is asked
  const results: HubReconcileResult[] = [];
  for (const merchant of merchants.all()) {
    for (const gateway of merchant.gateways) {
      const parsed = merchants.gatewayConfig(merchant.pid, gateway.provider);
      const source = parsed?.createBillSource?.({ clock });
      const base = { pid: merchant.pid, provider: gateway.provider, date };
      if (!source) {
        results.push({ ...base, status: 'no_bill', matched: 0, totals: null, discrepancies: [] });
        continue;
      }
      const bill = await source.fetchBill(date, signal);
      if (bill.kind !== 'bill') {
        results.push({ ...base, status: bill.kind, matched: 0, totals: null, discrepancies: [] });
        continue;
      }
      const records = await dayRecords(pool, merchant.pid, gateway.provider, date);
      const match = await matchDay({
        pid: merchant.pid,
        provider: gateway.provider,
        payments: records.payments,
        refunds: records.refunds,
        rows: bill.rows,
        lookups: await lookupsAround(pool, merchant.pid, date),
        matchedElsewhere: () => false,
      });
      results.push({
        ...base,
        status: 'done',
        matched: match.matched,
        totals: match.totals,
        discrepancies: match.discrepancies,
      });
    }
  }
  for (const r of results)
    await pool.query(
      `INSERT INTO hub_reconcile_runs (pid, provider, bill_date, status, result, updated_at) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (pid, provider, bill_date) DO UPDATE SET status = EXCLUDED.status, result = EXCLUDED.result,
         updated_at = EXCLUDED.updated_at`,
      [r.pid, r.provider, r.date, r.status, JSON.stringify(r), clock.now()],
    );
  return results;
}

/** One kept run as the owner's page lists it: the day, merchant, provider, status and counts. */
export interface HubReconcileRunView {
  readonly bill_date: string;
  readonly pid: string;
  readonly provider: string;
  readonly status: string;
  readonly matched: number;
  readonly discrepancies: number;
  readonly updated_at: number;
}

/** The runs of the last `days` bill dates, newest first. */
export async function recentReconcileRuns(pool: Pool, days: number): Promise<HubReconcileRunView[]> {
  const { rows } = await pool.query<HubReconcileRunView>(
    `SELECT bill_date, pid, provider, status, COALESCE((result->>'matched')::int, 0) AS matched,
       COALESCE(jsonb_array_length(result->'discrepancies'), 0) AS discrepancies, updated_at::float8 AS updated_at
     FROM hub_reconcile_runs
     WHERE bill_date IN (SELECT DISTINCT bill_date FROM hub_reconcile_runs ORDER BY bill_date DESC LIMIT $1)
     ORDER BY bill_date DESC, pid, provider`,
    [days],
  );
  return rows;
}
