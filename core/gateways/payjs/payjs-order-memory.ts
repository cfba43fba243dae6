/**
 * What the PAYJS adapter must remember between calls, in memory and bounded (the payjs_order_id is
 * not here: the engine journals it with the attempt):
 * - the refunds it saw succeed (PAYJS has no refund query);
 * - when each order was last checked, so checks of one order are paced (PAYJS blacklists the IPs of
 *   callers that poll check too often). Pacing waits on the injected Clock, so tests need no sleep.
 */
import type { Clock } from '../../ports/clock.ts';

const MAX_ORDERS = 10_000;

function remember<V>(map: Map<string, V>, key: string, value: V): void {
  map.delete(key);
  map.set(key, value);
  if (map.size > MAX_ORDERS) {
    const oldest = map.keys().next();
    if (!oldest.done) map.delete(oldest.value);
  }
}

export interface PayjsOrderMemory {
  rememberRefund(outRefundNo: string, refundId: string): void;
  refundId(outRefundNo: string): string | undefined;
  /** Waits until `outTradeNo` may be checked again, and books that slot (concurrent callers queue). */
  paceCheck(outTradeNo: string): Promise<void>;
}

export function createPayjsOrderMemory(clock: Clock, minIntervalMs: number): PayjsOrderMemory {
  const nextCheckAt = new Map<string, number>();
  const refunds = new Map<string, string>();
  return {
    rememberRefund: (outRefundNo, refundId) => remember(refunds, outRefundNo, refundId),
    refundId: (outRefundNo) => refunds.get(outRefundNo),
    async paceCheck(outTradeNo) {
      const now = clock.now();
      const slot = Math.max(now, nextCheckAt.get(outTradeNo) ?? now);
      remember(nextCheckAt, outTradeNo, slot + minIntervalMs);
      if (slot > now) await clock.sleep(slot - now);
    },
  };
}
