/**
 * Reconciliation's reads and writes in the journal database (tables from migration 3, see
 * core/journal/migrations.ts). Reads the day's booked sales and refunds; writes each provider-day's
 * outcome and its discrepancies in one transaction, so a day is recorded whole or not at all. A
 * re-run keeps every decision already taken: a discrepancy found again keeps its state, an open one
 * no longer found is removed (the provider's bill caught up), a decided one stays as history.
 * Every statement and the transaction are the journal's (`watched`, `transaction`), so a storage
 * fault during reconciliation (a full disk, a corrupt page) turns the journal unhealthy and stops
 * new charges like any other journal fault (core/journal/journal-health.ts). The CLI's
 * `scanpay reconcile` opens its own journal connection while the service writes (WAL, busy_timeout).
 */
import type {
  DecisionAction,
  Discrepancy,
  ProviderTotals,
  ReconcileItem,
  RunStatus,
} from '../common/contract/reconcile-views.ts';
import { ConflictError, NotFoundError, ValidationError } from '../common/errors.ts';
import type { GuardedStatement } from '../journal/sqlite-journal.ts';
import type { Provider } from '../ports/payment-gateway.ts';
import { beijingDayRange } from './beijing-day.ts';
import type { JournalLookups, MatchResult, TerminalPayment, TerminalRefund } from './match-day.ts';

/** Open "missing from the bill" items a neighbouring day's bill has since matched. */
const WITHDRAW_MATCHED_ELSEWHERE = `DELETE FROM reconcile_items
  WHERE pid = ? AND provider = ? AND bill_date != ? AND state = 'open' AND (
    (kind = 'terminal_only' AND reason = 'absent_from_bill' AND ? = 'p:' || out_trade_no) OR
    (kind = 'refund_mismatch' AND reason = 'refund_absent_from_bill' AND ? = 'r:' || out_refund_no))`;

export type { ReconcileItem } from '../common/contract/reconcile-views.ts';

export interface RunRecord {
  readonly pid: string;
  readonly provider: Provider;
  readonly bill_date: string;
  readonly status: RunStatus;
  readonly detail: string | null;
  readonly matched: number;
  readonly totals: ProviderTotals | null;
  readonly tries: number;
  readonly updated_at: number;
}

/** An attempt the day's PAYJS checks ask about. */
export interface DayAttempt {
  readonly outTradeNo: string;
  readonly totalFee: number;
  readonly phase: string;
  readonly transactionId: string | null;
  readonly providerOrderId: string | null;
}

const MAX_NOTE = 500;

/** book: one of our attempts the journal has unpaid; refund: money the provider holds; explain: always. */
export function choicesFor(item: Pick<Discrepancy, 'kind' | 'reason'>): DecisionAction[] {
  const choices: DecisionAction[] = [];
  if (item.kind === 'provider_only' && item.reason === 'attempt_not_booked') choices.push('book');
  if (item.kind === 'provider_only' || item.kind === 'amount_mismatch') choices.push('refund');
  choices.push('explain');
  return choices;
}

type Row = Record<string, unknown>;

/** The journal's watched statements and transaction (SqliteJournal has both). */
export interface ReconcileDatabase {
  watched(sql: string): GuardedStatement;
  transaction<T>(work: () => T): T;
}

export class ReconcileStore {
  private readonly db: ReconcileDatabase;

  constructor(db: ReconcileDatabase) {
    this.db = db;
  }

  private transaction<T>(work: () => T): T {
    return this.db.transaction(work);
  }

  /** Sales paid and refunds made on the day, as the journal booked them: read once, row by row (a cursor). */
  terminalDay(
    pid: string,
    provider: Provider,
    date: string,
  ): { payments: Iterable<TerminalPayment>; refunds: Iterable<TerminalRefund> } {
    const { start, end } = beijingDayRange(date);
    const payments = this.db
      .watched(
        `SELECT paid_out_trade_no AS outTradeNo, order_no AS orderNo, total_fee AS fen, paid_at AS paidAt
         FROM orders WHERE provider = ? AND pid = ? AND paid_at >= ? AND paid_at < ? AND paid_out_trade_no IS NOT NULL`,
      )
      .iterate(provider, pid, start, end) as unknown as Iterable<TerminalPayment>;
    const refunds = this.db
      .watched(
        // A second payment's refund (refund_payment) belongs to the bill of that attempt's provider,
        // which may not be the one that paid the order.
        `SELECT r.out_refund_no AS outRefundNo, r.out_trade_no AS outTradeNo, r.refund_fee AS fen, r.updated_at AS at
         FROM refunds r JOIN orders o ON o.order_no = r.order_no
         LEFT JOIN attempts a ON a.out_trade_no = r.out_trade_no AND r.out_trade_no IS NOT o.paid_out_trade_no
         WHERE COALESCE(json_extract(a.state, '$.provider'), o.provider) = ?
           AND COALESCE(json_extract(a.state, '$.pid'), o.pid) = ?
           AND r.status = 'succeeded' AND r.updated_at >= ? AND r.updated_at < ?`,
      )
      .iterate(provider, pid, start, end) as unknown as Iterable<TerminalRefund>;
    return { payments, refunds };
  }

  /** Every attempt of the provider created on the day (PAYJS has no bill: each is checked). */
  attemptsOfDay(pid: string, provider: Provider, date: string): DayAttempt[] {
    const { start, end } = beijingDayRange(date);
    return this.db
      .watched(
        `SELECT out_trade_no AS outTradeNo, json_extract(state, '$.totalFee') AS totalFee, phase,
                json_extract(state, '$.transactionId') AS transactionId,
                json_extract(state, '$.providerOrderId') AS providerOrderId
         FROM attempts WHERE json_extract(state, '$.provider') = ? AND json_extract(state, '$.pid') = ?
           AND created_at >= ? AND created_at < ? ORDER BY created_at`,
      )
      .all(provider, pid, start, end) as unknown as DayAttempt[];
  }

  /** Whether another day's bill already matched this ref (match-day.ts paymentRef / refundRef). */
  matchedElsewhere(pid: string, provider: Provider, date: string): (ref: string) => boolean {
    const find = this.db.watched(
      'SELECT 1 AS found FROM reconcile_matched_elsewhere WHERE pid = ? AND provider = ? AND ref = ? AND bill_date != ?',
    );
    return (ref) => find.get(pid, provider, ref, date) !== undefined;
  }

  /** The earliest paid_at in the journal (ms), or undefined when nothing was ever sold. */
  firstSaleAt(): number | undefined {
    const row = this.db.watched('SELECT min(paid_at) AS at FROM orders WHERE paid_at IS NOT NULL').get() as
      | { at: number | null }
      | undefined;
    return row?.at ?? undefined;
  }

  lookups(): JournalLookups {
    const attempt = this.db.watched(
      `SELECT a.phase AS phase, CASE WHEN o.paid_out_trade_no = a.out_trade_no THEN o.total_fee ELSE NULL END AS paidFee
       FROM attempts a JOIN orders o ON o.order_no = a.order_no WHERE a.out_trade_no = ?`,
    );
    const refund = this.db.watched('SELECT status, refund_fee AS fen FROM refunds WHERE out_refund_no = ?');
    return {
      attempt: (outTradeNo) =>
        attempt.get(outTradeNo) as { phase: string; paidFee: number | null } | undefined,
      refund: (outRefundNo) => refund.get(outRefundNo) as { status: string; fen: number } | undefined,
    };
  }

  /** Records a provider-day whose bill could not be had: no lists change. */
  saveUnfinished(
    pid: string,
    provider: Provider,
    date: string,
    status: RunStatus,
    detail: string,
    at: number,
  ): void {
    this.db
      .watched(
        `INSERT INTO reconcile_runs (pid, provider, bill_date, status, detail, summary, tries, updated_at)
         VALUES (?, ?, ?, ?, ?, NULL, 1, ?)
         ON CONFLICT (pid, provider, bill_date) DO UPDATE SET
           status = excluded.status, detail = excluded.detail, tries = tries + 1, updated_at = excluded.updated_at
         WHERE reconcile_runs.status != 'done'`,
      )
      .run(pid, provider, date, status, detail.slice(0, 500), at);
  }

  /** Records a reconciled provider-day and its discrepancies, whole. */
  saveDone(pid: string, provider: Provider, date: string, result: MatchResult, at: number): void {
    this.transaction(() => {
      const summary = JSON.stringify({ matched: result.matched, totals: result.totals });
      this.db
        .watched(
          `INSERT INTO reconcile_runs (pid, provider, bill_date, status, detail, summary, tries, updated_at)
           VALUES (?, ?, ?, 'done', NULL, ?, 1, ?)
           ON CONFLICT (pid, provider, bill_date) DO UPDATE SET
             status = 'done', detail = NULL, summary = excluded.summary, tries = tries + 1, updated_at = excluded.updated_at`,
        )
        .run(pid, provider, date, summary, at);
      const upsert = this.db.watched(
        `INSERT INTO reconcile_items (pid, provider, bill_date, kind, out_trade_no, out_refund_no, terminal_fen,
           provider_fen, reason, evidence, found_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (pid, provider, bill_date, kind, out_trade_no, out_refund_no) DO UPDATE SET
           terminal_fen = excluded.terminal_fen, provider_fen = excluded.provider_fen, reason = excluded.reason,
           evidence = excluded.evidence
         RETURNING id`,
      );
      const found = new Set<number>();
      for (const d of result.discrepancies) {
        const row = upsert.get(
          pid,
          provider,
          date,
          d.kind,
          d.out_trade_no,
          d.out_refund_no,
          d.terminal_fen,
          d.provider_fen,
          d.reason,
          JSON.stringify(d.evidence),
          at,
        ) as { id: number };
        found.add(row.id);
      }
      const elsewhere = this.db.watched(
        `INSERT INTO reconcile_matched_elsewhere (pid, provider, ref, bill_date) VALUES (?, ?, ?, ?)
         ON CONFLICT (pid, provider, ref) DO UPDATE SET bill_date = excluded.bill_date`,
      );
      const withdraw = this.db.watched(WITHDRAW_MATCHED_ELSEWHERE);
      for (const ref of result.matchedElsewhere) {
        elsewhere.run(pid, provider, ref, date);
        withdraw.run(pid, provider, date, ref, ref);
      }
      const open = this.db
        .watched(
          `SELECT id FROM reconcile_items WHERE pid = ? AND provider = ? AND bill_date = ? AND state = 'open'`,
        )
        .all(pid, provider, date) as { id: number }[];
      const drop = this.db.watched('DELETE FROM reconcile_items WHERE id = ?');
      for (const { id } of open) if (!found.has(id)) drop.run(id);
    });
  }

  run(pid: string, provider: Provider, date: string): RunRecord | undefined {
    const row = this.db
      .watched('SELECT * FROM reconcile_runs WHERE pid = ? AND provider = ? AND bill_date = ?')
      .get(pid, provider, date) as Row | undefined;
    return row && toRun(row);
  }

  runs(date: string): RunRecord[] {
    return (
      this.db
        .watched('SELECT * FROM reconcile_runs WHERE bill_date = ? ORDER BY pid, provider')
        .all(date) as Row[]
    ).map(toRun);
  }

  items(date: string): ReconcileItem[] {
    return (
      this.db.watched('SELECT * FROM reconcile_items WHERE bill_date = ? ORDER BY id').all(date) as Row[]
    ).map(toItem);
  }

  openItemCount(): number {
    return Number(
      (this.db.watched(`SELECT count(*) AS n FROM reconcile_items WHERE state = 'open'`).get() as Row).n,
    );
  }

  /** A supervisor's decision on a discrepancy: journaled with who and why, appended to its history. */
  decide(id: number, action: DecisionAction, by: string, note: string, at: number): ReconcileItem {
    const trimmed = note.trim();
    if (!['book', 'refund', 'explain'].includes(action))
      throw new ValidationError('reconcile_action_invalid', 'action must be book, refund or explain');
    if (trimmed.length === 0 || trimmed.length > MAX_NOTE)
      throw new ValidationError('reconcile_note_required', `a note of 1 to ${MAX_NOTE} characters says why`);
    if (by.trim().length === 0)
      throw new ValidationError('reconcile_note_required', 'the decision needs who takes it');
    return this.transaction(() => {
      const row = this.db.watched('SELECT * FROM reconcile_items WHERE id = ?').get(id) as Row | undefined;
      if (!row) throw new NotFoundError('reconcile_item_not_found', `no discrepancy ${id}`);
      const item = toItem(row);
      if (!item.choices.includes(action))
        throw new ConflictError(
          'reconcile_action_not_allowed',
          `${action} is not a choice for a ${item.kind} (${item.reason})`,
        );
      const state = action === 'book' ? 'booked' : action === 'refund' ? 'refunded' : 'explained';
      this.db
        .watched(
          'UPDATE reconcile_items SET state = ?, resolved_by = ?, resolution_note = ?, resolved_at = ? WHERE id = ?',
        )
        .run(state, by, trimmed, at, id);
      this.db
        .watched(
          'INSERT INTO reconcile_decisions (item_id, action, decided_by, note, at) VALUES (?, ?, ?, ?, ?)',
        )
        .run(id, action, by, trimmed, at);
      return toItem(this.db.watched('SELECT * FROM reconcile_items WHERE id = ?').get(id) as Row);
    });
  }

  decisions(id: number): { action: string; decided_by: string; note: string; at: number }[] {
    return this.db
      .watched('SELECT action, decided_by, note, at FROM reconcile_decisions WHERE item_id = ? ORDER BY id')
      .all(id) as { action: string; decided_by: string; note: string; at: number }[];
  }
}

function toRun(row: Row): RunRecord {
  const summary = row.summary
    ? (JSON.parse(String(row.summary)) as { matched: number; totals: ProviderTotals })
    : null;
  return {
    pid: String(row.pid),
    provider: row.provider as Provider,
    bill_date: String(row.bill_date),
    status: row.status as RunStatus,
    detail: row.detail === null ? null : String(row.detail),
    matched: summary?.matched ?? 0,
    totals: summary?.totals ?? null,
    tries: Number(row.tries),
    updated_at: Number(row.updated_at),
  };
}

function toItem(row: Row): ReconcileItem {
  const base = {
    kind: row.kind as Discrepancy['kind'],
    reason: row.reason as Discrepancy['reason'],
  };
  return {
    id: Number(row.id),
    bill_date: String(row.bill_date),
    pid: String(row.pid),
    provider: row.provider as Provider,
    ...base,
    out_trade_no: String(row.out_trade_no),
    out_refund_no: String(row.out_refund_no),
    terminal_fen: row.terminal_fen === null ? null : Number(row.terminal_fen),
    provider_fen: row.provider_fen === null ? null : Number(row.provider_fen),
    evidence: JSON.parse(String(row.evidence)) as Record<string, unknown>,
    state: row.state as ReconcileItem['state'],
    resolved_by: row.resolved_by === null ? null : String(row.resolved_by),
    resolution_note: row.resolution_note === null ? null : String(row.resolution_note),
    resolved_at: row.resolved_at === null ? null : Number(row.resolved_at),
    choices: row.state === 'open' ? choicesFor(base) : ['explain'],
  };
}
