/** Reconciliation's typed errors (codes in core/common/errors.ts's style; UI text in the renderer catalogs). */
import { GatewayError } from '../common/errors.ts';

/** A bill or check that cannot be trusted as read: the day is tried again, never booked as empty. */
export class BillUnreadableError extends GatewayError {
  constructor(message: string) {
    super('bill_unreadable', message);
  }
}
