/**
 * Store-level refunds (issue 19): the owner asks the hub to refund an order sold at any till. The
 * hub is the single writer of the request: it checks the order against what it knows (paid, and
 * the fee within what is left after refunds already made or asked for), fixes the out_refund_no
 * once, and hands the request to the till that sold the order with every ingest answer until that
 * till reports the refund's outcome (through its outbox) or refuses it. The till runs it through
 * its own refund service with exactly that out_refund_no (journaled before the provider call,
 * re-sent unchanged on retry), and the providers refund an out_refund_no once, so nothing refunds
 * twice. A request repeated with the same request_id answers the first one.
 */
import type { KeyObject } from 'node:crypto';
import type { Pool, PoolClient } from 'pg';
import { z } from 'zod';
import type { RefundRejectionView } from '../common/contract/hub-report.ts';
import { HubError } from './hub-errors.ts';
import type { HubRefundOrder } from './hub-wire.ts';
import { type RefundOrderFields, signRefundOrder } from './refund-signature.ts';

export const RefundRequestSchema = z.strictObject({
  /** The caller's idempotency key: a retried request with the same id gets the first answer. */
  request_id: z.string().regex(/^[A-Za-z0-9_.:-]{8,64}$/, '8–64 letters, digits or _.:-'),
  terminal_id: z.string().min(1).max(32),
  order_no: z.string().min(1).max(64),
  refund_fee: z.number().int().positive(),
  reason: z.string().max(80).optional(),
  /** Who asked (the supervisor's name), kept with the request. */
  requested_by: z.string().min(1).max(64),
});
export type RefundRequestInput = z.infer<typeof RefundRequestSchema>;

export interface HubRefundRequest {
  readonly request_id: string;
  readonly terminal_id: string;
  readonly order_no: string;
  readonly out_refund_no: string;
  readonly refund_fee: number;
  readonly reason: string | null;
  readonly requested_by: string;
  readonly state: 'requested' | 'succeeded' | 'failed' | 'refused';
  readonly detail: string | null;
}

const COLUMNS = `request_id, terminal_id, order_no, out_refund_no, refund_fee::float8 AS refund_fee, reason,
  requested_by, state, detail`;

/** Start of the Beijing day holding `now` (epoch ms): the daily cap's day, as the reports' days. */
export function beijingDayStart(now: number): number {
  const offset = 8 * 3600_000;
  return Math.floor((now + offset) / 86_400_000) * 86_400_000 - offset;
}

/**
 * Within the caller's transaction: the asking till's row is locked (its asks are taken one after
 * the other), its right checked again (it may have been revoked since the token was read) and
 * what it asked today (refused and failed requests moved no money) plus this fee held against its daily cap.
 */
async function checkDailyCap(client: PoolClient, asking: string, fee: number, now: number): Promise<void> {
  const { rows } = await client.query<{ may_refund: boolean; cap: string | null }>(
    'SELECT may_refund, refund_daily_cap AS cap FROM hub_terminals WHERE terminal_id = $1 FOR UPDATE',
    [asking],
  );
  const till = rows[0];
  if (!till?.may_refund)
    throw new HubError('hub_refund_not_granted', `terminal ${asking} may not refund other tills' sales`, {
      terminal_id: asking,
    });
  if (till.cap === null) return;
  const cap = Number(till.cap);
  const asked = await client.query<{ fee: string | null }>(
    `SELECT sum(refund_fee) AS fee FROM hub_refund_requests
     WHERE asked_by = $1 AND created_at >= $2 AND state IN ('requested', 'succeeded')`,
    [asking, beijingDayStart(now)],
  );
  const left = Math.max(0, cap - Number(asked.rows[0]?.fee ?? 0));
  if (fee > left)
    throw new HubError(
      'hub_refund_cap_reached',
      `terminal ${asking} may ask at most ${cap} fen of refunds a day: ${left} fen are left today`,
      { daily_cap_fen: cap, left_fen: left },
    );
}

/**
 * Records the owner's (asking null) or a till's refund request. A till's (`asking`: its terminal
 * id, already checked for the refund right) is also held against that till's daily cap.
 */
export async function requestRefund(
  pool: Pool,
  input: RefundRequestInput,
  now: number,
  asking: string | null = null,
): Promise<HubRefundRequest> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const same = await client.query<HubRefundRequest>(
      `SELECT ${COLUMNS} FROM hub_refund_requests WHERE request_id = $1`,
      [input.request_id],
    );
    if (same.rows[0]) {
      await client.query('COMMIT');
      const first = same.rows[0];
      if (
        first.order_no !== input.order_no ||
        first.refund_fee !== input.refund_fee ||
        first.terminal_id !== input.terminal_id
      )
        throw new HubError('hub_conflict', `request_id ${input.request_id} was used for another refund`);
      return first;
    }
    if (asking !== null) await checkDailyCap(client, asking, input.refund_fee, now);
    // The order row is locked: two owners refunding one order at once are taken one after the other.
    const order = await client.query<{ status: number; total_fee: string; refunded_fee: string }>(
      'SELECT status, total_fee, refunded_fee FROM hub_orders WHERE terminal_id = $1 AND order_no = $2 FOR UPDATE',
      [input.terminal_id, input.order_no],
    );
    const row = order.rows[0];
    if (!row)
      throw new HubError(
        'hub_not_found',
        `the hub has no order ${input.order_no} from terminal ${input.terminal_id}`,
      );
    if (row.status !== 1 && row.status !== 2)
      throw new HubError(
        'hub_conflict',
        `order ${input.order_no} is not paid and refundable (status ${row.status})`,
      );
    const open = await client.query<{ fee: string | null }>(
      `SELECT sum(r.refund_fee) AS fee FROM hub_refund_requests r
       WHERE r.terminal_id = $1 AND r.order_no = $2 AND r.state = 'requested'`,
      [input.terminal_id, input.order_no],
    );
    const left = Number(row.total_fee) - Number(row.refunded_fee) - Number(open.rows[0]?.fee ?? 0);
    if (input.refund_fee > left)
      throw new HubError(
        'hub_conflict',
        `at most ${left} fen can still be refunded on order ${input.order_no}`,
        {
          refundable_fee: left,
        },
      );
    const id = await client.query<{ id: number }>("SELECT nextval('hub_refund_requests_id_seq') AS id");
    const outRefundNo = `${input.order_no}H${id.rows[0]!.id}`;
    const inserted = await client.query<HubRefundRequest>(
      `INSERT INTO hub_refund_requests (id, request_id, terminal_id, order_no, out_refund_no, refund_fee, reason,
         requested_by, state, created_at, updated_at, asked_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'requested', $9, $9, $10) RETURNING ${COLUMNS}`,
      [
        id.rows[0]!.id,
        input.request_id,
        input.terminal_id,
        input.order_no,
        outRefundNo,
        input.refund_fee,
        input.reason ?? null,
        input.requested_by,
        now,
        asking,
      ],
    );
    await client.query('COMMIT');
    return inserted.rows[0]!;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}

/**
 * What rides on every ingest answer, in one round trip: the newest store config version and the
 * refunds this till still has to carry out, each signed now with the hub's key (./refund-signature.ts)
 * so the till can tell them from requests injected or altered on the way. Without a key the hub
 * hands out none: a till would refuse them unsigned.
 */
export async function newsFor(
  pool: Pool,
  terminalId: string,
  key: KeyObject | null,
  now: number,
): Promise<{ configVersion: number; refunds: HubRefundOrder[] }> {
  const { rows } = await pool.query<{ v: number | null; refunds: RefundOrderFields[] | null }>(
    `SELECT (SELECT max(version) FROM hub_store_configs) AS v,
       (SELECT json_agg(json_build_object('terminal_id', terminal_id, 'request_id', request_id,
          'out_refund_no', out_refund_no, 'order_no', order_no, 'refund_fee', refund_fee, 'reason', reason) ORDER BY id)
        FROM hub_refund_requests WHERE terminal_id = $1 AND state = 'requested') AS refunds`,
    [terminalId],
  );
  const open = rows[0]?.refunds ?? [];
  return {
    configVersion: Number(rows[0]?.v ?? 0),
    refunds: key ? open.map((order) => signRefundOrder(order, key, now)) : [],
  };
}

/** A refund request a till refused as not from this hub (./refund-signature.ts), as the till saw it. */
export const RefundRejectionSchema = z.strictObject({
  out_refund_no: z.string().max(64).nullable(),
  order_no: z.string().max(64).nullable(),
  refund_fee: z.number().int().nullable(),
  reason: z.enum(['no_key', 'malformed', 'other_terminal', 'signature_mismatch', 'expired']),
});
export type RefundRejectionInput = z.infer<typeof RefundRejectionSchema>;

/** Rows kept per terminal: a stream of forgeries cannot grow the table without bound. */
const REJECTIONS_KEPT = 200;

/**
 * Records a till's report of a refund request it refused as not signed by this hub. The request
 * it names (if it is one of ours) stays open: an attacker altering it in transit must not be able
 * to close the owner's request, and the next hand-out, unaltered, is made.
 */
export async function recordRejection(
  pool: Pool,
  terminalId: string,
  rejection: RefundRejectionInput,
  now: number,
): Promise<void> {
  await pool.query(
    `INSERT INTO hub_refund_rejections (terminal_id, out_refund_no, order_no, refund_fee, reason, at)
     VALUES ($1, $2, $3, $4, $5, $6)`,
    [
      terminalId,
      rejection.out_refund_no ?? '',
      rejection.order_no,
      rejection.refund_fee,
      rejection.reason,
      now,
    ],
  );
  await pool.query(
    `DELETE FROM hub_refund_rejections WHERE terminal_id = $1 AND id NOT IN
       (SELECT id FROM hub_refund_rejections WHERE terminal_id = $1 ORDER BY id DESC LIMIT ${REJECTIONS_KEPT})`,
    [terminalId],
  );
}

/** The newest rejections, for the owner's page. */
export async function listRejections(pool: Pool, limit = 50): Promise<RefundRejectionView[]> {
  const { rows } = await pool.query<RefundRejectionView>(
    `SELECT terminal_id, out_refund_no, order_no, refund_fee::float8 AS refund_fee, reason, at::float8 AS at
     FROM hub_refund_rejections ORDER BY id DESC LIMIT $1`,
    [limit],
  );
  return rows;
}

export async function listRefundRequests(pool: Pool): Promise<HubRefundRequest[]> {
  const { rows } = await pool.query<HubRefundRequest>(
    `SELECT ${COLUMNS} FROM hub_refund_requests ORDER BY id DESC LIMIT 500`,
  );
  return rows;
}

/** The till refused a request (order not refundable there, fee above what it holds…): final. */
export async function refuseRefund(
  pool: Pool,
  terminalId: string,
  outRefundNo: string,
  code: string,
  now: number,
): Promise<boolean> {
  const result = await pool.query(
    `UPDATE hub_refund_requests SET state = 'refused', detail = $3, updated_at = $4
     WHERE terminal_id = $1 AND out_refund_no = $2 AND state = 'requested'`,
    [terminalId, outRefundNo, code.slice(0, 64), now],
  );
  return (result.rowCount ?? 0) > 0;
}

/**
 * SQL run inside each ingest: requests whose refund the till reported final are closed with it. Only
 * a refund of that order and amount closes one: a till's own refund that happens to carry the number
 * (any valid number is the caller's to choose) is another refund, and the till refuses the request.
 */
export const SETTLE_REQUESTS_SQL = `UPDATE hub_refund_requests r SET state = f.status, updated_at = $2
  FROM hub_refunds f
  WHERE r.terminal_id = $1 AND r.state = 'requested' AND f.terminal_id = r.terminal_id
    AND f.out_refund_no = r.out_refund_no AND f.order_no = r.order_no AND f.refund_fee = r.refund_fee
    AND f.status IN ('succeeded', 'failed')`;
