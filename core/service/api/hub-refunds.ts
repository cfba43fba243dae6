/**
 * findStoreOrder and storeRefund: a supervisor at this till refunds a sale made at another till of
 * the store. findStoreOrder reads the sale at the hub (GET /api/terminal/orders, exact order number,
 * with this till's token) so the screen can show which till sold it, when, and what is refundable. The
 * till asks the store hub (POST /api/terminal/refunds with its own token); the hub, the single
 * writer of such requests, fixes the out_refund_no and hands it to the till that sold the order,
 * which makes the refund (core/hub/hub-refunds.ts). Who may ask is the access policy's, exactly as
 * for `refund` (the supervisor PIN or a key with `refund`). A request_id makes a retry safe: the
 * hub answers the first request again. A hub that cannot be reached means nothing was asked
 * (hub_unreachable); an ask sent without a readable answer may have been taken (hub_no_answer), and
 * the refund screen asks it again with the same request_id.
 */
import { randomUUID } from 'node:crypto';
import type { ScanPayApi, StoreOrderView, StoreRefundResult } from '../../common/contract/api-contract.ts';
import { ConfigError, ConflictError, ForbiddenError, UnavailableError } from '../../common/errors.ts';
import type { ServiceConfig } from '../config/service-config.ts';

const HUB_TIMEOUT_MS = 10_000;

export function hubRefundOperations(
  config: ServiceConfig,
): Pick<ScanPayApi, 'storeRefund' | 'findStoreOrder'> {
  return {
    async findStoreOrder(request) {
      const hub = config.hub;
      if (!hub) throw new ConfigError('hub_not_configured', 'this till does not forward to a store hub');
      const url = new URL(`${hub.url.replace(/\/+$/, '')}/api/terminal/orders`);
      url.searchParams.set('order_no', request.order_no.trim());
      let response: Response;
      try {
        response = await fetch(url, {
          headers: { authorization: `Bearer ${hub.token}` },
          signal: AbortSignal.timeout(HUB_TIMEOUT_MS),
        });
      } catch {
        throw new UnavailableError('hub_unreachable', 'the store hub did not answer');
      }
      const body = (await response.json().catch(() => null)) as {
        orders?: unknown;
        error?: { code?: unknown };
      } | null;
      refusedRight(response.status, body?.error);
      if (!response.ok || !Array.isArray(body?.orders))
        throw new UnavailableError('hub_unreachable', `the store hub answered ${response.status}`);
      return { orders: body.orders.map(toStoreOrder) };
    },
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
          signal: AbortSignal.timeout(HUB_TIMEOUT_MS),
        });
      } catch (error) {
        if (neverSent(error))
          throw new UnavailableError(
            'hub_unreachable',
            'the store hub could not be reached: nothing was asked',
          );
        throw new UnavailableError(
          'hub_no_answer',
          'the store hub did not answer: the refund may have been asked',
        );
      }
      const body = (await response.json().catch(() => null)) as {
        refund?: StoreRefundResult;
        error?: { code?: unknown; message?: string };
      } | null;
      refusedRight(response.status, body?.error);
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
      // A 2xx without a readable refund, a 5xx (a proxy's 502/504 too): the hub may have taken it.
      throw new UnavailableError(
        'hub_no_answer',
        `the store hub answered ${response.status}: the refund may have been asked`,
      );
    },
  };
}

/**
 * The hub's refusals that are about this till rather than the sale: no refund right (403), or its
 * daily cap reached (409). Each has its own code, so the refund screen says what the owner must do.
 */
function refusedRight(status: number, error: { code?: unknown } | undefined): void {
  if (status === 403 && error?.code === 'hub_refund_not_granted')
    throw new ForbiddenError(
      'hub_refund_not_granted',
      "this till may not refund other tills' sales: the owner grants it at the store hub",
    );
  if (status === 409 && error?.code === 'hub_refund_cap_reached')
    throw new ConflictError(
      'hub_refund_cap_reached',
      "this till's daily cap for refunds of other tills' sales is reached",
    );
}

/**
 * Whether a failed fetch certainly never reached the hub (refused, no route, no such host): only
 * then was nothing asked. A timeout or a connection cut after the request went out may have been
 * taken, and is retried with the same request_id (docs/deploy.md, store refunds).
 */
function neverSent(error: unknown): boolean {
  const cause = (error as { cause?: { code?: unknown } } | null)?.cause;
  const code = typeof cause?.code === 'string' ? cause.code : '';
  return ['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH'].includes(code);
}

/** The hub's order row, narrowed to what the till's refund screen shows (core/hub/hub-reads.ts). */
function toStoreOrder(row: unknown): StoreOrderView {
  const o = row as Record<string, unknown>;
  const num = (v: unknown) => (typeof v === 'number' && Number.isSafeInteger(v) ? v : null);
  const total = num(o.total_fee);
  const refunded = num(o.refunded_fee);
  const status = num(o.status);
  const created = num(o.created_at);
  if (
    typeof o.terminal_id !== 'string' ||
    typeof o.order_no !== 'string' ||
    total === null ||
    refunded === null ||
    created === null ||
    status === null ||
    status < -1 ||
    status > 3
  )
    throw new UnavailableError('hub_unreachable', 'the store hub answered an order this till cannot read');
  const tender = o.tender === 'wxpay' || o.tender === 'alipay' || o.tender === 'cash' ? o.tender : null;
  return {
    terminal_id: o.terminal_id,
    order_no: o.order_no,
    total_fee: total,
    refunded_fee: refunded,
    status: status as StoreOrderView['status'],
    tender,
    paid_at: num(o.paid_at),
    created_at: created,
  };
}
