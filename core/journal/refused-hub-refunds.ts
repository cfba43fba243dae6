/**
 * The refund requests of the store hub this till refused (journal migration 8), kept until the
 * latest hand-out's expiry: core/service/hub-refund-runner.ts answers a replay of one with the same
 * refusal, also after a restart (docs/scale.md "Refunds the hub asks a till to make"). A row is
 * written only when a request is refused, never on a payment; rows past their expiry are pruned
 * when requests arrive. Every query runs through the journal's watched statements (storage faults).
 */
import type { GuardedStatement } from './journal-statements.ts';

export const REFUSED_HUB_REFUNDS_SQL = `CREATE TABLE hub_refused_refunds (
  out_refund_no TEXT PRIMARY KEY,
  code TEXT NOT NULL,
  expires_at INTEGER NOT NULL
)`;

export interface RefusedRefund {
  readonly code: string;
  readonly expiresAt: number;
}

export class RefusedHubRefunds {
  private readonly journal: { watched(sql: string): GuardedStatement };

  constructor(journal: { watched(sql: string): GuardedStatement }) {
    this.journal = journal;
  }

  /** The refusal of `outRefundNo` still in force at `now`, if any. */
  get(outRefundNo: string, now: number): RefusedRefund | undefined {
    const row = this.journal
      .watched('SELECT code, expires_at FROM hub_refused_refunds WHERE out_refund_no = ? AND expires_at >= ?')
      .get(outRefundNo, now) as { code: string; expires_at: number } | undefined;
    return row ? { code: row.code, expiresAt: Number(row.expires_at) } : undefined;
  }

  /** Keeps (or extends to a later hand-out's expiry) the refusal of `outRefundNo`; the first code stays. */
  keep(outRefundNo: string, code: string, expiresAt: number): void {
    this.journal
      .watched(
        `INSERT INTO hub_refused_refunds (out_refund_no, code, expires_at) VALUES (?, ?, ?)
         ON CONFLICT (out_refund_no) DO UPDATE SET expires_at = max(expires_at, excluded.expires_at)`,
      )
      .run(outRefundNo, code, expiresAt);
  }

  /** Forgets refusals whose every hand-out has expired (the signature check refuses those anyway). */
  prune(now: number): void {
    this.journal.watched('DELETE FROM hub_refused_refunds WHERE expires_at < ?').run(now);
  }
}
