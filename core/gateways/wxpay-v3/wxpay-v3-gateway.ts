/**
 * PaymentGateway over WeChat Pay APIv3 (docs/protocols.md §3), for a direct merchant or a service
 * provider's sub-merchant (the paths and account fields come from wxpay-v3-account.ts): codepay,
 * query by out_trade_no, reverse, close, refunds and Native QR. Builds each call's JSON, sends it
 * through the verifying transport, refuses a verified reply that names another account (unknown,
 * never paid), and hands the rest to the one mapping function for that call.
 */
import { type Clock, systemClock } from '../../ports/clock.ts';
import type { PaymentGateway } from '../../ports/payment-gateway.ts';
import { gatewayFromCalls } from '../shared/gateway-calls.ts';
import { unknown } from '../shared/transport-unknown.ts';
import { wxpayV3AccountProblem, wxpayV3Routes } from './wxpay-v3-account.ts';
import type { WxpayV3Config } from './wxpay-v3-config.ts';
import {
  mapCloseReply,
  mapCodepayReply,
  mapNativeReply,
  mapQueryReply,
  mapRefundQueryReply,
  mapRefundReply,
  mapReverseReply,
} from './wxpay-v3-outcomes.ts';
import { createWxpayV3Transport, type WxpayV3Reply } from './wxpay-v3-transport.ts';

export interface WxpayV3GatewayDeps {
  /** Stamps requests and judges reply timestamps (5-minute window). */
  readonly clock?: Clock;
}

/** RFC 3339 in China time, as v3 wants time_expire. */
function rfc3339China(ms: number): string {
  return `${new Date(ms + 8 * 3600_000).toISOString().slice(0, 19)}+08:00`;
}

export function createWxpayV3Gateway(config: WxpayV3Config, deps: WxpayV3GatewayDeps = {}): PaymentGateway {
  const verifying = createWxpayV3Transport(config, deps.clock ?? systemClock);
  const transport = {
    async call(...args: Parameters<typeof verifying.call>): Promise<WxpayV3Reply> {
      const reply = await verifying.call(...args);
      if (reply.kind !== 'verified') return reply;
      const problem = wxpayV3AccountProblem(config, reply.json, false);
      return problem === undefined ? reply : unknown('mismatch', `reply ${problem}`);
    },
  };
  const { micropay_ms, other_ms } = config.timeouts;
  const routes = wxpayV3Routes(config);
  const orderPath = (no: string) => `${routes.transactions}/out-trade-no/${encodeURIComponent(no)}`;

  return gatewayFromCalls<WxpayV3Reply>(
    { provider: 'wxpay_v3', wallets: ['wxpay'], qrWallet: 'wxpay' },
    {
      micropay: {
        // As v2's scene_info: the store's id; v3 codepay's scene_info has device_ip and store_info only.
        send: (request) =>
          transport.call(
            'POST',
            `${routes.transactions}/codepay`,
            {
              ...routes.payer,
              description: request.subject,
              out_trade_no: request.outTradeNo,
              ...(request.attach ? { attach: request.attach } : {}),
              payer: { auth_code: request.authCode },
              amount: { total: request.totalFee, currency: 'CNY' },
              scene_info: {
                device_ip: request.clientIp ?? config.device_ip,
                ...(request.storeId ? { store_info: { id: request.storeId } } : {}),
              },
            },
            micropay_ms,
          ),
        map: (reply, request) => mapCodepayReply(reply, request.outTradeNo, request.totalFee),
      },
      query: {
        send: (order) =>
          transport.call('GET', `${orderPath(order.outTradeNo)}${routes.orderQuery}`, undefined, other_ms),
        map: (reply, order) => mapQueryReply(reply, order.outTradeNo),
      },
      reverse: {
        send: (order) =>
          transport.call('POST', `${orderPath(order.outTradeNo)}/reverse`, routes.payer, other_ms),
        map: (reply) => mapReverseReply(reply),
      },
      close: {
        send: (order) =>
          transport.call('POST', `${orderPath(order.outTradeNo)}/close`, routes.merchantOnly, other_ms),
        map: (reply) => mapCloseReply(reply),
      },
      refund: {
        send: (request) =>
          transport.call(
            'POST',
            '/v3/refund/domestic/refunds',
            {
              ...routes.refundBody,
              out_trade_no: request.outTradeNo,
              out_refund_no: request.outRefundNo,
              ...(request.reason ? { reason: request.reason } : {}),
              amount: { refund: request.refundFee, total: request.totalFee, currency: 'CNY' },
            },
            other_ms,
          ),
        map: (reply, request) => mapRefundReply(reply, request.outRefundNo),
      },
      queryRefund: {
        send: (request) =>
          transport.call(
            'GET',
            `/v3/refund/domestic/refunds/${encodeURIComponent(request.outRefundNo)}${routes.refundQuery}`,
            undefined,
            other_ms,
          ),
        map: (reply, request) => mapRefundQueryReply(reply, request.outRefundNo),
      },
      precreate: {
        send: (request) =>
          transport.call(
            'POST',
            `${routes.transactions}/native`,
            {
              ...routes.payer,
              description: request.subject,
              out_trade_no: request.outTradeNo,
              notify_url: request.notifyUrl ?? config.notify_url,
              ...(request.timeExpire === undefined ? {} : { time_expire: rfc3339China(request.timeExpire) }),
              amount: { total: request.totalFee, currency: 'CNY' },
              scene_info: { payer_client_ip: request.clientIp ?? config.device_ip },
            },
            other_ms,
          ),
        map: (reply) => mapNativeReply(reply),
      },
    },
  );
}
