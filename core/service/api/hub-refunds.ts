/**
 * storeRefund: a supervisor at this till refunds a sale made at another till of the store. The
 * till asks the store hub (POST /api/terminal/refunds with its own token); the hub, the single
 * writer of such requests, fixes the out_refund_no and hands it to the till that sold the order,
 * which makes the refund (core/hub/hub-refunds.ts). Who may ask is the access policy's, exactly as
 * for `refund` (the supervisor PIN or a key with `refund`). A request_id makes a retry safe: the
 * hub answers the first request again. A hub that cannot be reached means nothing was asked.
 */
import { randomUUID } from 'node:crypto';
import type { ScanPayApi, StoreRefundResult } from '../../common/contract/api-contract.ts';
import { ConfigError, ConflictError, UnavailableError } from '../../common/errors.ts';
import type { ServiceConfig } from '../config/service-config.ts';

export function hubRefundOperations(config: ServiceConfig): Pick<ScanPayApi, 'storeRefund'> {
  return {
    async storeRefund(request) {
      const hub = config.hub;
      if (!hub) throw new ConfigError('hub_not_configured', 'this till does not forward to a store hub');
      const requestId = request.request_id ?? `${config.terminal_id}-${randomUUID()}`;
      let response: Response;
      try {
        response = await fetch(`${hub.url.replace(/\/+$/, '')}/api/terminal/refunds`, {
          method: 'POST',
          headers: { authorization: `Bearer ${hub.token}`, 'content-type': 'application/json' },
          body: JSON.stringify({
            request_id: requestId,
            terminal_id: request.terminal_id,
            order_no: request.order_no,
            refund_fee: request.refund_fee,
            ...(request.refund_desc ? { reason: request.refund_desc } : {}),
          }),
          signal: AbortSignal.timeout(10_000),
        });
      } catch {
        throw new UnavailableError('hub_unreachable', 'the store hub did not answer: nothing was asked');
      }
      const body = (await response.json().catch(() => null)) as {
        refund?: StoreRefundResult;
        error?: { message?: string };
      } | null;
      if (response.ok && body?.refund) {
        const r = body.refund;
        return {
          request_id: r.request_id,
          terminal_id: r.terminal_id,
          order_no: r.order_no,
          out_refund_no: r.out_refund_no,
          refund_fee: r.refund_fee,
          state: r.state,
        };
      }
      if (response.status === 400 || response.status === 404 || response.status === 409)
        throw new ConflictError(
          'hub_refund_refused',
          body?.error?.message ?? 'the store hub refused this refund',
        );
      throw new UnavailableError(
        'hub_unreachable',
        `the store hub answered ${response.status}: nothing was asked`,
      );
    },
  };
}
