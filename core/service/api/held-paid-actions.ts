/**
 * The 待处理 list's held paid actions (core/engine/held-paid-actions.ts): what is known of each, and
 * the supervisor's decision on one. The PIN is checked by the access policy before the decision runs.
 */
import type { ScanPayApi } from '../../common/contract/api-contract.ts';
import type { HeldPaidActionView } from '../../common/contract/views.ts';
import type { HeldPaidAction } from '../../engine/held-paid-actions.ts';
import { heldCause } from '../paid-actions/paid-actions.ts';
import type { ServiceParts } from './service-parts.ts';

type HeldPaidActionOperations = Pick<ScanPayApi, 'listHeldPaidActions' | 'resolveHeldPaidAction'>;

/**
 * The device of a held reason: core/service/paid-actions writes the actions to check in its last
 * parentheses ("… not repeated (serial /dev/ttyUSB0); check the device").
 */
function deviceOf(reason: string): string | null {
  const match = /\(([^()]+)\)[^()]*$/.exec(reason);
  return match?.[1] ?? null;
}

export function heldPaidActionView({ order, callback }: HeldPaidAction): HeldPaidActionView {
  const { cause, minTotalFee } = heldCause(callback.lastError ?? '');
  return {
    device: deviceOf(callback.lastError ?? ''),
    cause,
    min_total_fee: minTotalFee,
    order_no: order.orderNo,
    subject: order.subject,
    type: order.type,
    total_fee: order.totalFee,
    provider: order.provider,
    reason: callback.lastError ?? '',
    held_at: callback.updatedAt,
  };
}

export function heldPaidActionOperations({
  engine,
}: Pick<ServiceParts, 'engine' | 'clock'>): HeldPaidActionOperations {
  return {
    async listHeldPaidActions() {
      return engine.heldPaidActions.list().map(heldPaidActionView);
    },
    async resolveHeldPaidAction(request) {
      const resolved = engine.heldPaidActions.resolve(request.out_trade_no, {
        action: request.action,
        by: request.by.trim(),
        reason: request.reason.trim(),
      });
      return heldPaidActionView(resolved);
    },
  };
}
