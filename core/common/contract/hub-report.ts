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

/**
 * A refund request a till refused as not signed by its hub (`GET /api/refund-rejections`, written by
 * core/hub/hub-refunds.ts, listed on the owner's page so an altered or forged request is seen).
 */
export interface RefundRejectionView {
  readonly terminal_id: string;
  readonly out_refund_no: string;
  readonly order_no: string | null;
  readonly refund_fee: number | null;
  readonly reason: string;
  readonly at: number;
}
