/**
 * WeChat Pay v2 raw codes → the port's outcomes: exactly one function per call kind, and the only
 * place in the product that knows a WeChat code. Rules (docs/protocols.md §2):
 * - anything we cannot trust arrived here already as `unknown` (see wxpay-transport.ts);
 * - return_code=FAIL means our request was malformed: `failed` for calls that change nothing if they
 *   did not run, but `unknown` for query and reverse, because "our own query was malformed" says
 *   nothing about the customer's money and must never end a trade;
 * - an err_code not in the official tables is `unknown` (the engine queries), never `failed`.
 */

import type { DeclineReason } from '../../common/decline-reasons.ts';
import { parseFenText } from '../../common/money.ts';
import type * as Gateway from '../../ports/payment-gateway.ts';
import { chinaTimeToIso } from '../shared/beijing-time.ts';
import { paidOutcome } from '../shared/paid-outcome.ts';
import { unknown } from '../shared/transport-unknown.ts';
import { wechatTradeStateOutcome } from '../shared/wechat-trade-state.ts';
import type { WxpayReply } from './wxpay-transport.ts';

/** micropay err_codes whose meaning is "the outcome is not known yet: query". */
export const WXPAY_MICROPAY_UNKNOWN_CODES: readonly string[] = ['SYSTEMERROR', 'BANKERROR', 'TRADE_ERROR'];

/**
 * micropay err_codes that are final: this charge did not happen and this out_trade_no will not be
 * paid by this customer. ORDERPAID is among them: the terminal never sends a charge twice under one
 * out_trade_no (recovery queries; the backup domain gets only calls that never left), so "already
 * paid" is another customer's payment under a reused number (two tills numbering alike, a lost
 * journal). Querying would book that payment for this customer, or reverse it on an amount mismatch.
 */
export const WXPAY_MICROPAY_FAILED_CODES: readonly string[] = [
  'ORDERPAID',
  'AUTHCODEEXPIRE',
  'AUTH_CODE_ERROR',
  'AUTH_CODE_INVALID',
  'NOTENOUGH',
  'NOTSUPORTCARD',
  'ORDERCLOSED',
  'ORDERREVERSED',
  'BUYER_MISMATCH',
  'OUT_TRADE_NO_USED',
  'NOAUTH',
  'PARAM_ERROR',
  'SIGNERROR',
  'LACK_PARAMS',
  'NOT_UTF8',
  'XML_FORMAT_ERROR',
  'REQUIRE_POST_METHOD',
  'POST_DATA_EMPTY',
  'APPID_NOT_EXIST',
  'MCHID_NOT_EXIST',
  'APPID_MCHID_NOT_MATCH',
  'INVALID_REQUEST',
];

/**
 * err_code (micropay, unifiedorder) and trade_state PAYERROR → why the payment was declined, from the
 * error tables of the micropay and unifiedorder pages (docs/protocols.md §2, Decline reasons).
 * A code not listed here reads `other`; `return_code=FAIL` arrives as FAIL and reads `request_refused`.
 */
const WXPAY_DECLINE_REASONS: Readonly<Record<string, DeclineReason>> = {
  NOTENOUGH: 'insufficient_funds',
  AUTHCODEEXPIRE: 'code_expired',
  AUTH_CODE_ERROR: 'code_invalid',
  AUTH_CODE_INVALID: 'code_invalid',
  NOTSUPORTCARD: 'not_supported',
  BUYER_MISMATCH: 'buyer_mismatch',
  ORDERCLOSED: 'order_closed',
  ORDERREVERSED: 'order_closed',
  OUT_TRADE_NO_USED: 'request_refused',
  NOAUTH: 'request_refused',
  PARAM_ERROR: 'request_refused',
  SIGNERROR: 'request_refused',
  LACK_PARAMS: 'request_refused',
  NOT_UTF8: 'request_refused',
  XML_FORMAT_ERROR: 'request_refused',
  REQUIRE_POST_METHOD: 'request_refused',
  POST_DATA_EMPTY: 'request_refused',
  APPID_NOT_EXIST: 'request_refused',
  MCHID_NOT_EXIST: 'request_refused',
  APPID_MCHID_NOT_MATCH: 'request_refused',
  INVALID_REQUEST: 'request_refused',
  FAIL: 'request_refused',
};

export function wxpayDeclineReason(code: string): DeclineReason {
  return Object.hasOwn(WXPAY_DECLINE_REASONS, code) ? WXPAY_DECLINE_REASONS[code]! : 'other';
}

function declined(
  code: string,
  text: string,
): { kind: 'failed'; providerCode: string; message: string; decline: DeclineReason } {
  return { kind: 'failed', providerCode: code, message: text, decline: wxpayDeclineReason(code) };
}

function message(fields: Readonly<Record<string, string>>): string {
  return fields.err_code_des ?? fields.return_msg ?? fields.err_code ?? 'refused';
}

/** A reply naming another out_trade_no is not about our order. */
function otherOrder(fields: Readonly<Record<string, string>>, outTradeNo: string): boolean {
  return fields.out_trade_no !== undefined && fields.out_trade_no !== outTradeNo;
}

function paidFrom(
  fields: Readonly<Record<string, string>>,
  outTradeNo: string,
  expectedFee: number | undefined,
): Gateway.PaymentOutcome {
  return paidOutcome(
    {
      outTradeNo: fields.out_trade_no,
      transactionId: fields.transaction_id,
      totalFee: parseFenText(fields.total_fee),
      paidAt: chinaTimeToIso(fields.time_end),
      buyerId: fields.openid,
      fieldNames: 'total_fee/transaction_id',
    },
    outTradeNo,
    expectedFee,
  );
}

export function mapMicropayReply(
  reply: WxpayReply,
  outTradeNo: string,
  totalFee: number,
): Gateway.PaymentOutcome {
  if (reply.kind === 'unknown') return reply;
  const f = reply.fields;
  if (f.return_code === 'FAIL') return declined('FAIL', message(f));
  if (otherOrder(f, outTradeNo)) return unknown('mismatch', 'reply names another out_trade_no');
  if (f.result_code === 'SUCCESS') return paidFrom(f, outTradeNo, totalFee);
  if (f.result_code !== 'FAIL') return unknown('unparseable', 'reply has no result_code');
  const code = f.err_code ?? '';
  if (code === 'USERPAYING') return { kind: 'pending', providerCode: code };
  if (WXPAY_MICROPAY_FAILED_CODES.includes(code)) return declined(code, message(f));
  const known = WXPAY_MICROPAY_UNKNOWN_CODES.includes(code);
  return unknown(
    'provider_says_unknown',
    `${code || 'no err_code'}${known ? '' : ' (unlisted code)'}: query`,
  );
}

export function mapQueryReply(reply: WxpayReply, outTradeNo: string): Gateway.PaymentOutcome {
  if (reply.kind === 'unknown') return reply;
  const f = reply.fields;
  if (f.return_code === 'FAIL') return unknown('provider_says_unknown', `query refused: ${message(f)}`);
  if (otherOrder(f, outTradeNo)) return unknown('mismatch', 'reply names another out_trade_no');
  if (f.result_code !== 'SUCCESS') {
    if (f.err_code === 'ORDERNOTEXIST') return { kind: 'not_found', providerCode: 'ORDERNOTEXIST' };
    return unknown('provider_says_unknown', `query: ${f.err_code ?? 'no err_code'}`);
  }
  const state = f.trade_state ?? '';
  return wechatTradeStateOutcome(state, {
    paid: () => paidFrom(f, outTradeNo, undefined),
    refunded: () => {
      const paid = paidFrom(f, outTradeNo, undefined);
      if (paid.kind !== 'paid') return paid;
      return {
        kind: 'refunded',
        transactionId: paid.transactionId,
        totalFee: paid.totalFee,
        providerCode: state,
      };
    },
    failed: () => declined(state, f.trade_state_desc ?? 'payment failed'),
  });
}

export function mapReverseReply(reply: WxpayReply, outTradeNo: string): Gateway.ReverseOutcome {
  if (reply.kind === 'unknown') return reply;
  const f = reply.fields;
  if (f.return_code === 'FAIL') return unknown('provider_says_unknown', `reverse refused: ${message(f)}`);
  if (otherOrder(f, outTradeNo)) return unknown('mismatch', 'reply names another out_trade_no');
  if (f.result_code === 'SUCCESS') return { kind: 'reversed' };
  // The official PHP demo reads recall the wrong way round: Y means "call reverse again".
  if (f.recall === 'Y') return { kind: 'retry', providerCode: f.err_code ?? 'RECALL' };
  const code = f.err_code ?? '';
  if (code === 'ORDERNOTEXIST') return { kind: 'not_found', providerCode: code };
  if (code === 'REVERSE_EXPIRE' || code === 'TRADE_OVERDUE') {
    return { kind: 'failed', providerCode: code, message: message(f) };
  }
  return unknown('provider_says_unknown', `reverse: ${code || 'no err_code'}`);
}

export function mapCloseReply(reply: WxpayReply, outTradeNo: string): Gateway.CloseOutcome {
  if (reply.kind === 'unknown') return reply;
  const f = reply.fields;
  if (f.return_code === 'FAIL') return { kind: 'failed', providerCode: 'FAIL', message: message(f) };
  if (otherOrder(f, outTradeNo)) return unknown('mismatch', 'reply names another out_trade_no');
  if (f.result_code === 'SUCCESS') return { kind: 'closed' };
  const code = f.err_code ?? '';
  if (code === 'ORDERPAID') return { kind: 'paid' };
  if (code === 'ORDERCLOSED') return { kind: 'closed' };
  if (code === 'SYSTEMERROR' || code === 'ORDERNOTEXIST' || code === '') {
    return unknown('provider_says_unknown', `close: ${code || 'no err_code'}`);
  }
  return { kind: 'failed', providerCode: code, message: message(f) };
}

/**
 * refund err_codes that are final for this out_refund_no (docs/protocols.md §2, "Refund outcomes").
 * Any other code, SYSTEMERROR / BIZERR_NEED_RETRY / FREQUENCY_LIMITED / INVALID_REQ_TOO_MUCH ("call
 * again") included, is unknown: a `failed` refund frees its amount for another out_refund_no.
 */
export const WXPAY_REFUND_FAILED_CODES: readonly string[] = [
  'TRADE_OVERDUE',
  'ERROR',
  'USER_ACCOUNT_ABNORMAL',
  'NOTENOUGH',
  'INVALID_TRANSACTIONID',
  'PARAM_ERROR',
  'APPID_NOT_EXIST',
  'MCHID_NOT_EXIST',
  'ORDERNOTEXIST',
  'REQUIRE_POST_METHOD',
  'SIGNERROR',
  'XML_FORMAT_ERROR',
];

/** refund: result SUCCESS only means "accepted"; refundquery says when the money has moved. */
export function mapRefundReply(reply: WxpayReply, refund: Gateway.RefundQueryRequest): Gateway.RefundOutcome {
  const { outTradeNo, outRefundNo } = refund;
  if (reply.kind === 'unknown') return reply;
  const f = reply.fields;
  if (f.return_code === 'FAIL') return { kind: 'failed', providerCode: 'FAIL', message: message(f) };
  if (otherOrder(f, outTradeNo)) return unknown('mismatch', 'reply names another out_trade_no');
  if (f.out_refund_no !== undefined && f.out_refund_no !== outRefundNo) {
    return unknown('mismatch', 'reply names another out_refund_no');
  }
  if (f.result_code === 'SUCCESS')
    return { kind: 'processing', ...(f.refund_id ? { refundId: f.refund_id } : {}) };
  const code = f.err_code ?? '';
  if (WXPAY_REFUND_FAILED_CODES.includes(code))
    return { kind: 'failed', providerCode: code, message: message(f) };
  return unknown('provider_says_unknown', `refund: ${code || 'no err_code'}`);
}

/** refundquery lists refunds as refund_status_0…n; ours is the one whose out_refund_no_$n matches. */
export function mapRefundQueryReply(
  reply: WxpayReply,
  refund: Gateway.RefundQueryRequest,
): Gateway.RefundOutcome {
  const { outTradeNo, outRefundNo } = refund;
  if (reply.kind === 'unknown') return reply;
  const f = reply.fields;
  if (f.return_code === 'FAIL')
    return unknown('provider_says_unknown', `refund query refused: ${message(f)}`);
  if (otherOrder(f, outTradeNo)) return unknown('mismatch', 'reply names another out_trade_no');
  if (f.result_code !== 'SUCCESS') {
    if (f.err_code === 'REFUNDNOTEXIST') return { kind: 'not_found', providerCode: 'REFUNDNOTEXIST' };
    return unknown('provider_says_unknown', `refund query: ${f.err_code ?? 'no err_code'}`);
  }
  const count = Number(f.refund_count ?? '0');
  const bounded = Number.isInteger(count) && count >= 0 ? Math.min(count, 100) : 0;
  for (let n = 0; n < bounded; n++) {
    if (f[`out_refund_no_${n}`] !== outRefundNo) continue;
    const status = f[`refund_status_${n}`] ?? '';
    const refundId = f[`refund_id_${n}`];
    if (status === 'SUCCESS') {
      return refundId ? { kind: 'succeeded', refundId } : unknown('unparseable', 'refund without refund_id');
    }
    if (status === 'PROCESSING') return { kind: 'processing', ...(refundId ? { refundId } : {}) };
    if (status === 'REFUNDCLOSE' || status === 'CHANGE') {
      return { kind: 'failed', providerCode: status, message: `refund status ${status}` };
    }
    return unknown('provider_says_unknown', `unlisted refund_status ${status || '(none)'}`);
  }
  return { kind: 'not_found', providerCode: 'REFUNDNOTEXIST' };
}

export function mapPrecreateReply(reply: WxpayReply, outTradeNo: string): Gateway.PrecreateOutcome {
  if (reply.kind === 'unknown') return reply;
  const f = reply.fields;
  if (f.return_code === 'FAIL') return declined('FAIL', message(f));
  if (otherOrder(f, outTradeNo)) return unknown('mismatch', 'reply names another out_trade_no');
  if (f.result_code === 'SUCCESS') {
    return f.code_url
      ? { kind: 'created', qrCode: f.code_url }
      : unknown('unparseable', 'reply has no code_url');
  }
  const code = f.err_code ?? '';
  if (code === '' || code === 'SYSTEMERROR')
    return unknown('provider_says_unknown', `unifiedorder: ${code || '?'}`);
  return declined(code, message(f));
}
