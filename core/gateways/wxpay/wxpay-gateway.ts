/**
 * PaymentGateway over WeChat Pay API v2 (docs/protocols.md §2). Builds each call's parameters, sends it
 * through the verifying transport and hands the reply to the one mapping function for that call.
 */
import type { Clock } from '../../ports/clock.ts';
import type { PaymentGateway } from '../../ports/payment-gateway.ts';
import { toWechatTime } from '../shared/beijing-time.ts';
import { withPassThrough } from '../shared/transport-unknown.ts';
import {
  validateMicropay,
  validateOrderRef,
  validatePrecreate,
  validateRefund,
  validateRefundQuery,
} from '../shared/validate-request.ts';
import type { WxpayConfig } from './wxpay-config.ts';
import {
  mapCloseReply,
  mapMicropayReply,
  mapPrecreateReply,
  mapQueryReply,
  mapRefundQueryReply,
  mapRefundReply,
  mapReverseReply,
} from './wxpay-outcomes.ts';
import { createWxpayTransport } from './wxpay-transport.ts';

export interface WxpayGatewayDeps {
  /** Unused by WeChat today (it has no client-side rate limit); accepted so all factories look alike. */
  readonly clock?: Clock;
}

export function createWxpayGateway(config: WxpayConfig, _deps: WxpayGatewayDeps = {}): PaymentGateway {
  const transport = createWxpayTransport(config);
  const micropayTimeout = { timeoutMs: config.timeouts.micropay_ms };
  const other = { timeoutMs: config.timeouts.other_ms };
  const read = { timeoutMs: config.timeouts.other_ms, readOnly: true };
  const secapi = { timeoutMs: config.timeouts.other_ms, secapi: true };

  return {
    provider: 'wxpay',
    wallets: ['wxpay'],
    qrWallet: 'wxpay',

    async micropay(request) {
      validateMicropay(request);
      const scene = request.storeId ? JSON.stringify({ store_info: { id: request.storeId } }) : undefined;
      const reply = await transport.call(
        '/pay/micropay',
        withPassThrough(request.other, {
          body: request.subject,
          out_trade_no: request.outTradeNo,
          total_fee: String(request.totalFee),
          spbill_create_ip: request.clientIp ?? config.spbill_create_ip,
          auth_code: request.authCode,
          attach: request.attach,
          device_info: request.terminalId,
          time_expire: request.timeExpire === undefined ? undefined : toWechatTime(request.timeExpire),
          scene_info: scene,
        }),
        micropayTimeout,
      );
      return mapMicropayReply(reply, request.outTradeNo, request.totalFee);
    },

    async query(order) {
      validateOrderRef(order);
      const reply = await transport.call('/pay/orderquery', { out_trade_no: order.outTradeNo }, read);
      return mapQueryReply(reply, order.outTradeNo);
    },

    async reverse(order) {
      validateOrderRef(order);
      const reply = await transport.call(
        '/secapi/pay/reverse',
        { out_trade_no: order.outTradeNo, transaction_id: order.transactionId },
        secapi,
      );
      return mapReverseReply(reply, order.outTradeNo);
    },

    async close(order) {
      validateOrderRef(order);
      const reply = await transport.call('/pay/closeorder', { out_trade_no: order.outTradeNo }, other);
      return mapCloseReply(reply, order.outTradeNo);
    },

    async refund(request) {
      validateRefund(request);
      const reply = await transport.call(
        '/secapi/pay/refund',
        {
          out_trade_no: request.outTradeNo,
          transaction_id: request.transactionId,
          out_refund_no: request.outRefundNo,
          total_fee: String(request.totalFee),
          refund_fee: String(request.refundFee),
          refund_desc: request.reason,
        },
        secapi,
      );
      return mapRefundReply(reply, request.outTradeNo, request.outRefundNo);
    },

    async queryRefund(request) {
      validateRefundQuery(request);
      const reply = await transport.call(
        '/pay/refundquery',
        { out_trade_no: request.outTradeNo, out_refund_no: request.outRefundNo },
        read,
      );
      return mapRefundQueryReply(reply, request.outTradeNo, request.outRefundNo);
    },

    async precreate(request) {
      validatePrecreate(request);
      const reply = await transport.call(
        '/pay/unifiedorder',
        withPassThrough(request.other, {
          body: request.subject,
          out_trade_no: request.outTradeNo,
          total_fee: String(request.totalFee),
          spbill_create_ip: request.clientIp ?? config.spbill_create_ip,
          trade_type: 'NATIVE',
          product_id: request.productId ?? request.outTradeNo,
          notify_url: request.notifyUrl ?? config.notify_url,
          time_expire: request.timeExpire === undefined ? undefined : toWechatTime(request.timeExpire),
        }),
        other,
      );
      return mapPrecreateReply(reply, request.outTradeNo);
    },
  };
}
