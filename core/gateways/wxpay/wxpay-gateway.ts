/**
 * PaymentGateway over WeChat Pay API v2 (docs/protocols.md §2). Builds each call's parameters, sends it
 * through the verifying transport and hands the reply to the one mapping function for that call.
 */
import type { Clock } from '../../ports/clock.ts';
import type { PaymentGateway } from '../../ports/payment-gateway.ts';
import { toWechatTime } from '../shared/beijing-time.ts';
import { gatewayFromCalls } from '../shared/gateway-calls.ts';
import { withPassThrough } from '../shared/transport-unknown.ts';
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
import { createWxpayTransport, type WxpayReply } from './wxpay-transport.ts';

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

  return gatewayFromCalls<WxpayReply>(
    { provider: 'wxpay', wallets: ['wxpay'], qrWallet: 'wxpay' },
    {
      micropay: {
        send: (request) =>
          transport.call(
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
              scene_info: request.storeId
                ? JSON.stringify({ store_info: { id: request.storeId } })
                : undefined,
            }),
            micropayTimeout,
          ),
        map: (reply, request) => mapMicropayReply(reply, request.outTradeNo, request.totalFee),
      },
      query: {
        send: (order) => transport.call('/pay/orderquery', { out_trade_no: order.outTradeNo }, read),
        map: (reply, order) => mapQueryReply(reply, order.outTradeNo),
      },
      reverse: {
        send: (order) =>
          transport.call(
            '/secapi/pay/reverse',
            { out_trade_no: order.outTradeNo, transaction_id: order.transactionId },
            secapi,
          ),
        map: (reply, order) => mapReverseReply(reply, order.outTradeNo),
      },
      close: {
        send: (order) => transport.call('/pay/closeorder', { out_trade_no: order.outTradeNo }, other),
        map: (reply, order) => mapCloseReply(reply, order.outTradeNo),
      },
      refund: {
        send: (request) =>
          transport.call(
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
          ),
        map: mapRefundReply,
      },
      queryRefund: {
        send: (request) =>
          transport.call(
            '/pay/refundquery',
            { out_trade_no: request.outTradeNo, out_refund_no: request.outRefundNo },
            read,
          ),
        map: mapRefundQueryReply,
      },
      precreate: {
        send: (request) =>
          transport.call(
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
          ),
        map: (reply, request) => mapPrecreateReply(reply, request.outTradeNo),
      },
    },
  );
}
