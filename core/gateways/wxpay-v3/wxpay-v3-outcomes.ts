/**
 * WeChat Pay APIv3 replies (HTTP status + JSON `code` or `trade_state`) → the port's outcomes: one
 * function per call kind, and the only place that knows a v3 code. Sources, summarised with their
 * URLs in docs/protocols.md §3: the codepay page (pay.weixin.qq.com/doc/v3/merchant/4012382150), the
 * query / reverse / close / refund pages and the APIv3 common error codes. Rules, as for v2:
 * - only a reply whose signature verified arrives here (wxpay-v3-transport.ts); the rest is unknown;
 * - a code is `failed` only where the docs call it final for this request; SYSTEM_ERROR, BANK_ERROR,
 *   TRADE_ERROR, FREQUENCY_LIMITED and any code not listed are unknown: the engine queries, then reverses;
 * - query and reverse never end a trade on "our request was refused": that says nothing of the money.
 */
import type { DeclineReason } from '../../common/decline-reasons.ts';
import type * as Gateway from '../../ports/payment-gateway.ts';
import { paidOutcome } from '../shared/paid-outcome.ts';
import { unknown } from '../shared/transport-unknown.ts';
import { wechatTradeStateOutcome } from '../shared/wechat-trade-state.ts';
import type { WxpayV3Reply } from './wxpay-v3-transport.ts';

type Json = Readonly<Record<string, unknown>>;

/** codepay codes the docs call final: this charge did not and will not happen. */
const CODEPAY_DECLINES: Readonly<Record<string, DeclineReason>> = {
  NOT_ENOUGH: 'insufficient_funds',
  AUTH_CODE_EXPIRE: 'code_expired',
  AUTH_CODE_ERROR: 'code_invalid',
  AUTH_CODE_INVALID: 'code_invalid',
  NOT_SUPPORT_CARD: 'not_supported',
  BUYER_MISMATCH: 'buyer_mismatch',
  ORDER_CLOSED: 'order_closed',
  ORDER_REVERSED: 'order_closed',
  // Already paid under our number: another customer's payment (same reasoning as v2's ORDERPAID).
  ORDER_PAID: 'request_refused',
  OUT_TRADE_NO_USED: 'request_refused',
  PARAM_ERROR: 'request_refused',
  INVALID_REQUEST: 'request_refused',
  APPID_MCHID_NOT_MATCH: 'request_refused',
  MCH_NOT_EXISTS: 'request_refused',
  SIGN_ERROR: 'request_refused',
  NO_AUTH: 'request_refused',
  RULE_LIMIT: 'request_refused',
};

export const WXPAY_V3_CODEPAY_FAILED_CODES: readonly string[] = Object.keys(CODEPAY_DECLINES);

/** Refund codes final for this out_refund_no (a `failed` refund frees its amount). */
export const WXPAY_V3_REFUND_FAILED_CODES: readonly string[] = [
  'PARAM_ERROR',
  'INVALID_REQUEST',
  'SIGN_ERROR',
  'NO_AUTH',
  'NOT_ENOUGH',
  'USER_ACCOUNT_ABNORMAL',
  'MCH_NOT_EXISTS',
  'RESOURCE_NOT_EXISTS',
  'ORDER_NOT_EXIST',
];

function str(json: Json, name: string): string | undefined {
  const value = json[name];
  return typeof value === 'string' ? value : undefined;
}

function obj(json: Json, name: string): Json {
  const value = json[name];
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : {};
}

function fen(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? value : undefined;
}

function code(json: Json): string {
  return str(json, 'code') ?? '';
}

function text(json: Json): string {
  return str(json, 'message') ?? (code(json) || 'refused');
}

function otherOrder(json: Json, outTradeNo: string): boolean {
  const named = str(json, 'out_trade_no');
  return named !== undefined && named !== outTradeNo;
}

function buyerOf(payer: Json): string | undefined {
  return str(payer, 'openid') ?? str(payer, 'sub_openid') ?? str(payer, 'sp_openid');
}

function paidFrom(json: Json, outTradeNo: string, expectedFee: number | undefined): Gateway.PaymentOutcome {
  return paidOutcome(
    {
      outTradeNo: str(json, 'out_trade_no'),
      transactionId: str(json, 'transaction_id'),
      totalFee: fen(obj(json, 'amount').total),
      paidAt: str(json, 'success_time'),
      // Direct replies carry payer.openid; partner replies sub_openid (under sub_appid) / sp_openid.
      buyerId: buyerOf(obj(json, 'payer')),
      fieldNames: 'amount.total/transaction_id',
    },
    outTradeNo,
    expectedFee,
  );
}

function declined(c: string, message: string) {
  return {
    kind: 'failed' as const,
    providerCode: c,
    message,
    decline: CODEPAY_DECLINES[c] ?? ('other' as DeclineReason),
  };
}

export function mapCodepayReply(
  reply: WxpayV3Reply,
  outTradeNo: string,
  totalFee: number,
): Gateway.PaymentOutcome {
  if (reply.kind === 'unknown') return reply;
  const { status, json } = reply;
  if (otherOrder(json, outTradeNo)) return unknown('mismatch', 'reply names another out_trade_no');
  const state = str(json, 'trade_state');
  if (status === 202 || code(json) === 'USERPAYING' || state === 'USERPAYING')
    return { kind: 'pending', providerCode: 'USERPAYING' };
  if (status === 200 && state === 'SUCCESS') return paidFrom(json, outTradeNo, totalFee);
  const c = code(json);
  if (status >= 400 && Object.hasOwn(CODEPAY_DECLINES, c)) return declined(c, text(json));
  return unknown('provider_says_unknown', `codepay: HTTP ${status} ${c || state || 'no code'}`);
}

export function mapQueryReply(reply: WxpayV3Reply, outTradeNo: string): Gateway.PaymentOutcome {
  if (reply.kind === 'unknown') return reply;
  const { status, json } = reply;
  if (status === 404 && code(json) === 'ORDER_NOT_EXIST')
    return { kind: 'not_found', providerCode: 'ORDER_NOT_EXIST' };
  if (status !== 200)
    return unknown('provider_says_unknown', `query: HTTP ${status} ${code(json) || 'no code'}`);
  if (otherOrder(json, outTradeNo) || str(json, 'out_trade_no') === undefined)
    return unknown('mismatch', 'query reply does not name our out_trade_no');
  const state = str(json, 'trade_state') ?? '';
  return wechatTradeStateOutcome(state, {
    paid: () => paidFrom(json, outTradeNo, undefined),
    refunded: () => {
      const total = fen(obj(json, 'amount').total);
      const transactionId = str(json, 'transaction_id');
      if (total === undefined || !transactionId)
        return unknown('unparseable', 'refunded reply lacks amount/transaction_id');
      return { kind: 'refunded', transactionId, totalFee: total, providerCode: state };
    },
    failed: () => ({
      kind: 'failed',
      providerCode: state,
      message: str(json, 'trade_state_desc') ?? 'payment failed',
      decline: 'other',
    }),
  });
}

export function mapReverseReply(reply: WxpayV3Reply): Gateway.ReverseOutcome {
  if (reply.kind === 'unknown') return reply;
  const { status, json } = reply;
  if (status === 200 || status === 204) return { kind: 'reversed' };
  const c = code(json);
  if (status === 404 && c === 'ORDER_NOT_EXIST') return { kind: 'not_found', providerCode: c };
  if (c === 'REVERSE_EXPIRE' || c === 'TRADE_OVERDUE')
    return { kind: 'failed', providerCode: c, message: text(json) };
  // v3 has no `recall` flag: SYSTEM_ERROR / USERPAYING / FREQUENCY_LIMITED all mean "call reverse again".
  if (c === 'SYSTEM_ERROR' || c === 'USERPAYING' || c === 'FREQUENCY_LIMITED')
    return { kind: 'retry', providerCode: c };
  return unknown('provider_says_unknown', `reverse: HTTP ${status} ${c || 'no code'}`);
}

export function mapCloseReply(reply: WxpayV3Reply): Gateway.CloseOutcome {
  if (reply.kind === 'unknown') return reply;
  const { status, json } = reply;
  if (status === 204 || status === 200) return { kind: 'closed' };
  const c = code(json);
  if (c === 'ORDER_PAID') return { kind: 'paid' };
  if (c === 'ORDER_CLOSED') return { kind: 'closed' };
  return unknown('provider_says_unknown', `close: HTTP ${status} ${c || 'no code'}`);
}

function refundState(json: Json, outRefundNo: string): Gateway.RefundOutcome {
  if (str(json, 'out_refund_no') !== outRefundNo)
    return unknown('mismatch', 'reply names another out_refund_no');
  const refundId = str(json, 'refund_id');
  const status = str(json, 'status') ?? '';
  if (status === 'SUCCESS')
    return refundId ? { kind: 'succeeded', refundId } : unknown('unparseable', 'refund without refund_id');
  if (status === 'PROCESSING') return { kind: 'processing', ...(refundId ? { refundId } : {}) };
  if (status === 'CLOSED') return { kind: 'failed', providerCode: status, message: 'refund closed' };
  // ABNORMAL: the money is stuck (closed card…) and needs the merchant platform: not final for us.
  return unknown('provider_says_unknown', `refund status ${status || '(none)'}`);
}

export function mapRefundReply(reply: WxpayV3Reply, outRefundNo: string): Gateway.RefundOutcome {
  if (reply.kind === 'unknown') return reply;
  const { status, json } = reply;
  if (status === 200) return refundState(json, outRefundNo);
  const c = code(json);
  if (status >= 400 && WXPAY_V3_REFUND_FAILED_CODES.includes(c))
    return { kind: 'failed', providerCode: c, message: text(json) };
  return unknown('provider_says_unknown', `refund: HTTP ${status} ${c || 'no code'}`);
}

export function mapRefundQueryReply(reply: WxpayV3Reply, outRefundNo: string): Gateway.RefundOutcome {
  if (reply.kind === 'unknown') return reply;
  const { status, json } = reply;
  if (status === 404 && code(json) === 'RESOURCE_NOT_EXISTS')
    return { kind: 'not_found', providerCode: 'RESOURCE_NOT_EXISTS' };
  if (status === 200) return refundState(json, outRefundNo);
  return unknown('provider_says_unknown', `refund query: HTTP ${status} ${code(json) || 'no code'}`);
}

export function mapNativeReply(reply: WxpayV3Reply): Gateway.PrecreateOutcome {
  if (reply.kind === 'unknown') return reply;
  const { status, json } = reply;
  if (status === 200) {
    const url = str(json, 'code_url');
    return url ? { kind: 'created', qrCode: url } : unknown('unparseable', 'reply has no code_url');
  }
  const c = code(json);
  if (status >= 400 && status < 500 && c !== '' && c !== 'FREQUENCY_LIMITED') return declined(c, text(json));
  return unknown('provider_says_unknown', `native: HTTP ${status} ${c || 'no code'}`);
}
