/**
 * What a terminal sends the hub (`POST /api/ingest`) and what the hub answers, validated with zod
 * on the hub's side. A batch is the terminal's outbox rows in seq order (core/journal/
 * journal-outbox.ts) plus its current status for the registry. The payload schemas mirror the
 * outbox's json_object columns; money is integer fen.
 */
import { z } from 'zod';
import type { SignedRefundOrder } from './refund-signature.ts';

const ms = z.number().int().nonnegative();
const fen = z.number().int().nonnegative();
const text = z.string().max(256);

export const OrderPayloadSchema = z.object({
  order_no: z.string().min(1).max(64),
  pid: text,
  total_fee: fen,
  subject: text,
  type: text,
  status: z.number().int(),
  tender: text.nullable(),
  provider: text.nullable(),
  transaction_id: text.nullable(),
  paid_out_trade_no: text.nullable(),
  paid_at: ms.nullable(),
  refunded_fee: fen,
  cashier: text.nullable(),
  shift_id: text.nullable(),
  created_at: ms,
  updated_at: ms,
});

export const AttemptPayloadSchema = z.object({
  out_trade_no: z.string().min(1).max(64),
  order_no: z.string().min(1).max(64),
  attempt_index: z.number().int().nonnegative(),
  phase: text,
  final: z.union([z.literal(0), z.literal(1), z.boolean()]).transform((v) => v === true || v === 1),
  /** The attempt's provider (absent from tills older than this field: the order's is used then). */
  provider: text.nullable().optional(),
  created_at: ms,
  updated_at: ms,
});

export const RefundPayloadSchema = z.object({
  out_refund_no: z.string().min(1).max(64),
  order_no: z.string().min(1).max(64),
  out_trade_no: z.string().min(1).max(64),
  refund_fee: fen,
  status: text,
  reason: text.nullable(),
  refund_id: text.nullable(),
  created_at: ms,
  updated_at: ms,
});

export const ShiftPayloadSchema = z.object({
  shift_id: z.string().min(1).max(64),
  cashier: text,
  opened_at: ms,
  closed_at: ms.nullable(),
  float_fee: fen,
  /** Counted money per tender at close (fen), null while open. */
  counted: z.record(z.string().max(16), z.number().int()).nullable(),
});

const change = z.object({
  seq: z.number().int().positive(),
  at: ms,
  ref: z.string().min(1).max(64),
});

export const ChangeSchema = z.discriminatedUnion('kind', [
  change.extend({ kind: z.literal('order'), payload: OrderPayloadSchema }),
  change.extend({ kind: z.literal('attempt'), payload: AttemptPayloadSchema }),
  change.extend({ kind: z.literal('refund'), payload: RefundPayloadSchema }),
  change.extend({ kind: z.literal('shift'), payload: ShiftPayloadSchema }),
]);
export type Change = z.infer<typeof ChangeSchema>;

/** The terminal's state as the registry shows it (health, scanners, printer, queue length). */
export const TerminalStatusSchema = z.object({
  version: z.string().max(32),
  ready: z.boolean(),
  /** Changes still in the outbox when this batch was read (this batch included). */
  queue_length: z.number().int().nonnegative(),
  needs_attention: z.number().int().nonnegative(),
  scanners: z
    .array(z.object({ source: z.string().max(128), state: z.string().max(32) }))
    .max(32)
    .default([]),
  printer: z.string().max(64).nullable().default(null),
  /** The store config version the terminal keeps (0: none); it applies at the terminal's next start. */
  config_version: z.number().int().nonnegative().default(0),
});
export type TerminalStatus = z.infer<typeof TerminalStatusSchema>;
/** What a terminal sends (defaults filled in at the hub). */
export type TerminalStatusInput = z.input<typeof TerminalStatusSchema>;

export const MAX_BATCH = 500;

export const IngestBatchSchema = z.object({
  terminal_id: z.string().min(1).max(32),
  status: TerminalStatusSchema,
  changes: z.array(ChangeSchema).max(MAX_BATCH),
});
export type IngestBatch = z.input<typeof IngestBatchSchema>;

export interface IngestAnswer {
  /** Every change up to this seq is stored at the hub (new now, or from an earlier delivery). */
  readonly acked_seq: number;
  readonly stored: number;
  readonly duplicates: number;
  /** The hub's newest store config version (0: none published). */
  readonly config_version?: number;
  /** Refunds the hub asks this terminal to make (core/hub/hub-refunds.ts). */
  readonly refund_requests?: readonly HubRefundOrder[];
}

/**
 * A refund the hub asks a till to make, signed by the hub (./refund-signature.ts). What reaches the
 * till is unverified until core/service/hub-refund-runner.ts has checked it.
 */
export type HubRefundOrder = SignedRefundOrder;
