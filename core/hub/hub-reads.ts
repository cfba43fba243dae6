/**
 * The hub's read side: orders across terminals with filters, day / shift / wallet reports per
 * terminal and for the store, the terminal registry and open attention items. Query strings are
 * validated with zod (a bad filter is a 400 naming the field, never an empty answer). Days are
 * Beijing days (Asia/Shanghai), like the providers' bills and the till's own reports.
 */
import type { Pool } from 'pg';
import { z } from 'zod';
import type { ReportRow } from '../common/contract/hub-report.ts';

const intString = z
  .string()
  .regex(/^\d{1,16}$/, 'a whole number')
  .transform(Number);
const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'YYYY-MM-DD');

export const OrderQuerySchema = z.strictObject({
  terminal: z.string().max(32).optional(),
  /** One order number exactly (a till looking up a sale for a store refund). */
  order_no: z.string().min(1).max(64).optional(),
  cashier: z.string().max(64).optional(),
  /** The tender the order was paid with: wxpay, alipay or cash. */
  wallet: z.enum(['wxpay', 'alipay', 'cash']).optional(),
  /** The till's order status number (0 unpaid, 1 paid, 2 partly refunded, 3 refunded, -1 closed). */
  status: z
    .string()
    .regex(/^-?\d$/, 'an order status number')
    .transform(Number)
    .optional(),
  /** Epoch ms, inclusive. */
  from: intString.optional(),
  /** Epoch ms, exclusive. */
  to: intString.optional(),
  limit: intString.pipe(z.number().min(1).max(1000)).default(100),
  offset: intString.default(0),
});
export type OrderQuery = z.infer<typeof OrderQuerySchema>;

/** What a till may ask: one order number, exactly. */
export const TerminalOrderQuerySchema = z.strictObject({ order_no: z.string().min(1).max(64) });

export interface HubOrderView {
  readonly terminal_id: string;
  readonly order_no: string;
  readonly pid: string;
  readonly total_fee: number;
  readonly subject: string;
  readonly status: number;
  readonly tender: string | null;
  readonly provider: string | null;
  readonly transaction_id: string | null;
  readonly paid_at: number | null;
  readonly refunded_fee: number;
  readonly cashier: string | null;
  readonly shift_id: string | null;
  readonly created_at: number;
  readonly updated_at: number;
}

type Where = { clause: string; values: unknown[] };

function whereOf(query: Partial<OrderQuery>): Where {
  const parts: string[] = [];
  const values: unknown[] = [];
  const add = (sql: string, value: unknown) => {
    if (value === undefined) return;
    values.push(value);
    parts.push(sql.replace('?', `$${values.length}`));
  };
  add('terminal_id = ?', query.terminal);
  add('order_no = ?', query.order_no);
  add('cashier = ?', query.cashier);
  add('tender = ?', query.wallet);
  add('status = ?', query.status);
  add('created_at >= ?', query.from);
  add('created_at < ?', query.to);
  return { clause: parts.length ? `WHERE ${parts.join(' AND ')}` : '', values };
}

const ORDER_VIEW_COLUMNS = `terminal_id, order_no, pid, total_fee::float8 AS total_fee, subject, status, tender, provider,
  transaction_id, paid_at::float8 AS paid_at, refunded_fee::float8 AS refunded_fee, cashier, shift_id,
  created_at::float8 AS created_at, updated_at::float8 AS updated_at`;

export async function listHubOrders(
  pool: Pool,
  query: OrderQuery,
): Promise<{ orders: HubOrderView[]; total: number }> {
  const { clause, values } = whereOf(query);
  const total = await pool.query<{ n: string }>(`SELECT count(*) AS n FROM hub_orders ${clause}`, values);
  const rows = await pool.query<HubOrderView>(
    `SELECT ${ORDER_VIEW_COLUMNS} FROM hub_orders ${clause}
     ORDER BY created_at DESC, terminal_id, order_no LIMIT $${values.length + 1} OFFSET $${values.length + 2}`,
    [...values, query.limit, query.offset],
  );
  return { orders: rows.rows, total: Number(total.rows[0]?.n ?? 0) };
}

/**
 * What a till's token may read of a sale (GET /api/terminal/orders, a store refund at another till):
 * one exact order number, and only what the refund screen shows (StoreOrderView in
 * core/common/contract/api-contract.ts). The cashier, shift, subject, merchant and the provider's
 * transaction id stay behind the owner's key (docs/security.md).
 */
export async function findTerminalOrders(pool: Pool, orderNo: string): Promise<Record<string, unknown>[]> {
  const { rows } = await pool.query<Record<string, unknown>>(
    `SELECT terminal_id, order_no, total_fee::float8 AS total_fee, refunded_fee::float8 AS refunded_fee,
       status, tender, paid_at::float8 AS paid_at, created_at::float8 AS created_at
     FROM hub_orders WHERE order_no = $1 ORDER BY created_at DESC, terminal_id LIMIT 10`,
    [orderNo],
  );
  return rows;
}

export const ReportQuerySchema = z.strictObject({
  by: z.enum(['day', 'shift', 'wallet']),
  /** Beijing days, inclusive. */
  from: day,
  to: day,
  terminal: z.string().max(32).optional(),
});
export type ReportQuery = z.infer<typeof ReportQuerySchema>;

const BEIJING_DAY = "to_char(to_timestamp(paid_at / 1000.0) AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD')";
const GROUP_KEY: Record<ReportQuery['by'], string> = {
  day: BEIJING_DAY,
  shift: 'shift_id',
  wallet: 'tender',
};

/** Paid orders (status 1–3) by Beijing day of payment, shift or wallet; per terminal and the store. */
export async function hubReport(pool: Pool, query: ReportQuery): Promise<ReportRow[]> {
  const values: unknown[] = [query.from, query.to];
  let terminal = '';
  if (query.terminal !== undefined) {
    values.push(query.terminal);
    terminal = 'AND terminal_id = $3';
  }
  const { rows } = await pool.query<{
    terminal_id: string | null;
    key: string | null;
    paid_orders: string;
    paid_fen: string;
    refunded_fen: string;
  }>(
    `SELECT terminal_id, ${GROUP_KEY[query.by]} AS key, count(*) AS paid_orders,
       sum(total_fee) AS paid_fen, sum(refunded_fee) AS refunded_fen
     FROM hub_orders
     WHERE status IN (1, 2, 3) AND paid_at IS NOT NULL AND ${BEIJING_DAY} BETWEEN $1 AND $2 ${terminal}
     GROUP BY GROUPING SETS ((terminal_id, key), (key))
     ORDER BY key NULLS LAST, terminal_id NULLS LAST`,
    values,
  );
  return rows.map((r) => ({
    terminal_id: r.terminal_id,
    key: r.key,
    paid_orders: Number(r.paid_orders),
    paid_fen: Number(r.paid_fen),
    refunded_fen: Number(r.refunded_fen),
    net_fen: Number(r.paid_fen) - Number(r.refunded_fen),
  }));
}

export interface TerminalView {
  readonly terminal_id: string;
  readonly enrolled_at: number;
  readonly revoked: boolean;
  readonly version: string | null;
  readonly last_seen: number | null;
  /** Seen within ONLINE_WITHIN_MS (the forwarder reports at least every few seconds). */
  readonly online: boolean;
  readonly last_seq: number;
  readonly status: unknown;
  readonly queue_length: number | null;
  /** May look up and ask refunds of other tills' sales (./terminal-tokens.ts). */
  readonly refunds: boolean;
  /** Fen per Beijing day it may ask in all; null: no cap. */
  readonly refund_daily_cap_fen: number | null;
  /** Tries without the right to look up or ask a store refund, and the last one's time. */
  readonly refunds_refused: number;
  readonly refunds_refused_at: number | null;
}

export const ONLINE_WITHIN_MS = 60_000;

export async function listTerminals(pool: Pool, now: number): Promise<TerminalView[]> {
  const { rows } = await pool.query<{
    terminal_id: string;
    enrolled_at: string;
    revoked_at: string | null;
    version: string | null;
    last_seen: string | null;
    last_seq: string;
    status: { queue_length?: number } | null;
    may_refund: boolean;
    refund_daily_cap: string | null;
    refunds_refused: number;
    refunds_refused_at: string | null;
  }>(
    `SELECT terminal_id, enrolled_at, revoked_at, version, last_seen, last_seq, status, may_refund, refund_daily_cap,
       refunds_refused, refunds_refused_at
     FROM hub_terminals ORDER BY terminal_id`,
  );
  return rows.map((r) => {
    const lastSeen = r.last_seen === null ? null : Number(r.last_seen);
    return {
      terminal_id: r.terminal_id,
      enrolled_at: Number(r.enrolled_at),
      revoked: r.revoked_at !== null,
      version: r.version,
      last_seen: lastSeen,
      online: lastSeen !== null && now - lastSeen <= ONLINE_WITHIN_MS,
      last_seq: Number(r.last_seq),
      status: r.status,
      queue_length: r.status?.queue_length ?? null,
      refunds: r.may_refund,
      refund_daily_cap_fen: r.refund_daily_cap === null ? null : Number(r.refund_daily_cap),
      refunds_refused: r.refunds_refused,
      refunds_refused_at: r.refunds_refused_at === null ? null : Number(r.refunds_refused_at),
    };
  });
}

/** Attempts the terminals left for a person (phase needs_attention), oldest first. */
export async function openAttention(
  pool: Pool,
): Promise<{ terminal_id: string; out_trade_no: string; order_no: string; updated_at: number }[]> {
  const { rows } = await pool.query<{
    terminal_id: string;
    out_trade_no: string;
    order_no: string;
    updated_at: string;
  }>(
    "SELECT terminal_id, out_trade_no, order_no, updated_at FROM hub_attempts WHERE phase = 'needs_attention' ORDER BY updated_at",
  );
  return rows.map((r) => ({ ...r, updated_at: Number(r.updated_at) }));
}
