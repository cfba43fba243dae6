/**
 * Ingesting a terminal's batch, idempotent on (terminal_id, seq). One transaction: the changes go
 * into hub_changes with ON CONFLICT DO NOTHING (a redelivery inserts nothing); only the changes
 * that were new are applied to the read tables, newest seq per row, and an upsert never lets an
 * older seq overwrite a newer one (a late batch after a restart cannot roll a paid order back).
 * The registry row (last seen, last seq, status) is updated in the same transaction.
 *
 * A seq the hub holds with another change is not a redelivery: the terminal's numbering went back
 * (a journal restored from a backup, docs/deploy.md "Restore"). Taking it for one would drop that
 * change for good, so the batch is refused (hub_conflict, reason seq_reused) with the first reused
 * seq and the highest seq held; the terminal numbers its waiting changes after it and sends again.
 */
import type { Pool, PoolClient } from 'pg';
import { HubError } from './hub-errors.ts';
import { SETTLE_REQUESTS_SQL } from './hub-refunds.ts';
import type { Change, IngestAnswer, TerminalStatus } from './hub-wire.ts';

const ORDER_COLUMNS = [
  'pid',
  'total_fee',
  'subject',
  'type',
  'status',
  'tender',
  'provider',
  'transaction_id',
  'paid_out_trade_no',
  'paid_at',
  'refunded_fee',
  'cashier',
  'shift_id',
  'created_at',
  'updated_at',
] as const;
const ATTEMPT_COLUMNS = [
  'order_no',
  'attempt_index',
  'phase',
  'final',
  'provider',
  'created_at',
  'updated_at',
] as const;
const REFUND_COLUMNS = [
  'order_no',
  'out_trade_no',
  'refund_fee',
  'status',
  'reason',
  'refund_id',
  'created_at',
  'updated_at',
] as const;

const SHIFT_COLUMNS = ['cashier', 'opened_at', 'closed_at', 'float_fee', 'counted'] as const;

interface Table {
  readonly name: string;
  readonly key: string;
  readonly columns: readonly string[];
}

const TABLES: Record<Change['kind'], Table> = {
  order: { name: 'hub_orders', key: 'order_no', columns: ORDER_COLUMNS },
  attempt: { name: 'hub_attempts', key: 'out_trade_no', columns: ATTEMPT_COLUMNS },
  refund: { name: 'hub_refunds', key: 'out_refund_no', columns: REFUND_COLUMNS },
  shift: { name: 'hub_shifts', key: 'shift_id', columns: SHIFT_COLUMNS },
};

/** One upsert per table: rows built from JSON by jsonb_populate_record, newest seq wins. */
function upsertSql(table: Table): string {
  const sets = ['seq', ...table.columns].map((c) => `${c} = EXCLUDED.${c}`).join(', ');
  return `INSERT INTO ${table.name}
    SELECT (jsonb_populate_record(NULL::${table.name}, p)).* FROM unnest($1::jsonb[]) AS p
    ON CONFLICT (terminal_id, ${table.key}) DO UPDATE SET ${sets}
    WHERE ${table.name}.seq < EXCLUDED.seq`;
}

async function applyFresh(client: PoolClient, terminalId: string, fresh: readonly Change[]): Promise<void> {
  for (const kind of ['order', 'attempt', 'refund', 'shift'] as const) {
    // The newest change per row only: one statement may not update the same row twice.
    const newest = new Map<string, Change>();
    for (const change of fresh) {
      if (change.kind !== kind) continue;
      const seen = newest.get(change.ref);
      if (!seen || seen.seq < change.seq) newest.set(change.ref, change);
    }
    if (newest.size === 0) continue;
    const rows = [...newest.values()].map((c) =>
      JSON.stringify({ ...c.payload, terminal_id: terminalId, seq: c.seq }),
    );
    await client.query(upsertSql(TABLES[kind]), [rows]);
  }
}

/** Throws when a seq already held belongs to another change (see the header); a true redelivery passes. */
async function refuseReusedSeqs(
  client: PoolClient,
  terminalId: string,
  held: readonly Change[],
): Promise<void> {
  if (held.length === 0) return;
  const { rows } = await client.query<{ seq: string; kind: string; ref: string; at: string }>(
    'SELECT seq, kind, ref, at FROM hub_changes WHERE terminal_id = $1 AND seq = ANY($2::bigint[])',
    [terminalId, held.map((c) => c.seq)],
  );
  const before = new Map(rows.map((r) => [Number(r.seq), r]));
  const reused = held.filter((c) => {
    const was = before.get(c.seq);
    return was !== undefined && (was.kind !== c.kind || was.ref !== c.ref || Number(was.at) !== c.at);
  });
  if (reused.length === 0) return;
  const top = await client.query<{ last: string | null }>(
    'SELECT max(seq) AS last FROM hub_changes WHERE terminal_id = $1',
    [terminalId],
  );
  throw new HubError(
    'hub_conflict',
    `terminal ${terminalId} sent seq ${reused[0]!.seq} for another change than the hub holds: its numbering went back (a restored journal?)`,
    {
      reason: 'seq_reused',
      first_reused: Math.min(...reused.map((c) => c.seq)),
      last_seq: Number(top.rows[0]?.last ?? 0),
    },
  );
}

export async function ingestBatch(
  pool: Pool,
  terminalId: string,
  changes: readonly Change[],
  status: TerminalStatus,
  now: number,
): Promise<IngestAnswer> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    let fresh: Change[] = [];
    if (changes.length > 0) {
      const inserted = await client.query<{ seq: string }>(
        `INSERT INTO hub_changes (terminal_id, seq, kind, ref, payload, at, received_at)
         SELECT $1, c.seq, c.kind, c.ref, c.payload, c.at, $7
         FROM unnest($2::bigint[], $3::text[], $4::text[], $5::jsonb[], $6::bigint[]) AS c(seq, kind, ref, payload, at)
         ON CONFLICT (terminal_id, seq) DO NOTHING
         RETURNING seq`,
        [
          terminalId,
          changes.map((c) => c.seq),
          changes.map((c) => c.kind),
          changes.map((c) => c.ref),
          changes.map((c) => JSON.stringify(c.payload)),
          changes.map((c) => c.at),
          now,
        ],
      );
      const stored = new Set(inserted.rows.map((r) => Number(r.seq)));
      await refuseReusedSeqs(
        client,
        terminalId,
        changes.filter((c) => !stored.has(c.seq)),
      );
      fresh = changes.filter((c) => stored.has(c.seq));
      await applyFresh(client, terminalId, fresh);
      // Refunds the hub asked for and the till now reports final close their request (only a
      // batch with refund changes can close one: no extra statement for the others).
      if (fresh.some((c) => c.kind === 'refund')) await client.query(SETTLE_REQUESTS_SQL, [terminalId, now]);
    }
    const maxSeq = changes.reduce((max, c) => Math.max(max, c.seq), 0);
    await client.query(
      `UPDATE hub_terminals SET last_seen = $2, last_seq = GREATEST(last_seq, $3), version = $4, status = $5
       WHERE terminal_id = $1`,
      [terminalId, now, maxSeq, status.version, JSON.stringify(status)],
    );
    await client.query('COMMIT');
    return { acked_seq: maxSeq, stored: fresh.length, duplicates: changes.length - fresh.length };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}
