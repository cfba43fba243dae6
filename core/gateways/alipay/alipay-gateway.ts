/**
 * PaymentGateway over Alipay OpenAPI face-to-face (docs/protocols.md §4). Amounts cross the boundary as
 * yuan strings via fenToYuan; everything else is fen. Cancel is the "reverse" of the port.
 */
import { fenToYuan } from '../../common/money.ts';
import { type Clock, systemClock } from '../../ports/clock.ts';
import type { OrderRef, PaymentGateway } from '../../ports/payment-gateway.ts';
import { toAlipayTime } from '../shared/beijing-time.ts';
import { type GatewayCall, gatewayFromCalls } from '../shared/gateway-calls.ts';
import { withPassThrough } from '../shared/transport-unknown.ts';
import type { AlipayConfig } from './alipay-config.ts';
import {
  mapCancelReply,
  mapCloseReply,
  mapPayReply,
  mapPrecreateReply,
  mapQueryReply,
  mapRefundQueryReply,
  mapRefundReply,
} from './alipay-outcomes.ts';
import { type AlipayReply, createAlipayTransport } from './alipay-transport.ts';

export interface AlipayGatewayDeps {
  /** Stamps requests' `timestamp` (China time, whatever the kiosk's time zone). */
  readonly clock?: Clock;
}

/** Face payment tokens ("fp…") use scene security_code; numeric payment codes use bar_code. */
function sceneFor(authCode: string): string {
  return authCode.startsWith('fp') ? 'security_code' : 'bar_code';
}

export function createAlipayGateway(config: AlipayConfig, deps: AlipayGatewayDeps = {}): PaymentGateway {
  const transport = createAlipayTransport(config, deps.clock ?? systemClock);
  // trade.pay takes notify_url too (docs/protocols.md §4, "Push for trade.pay"): a password payment
  // is then booked from the push (engine.notifyPaid) instead of waiting for the next query.
  const micropay = {
    timeoutMs: config.timeouts.micropay_ms,
    ...(config.notify_url ? { notifyUrl: config.notify_url } : {}),
  };
  const other = { timeoutMs: config.timeouts.other_ms };

  /** query, cancel and close all name the order by out_trade_no alone and differ only in method and mapping. */
  function byTradeNo<Outcome>(
    method: string,
    map: (reply: AlipayReply, outTradeNo: string) => Outcome,
  ): GatewayCall<OrderRef, AlipayReply, Outcome> {
    return {
      send: (order) => transport.call(method, { out_trade_no: order.outTradeNo }, other),
      map: (reply, order) => map(reply, order.outTradeNo),
    };
  }

  return gatewayFromCalls<AlipayReply>(
    { provider: 'alipay', wallets: ['alipay'], qrWallet: 'alipay' },
    {
      micropay: {
        send: (request) =>
          transport.call(
            'alipay.trade.pay',
            withPassThrough(request.other, {
              out_trade_no: request.outTradeNo,
              total_amount: fenToYuan(request.totalFee),
              subject: request.subject,
              auth_code: request.authCode,
              scene: sceneFor(request.authCode),
              store_id: request.storeId ?? config.store_id,
              terminal_id: request.terminalId,
              operator_id: request.operatorId,
              body: request.attach,
              time_expire: request.timeExpire === undefined ? undefined : toAlipayTime(request.timeExpire),
            }),
            micropay,
          ),
        map: (reply, request) => mapPayReply(reply, request.outTradeNo, request.totalFee),
      },
      query: byTradeNo('alipay.trade.query', mapQueryReply),
      reverse: byTradeNo('alipay.trade.cancel', mapCancelReply),
      close: byTradeNo('alipay.trade.close', mapCloseReply),
      refund: {
        send: (request) =>
          transport.call(
            'alipay.trade.refund',
            withPassThrough(undefined, {
              out_trade_no: request.outTradeNo,
              refund_amount: fenToYuan(request.refundFee),
              // Reusing out_request_no on a retry makes the refund idempotent.
              out_request_no: request.outRefundNo,
              refund_reason: request.reason,
            }),
            other,
          ),
        map: mapRefundReply,
      },
      queryRefund: {
        send: (request) =>
          transport.call(
            'alipay.trade.fastpay.refund.query',
            { out_trade_no: request.outTradeNo, out_request_no: request.outRefundNo },
            other,
          ),
        map: mapRefundQueryReply,
      },
      precreate: {
        send: (request) => {
          const notifyUrl = request.notifyUrl ?? config.notify_url;
          return transport.call(
            'alipay.trade.precreate',
            withPassThrough(request.other, {
              out_trade_no: request.outTradeNo,
              total_amount: fenToYuan(request.totalFee),
              subject: request.subject,
              store_id: config.store_id,
              time_expire: request.timeExpire === undefined ? undefined : toAlipayTime(request.timeExpire),
            }),
            notifyUrl ? { ...other, notifyUrl } : other,
          );
        },
        map: (reply, request) => mapPrecreateReply(reply, request.outTradeNo),
      },
    },
  );
}
