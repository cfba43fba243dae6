/**
 * What the customer handed over for a cash sale, as the service keeps it on the order
 * (`custom.tendered_fee`, fen; core/service/peripherals/cash-tendered.ts writes it). Read by the
 * receipt (实收/找零) and by the customer screen, so it lives here, environment-neutral.
 */
import type { Fen } from './money.ts';

/** The tendered amount recorded on an order, if any. */
export function tenderedFeeOf(custom: unknown): Fen | null {
  const value = (custom as { tendered_fee?: unknown } | null)?.tendered_fee;
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? value : null;
}
