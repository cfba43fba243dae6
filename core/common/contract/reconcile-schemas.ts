/** Request schemas of the reconciliation (对账) operations; registered in ./operation-schemas.ts. */
import { z } from 'zod';
import { PIN_MAX_LENGTH } from './pin-rules.ts';

const billDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date written YYYY-MM-DD');

export const ReconcileDayRequest = z.strictObject({
  date: billDate,
  /** true: fetch the bills and reconcile now; false (default): the day as last reconciled. */
  run: z.boolean().default(false),
});
export type ReconcileDayRequest = z.input<typeof ReconcileDayRequest>;

export const DecideDiscrepancyRequest = z.strictObject({
  id: z.number().int().positive(),
  action: z.enum(['book', 'refund', 'explain']),
  /** Who decides (name or staff number), journaled with the decision. */
  by: z.string().trim().min(1).max(64),
  note: z.string().trim().min(1).max(500),
  pin: z.string().min(1).max(PIN_MAX_LENGTH),
});
export type DecideDiscrepancyRequest = z.input<typeof DecideDiscrepancyRequest>;

/** With a language, headers and values are words in it (the till's export); without, machine names. */
export const ExportReconcileRequest = z.strictObject({
  date: billDate,
  language: z.enum(['zh-CN', 'en']).optional(),
});
export type ExportReconcileRequest = z.input<typeof ExportReconcileRequest>;
