/**
 * One row of the hub's sales report (`GET /api/reports`), as the hub answers it (core/hub/hub-reads.ts)
 * and the owner's page reads it (renderer/owner/owner-app.tsx): one shape on both sides of the wire.
 */
export interface ReportRow {
  /** null on the store's rows (every terminal together). */
  readonly terminal_id: string | null;
  /** The Beijing day, the shift id or the wallet. */
  readonly key: string | null;
  readonly paid_orders: number;
  readonly paid_fen: number;
  readonly refunded_fen: number;
  readonly net_fen: number;
}
