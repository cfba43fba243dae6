/**
 * The answer shape vk-uni-pay's integrators already read (https://vkdoc.fsq.pub/vk-uni-pay/template/service/pay/queryPayment.html):
 * `code` 0 means success, `msg` says what happened, and the documented fields sit at the top level
 * (`res.orderPaid`, `res.status`). Used for createPayment, queryPayment, refund, queryRefund and
 * closeOrder; the till's own operations keep `{ok, value}`. A failure keeps a non-zero numeric `code`
 * (the HTTP status), `msg`, the stable string `error_code`, and `error: {code, message}` like the
 * till's envelope. See core/common/contract/api-contract.ts (VkAnswer).
 */
import { VK_OPERATION_NAMES, type VkAnswer } from '../../common/contract/api-contract.ts';
import type { Invocation } from '../api/operation-invoker.ts';

const VK_OPERATIONS: ReadonlySet<string> = new Set(VK_OPERATION_NAMES);

export function isVkOperation(name: string): boolean {
  return VK_OPERATIONS.has(name);
}

export function answerFor(outcome: Invocation): VkAnswer<Record<string, unknown>> {
  if (outcome.ok) return { ...(outcome.value as Record<string, unknown>), code: 0, msg: 'ok' };
  return {
    code: outcome.status,
    msg: outcome.error.message,
    error_code: outcome.error.code,
    error: outcome.error,
  };
}
