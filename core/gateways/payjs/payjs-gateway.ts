/**
 * PaymentGateway over PAYJS (docs/protocols.md §5; WeChat payment codes only). Real PAYJS finds an order
 * by payjs_order_id only, which a lost micropay reply never delivered; so check/close/reverse/refund
 * use the payjs_order_id when known (from the order or remembered from an earlier reply) and fall
 * back to mchid + out_trade_no, which our sandbox accepts and real PAYJS does not document.
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
} from './payjs-outcomes.ts';
import { createPayjsTransport, type PayjsReply } from './payjs-transport.ts';

export interface PayjsGatewayDeps {
  /** Paces check calls (check_min_interval_ms); a fake clock makes tests instant. */
  readonly clock?: Clock;
}

export function createPayjsGateway(config: PayjsConfig, deps: PayjsGatewayDeps = {}): PaymentGateway {
  const transport = createPayjsTransport(config);
  const memory = createPayjsOrderMemory(deps.clock ?? systemClock, config.check_min_interval_ms);
  const other = config.timeouts.other_ms;

  function orderParams(order: OrderRef): Record<string, string> {
    const payjsOrderId = order.transactionId ?? memory.orderId(order.outTradeNo);
    return payjsOrderId
      ? { payjs_order_id: payjsOrderId }
      : { mchid: config.mchid, out_trade_no: order.outTradeNo };
  }

  function learn(outTradeNo: string, reply: PayjsReply): void {
    if (reply.kind === 'verified' && (reply.fields.out_trade_no ?? outTradeNo) === outTradeNo) {
      memory.rememberOrderId(outTradeNo, reply.fields.payjs_order_id);
    }
  }

  return {
    provider: 'payjs',
    wallets: ['wxpay'],

    async micropay(request) {
      validateMicropay(request);
      const reply = await transport.call(
        'micropay',
        withPassThrough(request.other, {
          mchid: config.mchid,
          total_fee: String(request.totalFee),
          out_trade_no: request.outTradeNo,
          body: request.subject,
          auth_code: request.authCode,
          attach: request.attach,
        }),
        config.timeouts.micropay_ms,
      );
      learn(request.outTradeNo, reply);
      return mapMicropayReply(reply, request.outTradeNo, request.totalFee);
    },

    async query(order) {
      validateOrderRef(order);
      await memory.paceCheck(order.outTradeNo);
      const reply = await transport.call('check', orderParams(order), other);
      learn(order.outTradeNo, reply);
      return mapCheckReply(reply, order.outTradeNo);
    },

    async reverse(order) {
      validateOrderRef(order);
      const reply = await transport.call('reverse', orderParams(order), other);
      return mapReverseReply(reply, order.outTradeNo);
    },

    async close(order) {
      validateOrderRef(order);
      const reply = await transport.call('close', orderParams(order), other);
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
      const reply = await transport.call('refund', orderParams(request), other);
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
          body: request.subject,
          notify_url: request.notifyUrl ?? config.notify_url,
        }),
        other,
      );
      learn(request.outTradeNo, reply);
      return mapPrecreateReply(reply, request.outTradeNo);
    },
  };
}
