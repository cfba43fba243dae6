/**
 * Alipay codes → the port's outcomes: one function per call kind, the only place that knows an
 * Alipay code (docs/protocols.md §4). 10000 success, 10003 waiting for the buyer, 20000 "service
 * unavailable" (unknown), 40004 business failure (final, except ACQ.SYSTEM_ERROR, which a query
 * settles). ACQ.TRADE_HAS_SUCCESS on a charge is final too: the terminal never sends trade.pay twice
 * under one out_trade_no, so the paid trade is another buyer's under a reused number, and a query
 * would book it for this buyer (Alipay: "confirm the trade is the current buyer's"; it is not).
 * 40001/40002/40006 mean our request was refused
 * before it ran. Any other code is unknown. Queries never turn an error into `failed`.
 */

import type { DeclineReason } from '../../common/decline-reasons.ts';
import { yuanToFen } from '../../common/money.ts';
import type * as Gateway from '../../ports/payment-gateway.ts';
import { chinaTimeToIso } from '../shared/beijing-time.ts';
import { paidOutcome } from '../shared/paid-outcome.ts';
import { unknown } from '../shared/transport-unknown.ts';
import type { AlipayReply } from './alipay-transport.ts';

type Response = Readonly<Record<string, unknown>>;

/** 40004 sub_codes that mean "ask again" rather than "refused". */
export const ALIPAY_PAY_UNKNOWN_SUB_CODES: readonly string[] = ['ACQ.SYSTEM_ERROR'];
const REQUEST_REFUSED_CODES: readonly string[] = ['40001', '40002', '40006'];

/**
 * 40004 sub_codes (without `aop.`) → why the payment was declined, from the error tables of
 * alipay.trade.pay and alipay.trade.precreate (docs/protocols.md §4, Decline reasons). Exact codes
 * first, then the suffixes Alipay uses for families of codes (…_BALANCE_NOT_ENOUGH, …_LIMIT_ERROR);
 * anything else reads `other`. 40001/40002/40006 (our request refused before it ran) read
 * `request_refused`.
 */
const ALIPAY_DECLINE_REASONS: Readonly<Record<string, DeclineReason>> = {
  'ACQ.PAYMENT_AUTH_CODE_INVALID': 'code_invalid',
  'ACQ.TRADE_HAS_CLOSE': 'order_closed',
  'ACQ.TRADE_BUYER_NOT_MATCH': 'buyer_mismatch',
  'ACQ.BUYER_ENABLE_STATUS_FORBID': 'risk_declined',
  'ACQ.PAYMENT_REQUEST_HAS_RISK': 'risk_declined',
  'ACQ.ERROR_BALANCE_PAYMENT_DISABLE': 'not_supported',
  'ACQ.NO_PAYMENT_INSTRUMENTS_AVAILABLE': 'not_supported',
  'ACQ.BEYOND_PAY_RESTRICTION': 'not_supported',
  'ACQ.BEYOND_PER_RECEIPT_RESTRICTION': 'not_supported',
  'ACQ.INVALID_PARAMETER': 'request_refused',
  'ACQ.ACCESS_FORBIDDEN': 'request_refused',
  'ACQ.PARTNER_ERROR': 'request_refused',
  'ACQ.CONTEXT_INCONSISTENT': 'request_refused',
  'ACQ.SELLER_BEEN_BLOCKED': 'request_refused',
};
const ALIPAY_DECLINE_SUFFIXES: readonly (readonly [string, DeclineReason])[] = [
  ['_BALANCE_NOT_ENOUGH', 'insufficient_funds'],
  ['_LIMIT_ERROR', 'not_supported'],
];

export function alipayDeclineReason(code: string, subCode: string): DeclineReason {
  if (REQUEST_REFUSED_CODES.includes(code)) return 'request_refused';
  if (Object.hasOwn(ALIPAY_DECLINE_REASONS, subCode)) return ALIPAY_DECLINE_REASONS[subCode]!;
  return ALIPAY_DECLINE_SUFFIXES.find(([suffix]) => subCode.endsWith(suffix))?.[1] ?? 'other';
}

function declined(r: Response): {
  kind: 'failed';
  providerCode: string;
  message: string;
  decline: DeclineReason;
} {
  const sub = subCodeOf(r);
  return {
    kind: 'failed',
    providerCode: sub,
    message: messageOf(r),
    decline: alipayDeclineReason(codeOf(r), sub),
  };
}

function text(response: Response, name: string): string | undefined {
  const value = response[name];
  return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : undefined;
}

function codeOf(r: Response): string {
  return text(r, 'code') ?? '';
}

/**
 * The sub code without the gateway's `aop.` prefix: replies carry `aop.ACQ.SYSTEM_ERROR` as well as
 * `ACQ.SYSTEM_ERROR` (docs/protocols.md §4), so every comparison below matches by suffix.
 */
function subCodeOf(r: Response): string {
  const sub = text(r, 'sub_code');
  return sub === undefined ? codeOf(r) : sub.replace(/^(aop\.)+/i, '');
}

function messageOf(r: Response): string {
  return text(r, 'sub_msg') ?? text(r, 'msg') ?? 'refused';
}

function fen(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  try {
    return yuanToFen(value);
  } catch {
    return undefined;
  }
}

function otherOrder(r: Response, outTradeNo: string): boolean {
  const named = text(r, 'out_trade_no');
  return named !== undefined && named !== outTradeNo;
}

function paidFrom(r: Response, outTradeNo: string, expectedFee: number | undefined): Gateway.PaymentOutcome {
  return paidOutcome(
    {
      outTradeNo: text(r, 'out_trade_no'),
      transactionId: text(r, 'trade_no'),
      totalFee: fen(text(r, 'total_amount')),
      paidAt: chinaTimeToIso(text(r, 'gmt_payment') ?? text(r, 'send_pay_date')),
      buyerId: text(r, 'buyer_user_id') ?? text(r, 'buyer_open_id') ?? text(r, 'buyer_logon_id'),
      fieldNames: 'total_amount/trade_no',
    },
    outTradeNo,
    expectedFee,
  );
}

export function mapPayReply(
  reply: AlipayReply,
  outTradeNo: string,
  totalFee: number,
): Gateway.PaymentOutcome {
  if (reply.kind === 'unknown') return reply;
  const r = reply.response;
  if (otherOrder(r, outTradeNo)) return unknown('mismatch', 'reply names another out_trade_no');
  const code = codeOf(r);
  if (code === '10000') return paidFrom(r, outTradeNo, totalFee);
  if (code === '10003') return { kind: 'pending', providerCode: '10003' };
  if (code === '40004') {
    const sub = subCodeOf(r);
    if (ALIPAY_PAY_UNKNOWN_SUB_CODES.includes(sub)) return unknown('provider_says_unknown', `${sub}: query`);
    return declined(r);
  }
  if (REQUEST_REFUSED_CODES.includes(code)) return declined(r);
  return unknown('provider_says_unknown', `code ${code || '(none)'}: query`);
}

export function mapQueryReply(reply: AlipayReply, outTradeNo: string): Gateway.PaymentOutcome {
  if (reply.kind === 'unknown') return reply;
  const r = reply.response;
  if (otherOrder(r, outTradeNo)) return unknown('mismatch', 'reply names another out_trade_no');
  const code = codeOf(r);
  if (code !== '10000') {
    if (subCodeOf(r) === 'ACQ.TRADE_NOT_EXIST')
      return { kind: 'not_found', providerCode: 'ACQ.TRADE_NOT_EXIST' };
    return unknown('provider_says_unknown', `query: ${subCodeOf(r) || '(no code)'}`);
  }
  const status = text(r, 'trade_status') ?? '';
  switch (status) {
    case 'TRADE_SUCCESS':
    case 'TRADE_FINISHED': {
      const paid = paidFrom(r, outTradeNo, undefined);
      // Refund info is optional in a query reply; when it says money went back, say refunded.
      const refunded = fen(text(r, 'refund_amount') ?? text(r, 'refund_fee'));
      if (paid.kind === 'paid' && refunded !== undefined && refunded > 0) {
        return {
          kind: 'refunded',
          transactionId: paid.transactionId,
          totalFee: paid.totalFee,
          providerCode: status,
        };
      }
      return paid;
    }
    case 'WAIT_BUYER_PAY':
      return { kind: 'pending', providerCode: status };
    case 'TRADE_CLOSED':
      return { kind: 'closed', providerCode: status };
    default:
      return unknown('provider_says_unknown', `unlisted trade_status ${status || '(none)'}`);
  }
}

/** alipay.trade.cancel: retry_flag=Y means "call cancel again", whatever the code. */
export function mapCancelReply(reply: AlipayReply, outTradeNo: string): Gateway.ReverseOutcome {
  if (reply.kind === 'unknown') return reply;
  const r = reply.response;
  if (otherOrder(r, outTradeNo)) return unknown('mismatch', 'reply names another out_trade_no');
  if (text(r, 'retry_flag') === 'Y') return { kind: 'retry', providerCode: subCodeOf(r) || 'retry_flag=Y' };
  const code = codeOf(r);
  if (code === '10000') {
    const action = text(r, 'action');
    return action === 'close' || action === 'refund' ? { kind: 'reversed', action } : { kind: 'reversed' };
  }
  const sub = subCodeOf(r);
  if (sub === 'ACQ.TRADE_NOT_EXIST') return { kind: 'not_found', providerCode: sub };
  if (code === '40004' && sub !== 'ACQ.SYSTEM_ERROR')
    return { kind: 'failed', providerCode: sub, message: messageOf(r) };
  return unknown('provider_says_unknown', `cancel: ${sub || '(no code)'}`);
}

export function mapCloseReply(reply: AlipayReply, outTradeNo: string): Gateway.CloseOutcome {
  if (reply.kind === 'unknown') return reply;
  const r = reply.response;
  if (otherOrder(r, outTradeNo)) return unknown('mismatch', 'reply names another out_trade_no');
  const code = codeOf(r);
  if (code === '10000') return { kind: 'closed' };
  const sub = subCodeOf(r);
  // Close refuses a trade that is no longer waiting: it was paid meanwhile (the engine queries).
  if (sub === 'ACQ.TRADE_STATUS_ERROR' || sub === 'ACQ.TRADE_HAS_SUCCESS') return { kind: 'paid' };
  // A QR (precreate) trade does not exist until scanned, and may still be paid: not "closed".
  if (sub === 'ACQ.TRADE_NOT_EXIST' || sub === 'ACQ.SYSTEM_ERROR' || code !== '40004') {
    return unknown('provider_says_unknown', `close: ${sub || '(no code)'}`);
  }
  return { kind: 'failed', providerCode: sub, message: messageOf(r) };
}

/** alipay.trade.refund: fund_change=Y means the money moved in this call; N (a repeat) needs a refund query. */
export function mapRefundReply(
  reply: AlipayReply,
  refund: Gateway.RefundQueryRequest,
): Gateway.RefundOutcome {
  if (reply.kind === 'unknown') return reply;
  const r = reply.response;
  if (otherOrder(r, refund.outTradeNo)) return unknown('mismatch', 'reply names another out_trade_no');
  const code = codeOf(r);
  if (code === '10000') {
    return text(r, 'fund_change') === 'Y'
      ? { kind: 'succeeded', refundId: refund.outRefundNo }
      : { kind: 'processing', refundId: refund.outRefundNo };
  }
  const sub = subCodeOf(r);
  if ((code === '40004' && sub !== 'ACQ.SYSTEM_ERROR') || REQUEST_REFUSED_CODES.includes(code))
    return { kind: 'failed', providerCode: sub, message: messageOf(r) };
  return unknown('provider_says_unknown', `refund: ${sub || '(no code)'}`);
}

/**
 * alipay.trade.fastpay.refund.query answers 10000 even when there is no such refund: then it has
 * neither refund_status nor refund_amount. Older replies have no refund_status: an amount means done.
 */
export function mapRefundQueryReply(
  reply: AlipayReply,
  refund: Gateway.RefundQueryRequest,
): Gateway.RefundOutcome {
  const { outTradeNo, outRefundNo } = refund;
  if (reply.kind === 'unknown') return reply;
  const r = reply.response;
  if (otherOrder(r, outTradeNo)) return unknown('mismatch', 'reply names another out_trade_no');
  const named = text(r, 'out_request_no');
  if (named !== undefined && named !== outRefundNo)
    return unknown('mismatch', 'reply names another out_request_no');
  const code = codeOf(r);
  if (code !== '10000') {
    const sub = subCodeOf(r);
    if (sub === 'ACQ.TRADE_NOT_EXIST') return { kind: 'not_found', providerCode: sub };
    return unknown('provider_says_unknown', `refund query: ${sub || '(no code)'}`);
  }
  const status = text(r, 'refund_status');
  const amount = text(r, 'refund_amount');
  if (status === 'REFUND_SUCCESS') return { kind: 'succeeded', refundId: outRefundNo };
  if (status === undefined && amount !== undefined) return { kind: 'succeeded', refundId: outRefundNo };
  if (status === undefined) return { kind: 'not_found', providerCode: 'REFUND_NOT_EXIST' };
  return { kind: 'processing', refundId: outRefundNo };
}

export function mapPrecreateReply(reply: AlipayReply, outTradeNo: string): Gateway.PrecreateOutcome {
  if (reply.kind === 'unknown') return reply;
  const r = reply.response;
  if (otherOrder(r, outTradeNo)) return unknown('mismatch', 'reply names another out_trade_no');
  const code = codeOf(r);
  if (code === '10000') {
    const qrCode = text(r, 'qr_code');
    return qrCode ? { kind: 'created', qrCode } : unknown('unparseable', 'reply has no qr_code');
  }
  const sub = subCodeOf(r);
  if ((code === '40004' && sub !== 'ACQ.SYSTEM_ERROR') || REQUEST_REFUSED_CODES.includes(code)) {
    return declined(r);
  }
  return unknown('provider_says_unknown', `precreate: ${sub || '(no code)'}`);
}
