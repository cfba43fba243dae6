/**
 * PaymentGateway over PAYJS (docs/protocols.md §5; WeChat payment codes only). Real PAYJS finds an order
 * by payjs_order_id only. Every reply that names one hands it to the engine (providerOrderId on the
 * outcome), which journals it with the attempt and gives it back on every later call (OrderRef), so
 * it survives a restart. Without it (the micropay reply was lost) we still ask by mchid +
 * out_trade_no, which PAYJS says it may open one day; a refusal then makes the reversal
 * `unaddressable` (a human looks the order up), never "nothing to reverse".
 * PAYJS has no refund query: queryRefund answers from what this process saw, else unknown.
 */
import { type Clock, systemClock } from '../../ports/clock.ts';
import type { OrderRef, PaymentGateway } from '../../ports/payment-gateway.ts';
import { unknown, withPassThrough } from '../shared/transport-unknown.ts';
import {
  validateMicropay,
  validateOrderRef,
  validatePrecreate,
  validateRefund,
  validateRefundQuery,
} from '../shared/validate-request.ts';
import type { PayjsConfig } from './payjs-config.ts';
import { createPayjsOrderMemory } from './payjs-order-memory.ts';
import {
  mapCheckReply,
  mapCloseReply,
  mapMicropayReply,
  mapPrecreateReply,
  mapRefundReply,
  mapReverseReply,
  type PayjsOrderKey,
} from './payjs-outcomes.ts';
import { createPayjsTransport } from './payjs-transport.ts';

/** PAYJS `body` is string(32) (help.payjs.cn): longer subjects are cut at 32 characters (code points). */
export const PAYJS_BODY_MAX_CHARS = 32;

export function payjsBody(subject: string): string {
  const chars = Array.from(subject);
  return chars.length <= PAYJS_BODY_MAX_CHARS ? subject : chars.slice(0, PAYJS_BODY_MAX_CHARS).join('');
}

export interface PayjsGatewayDeps {
  /** Paces check calls (check_min_interval_ms); a fake clock makes tests instant. */
  readonly clock?: Clock;
}

export function createPayjsGateway(config: PayjsConfig, deps: PayjsGatewayDeps = {}): PaymentGateway {
  const transport = createPayjsTransport(config);
  const memory = createPayjsOrderMemory(deps.clock ?? systemClock, config.check_min_interval_ms);
  const other = config.timeouts.other_ms;

  function orderParams(order: OrderRef): { key: PayjsOrderKey; params: Record<string, string> } {
    const payjsOrderId = order.providerOrderId ?? order.transactionId;
    return payjsOrderId
      ? { key: 'payjs_order_id', params: { payjs_order_id: payjsOrderId } }
      : { key: 'out_trade_no', params: { mchid: config.mchid, out_trade_no: order.outTradeNo } };
  }

  return {
    provider: 'payjs',
    wallets: ['wxpay'],
    qrWallet: 'wxpay',

    async micropay(request) {
      validateMicropay(request);
      const reply = await transport.call(
        'micropay',
        withPassThrough(request.other, {
          mchid: config.mchid,
          total_fee: String(request.totalFee),
          out_trade_no: request.outTradeNo,
          body: payjsBody(request.subject),
          auth_code: request.authCode,
          attach: request.attach,
        }),
        config.timeouts.micropay_ms,
      );
      return mapMicropayReply(reply, request.outTradeNo, request.totalFee);
    },

    async query(order) {
      validateOrderRef(order);
      await memory.paceCheck(order.outTradeNo);
      const reply = await transport.call('check', orderParams(order).params, other);
      return mapCheckReply(reply, order.outTradeNo);
    },

    async reverse(order) {
      validateOrderRef(order);
      const { key, params } = orderParams(order);
      const reply = await transport.call('reverse', params, other);
      return mapReverseReply(reply, order.outTradeNo, key);
    },

    async close(order) {
      validateOrderRef(order);
      const reply = await transport.call('close', orderParams(order).params, other);
      return mapCloseReply(reply, order.outTradeNo);
    },

    async refund(request) {
      validateRefund(request);
      if (request.refundFee !== request.totalFee) {
        // PAYJS refunds the whole order and takes no amount: a partial request would refund everything.
        return {
          kind: 'failed',
          providerCode: 'PARTIAL_REFUND_UNSUPPORTED',
          message: 'PAYJS can only refund the whole order',
        };
      }
      const reply = await transport.call('refund', orderParams(request).params, other);
      const outcome = mapRefundReply(reply, request.outTradeNo, request.refundFee);
      if (outcome.kind === 'succeeded') memory.rememberRefund(request.outRefundNo, outcome.refundId);
      return outcome;
    },

    async queryRefund(request) {
      validateRefundQuery(request);
      const refundId = memory.refundId(request.outRefundNo);
      if (refundId) return { kind: 'succeeded', refundId };
      return unknown(
        'provider_says_unknown',
        'PAYJS has no refund query: repeat the refund (it is idempotent)',
      );
    },

    async precreate(request) {
      validatePrecreate(request);
      const reply = await transport.call(
        'native',
        withPassThrough(request.other, {
          mchid: config.mchid,
          total_fee: String(request.totalFee),
          out_trade_no: request.outTradeNo,
          body: payjsBody(request.subject),
          notify_url: request.notifyUrl ?? config.notify_url,
        }),
        other,
      );
      return mapPrecreateReply(reply, request.outTradeNo);
    },
  };
}
