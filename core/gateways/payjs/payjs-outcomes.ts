/**
 * PAYJS replies → the port's outcomes: one function per call kind, the only place that reads a PAYJS
 * reply. PAYJS answers return_code 1/0 plus free text and documents no error codes (docs/protocols.md
 * §5), so no text proves a final failure:
 * - micropay, reverse and refund with return_code=0 are `unknown` (the engine checks, then reverses);
 *   a message naming a WeChat code changes nothing, it only goes into the detail for support;
 * - the documented micropay success reply (return_code=1 "请求成功", payjs_order_id, out_trade_no,
 *   total_fee; no status, transaction_id or time_end) is paid: PAYJS relays WeChat's synchronous
 *   micropay, whose success is the payment, and the customer still typing a password is a
 *   return_code=0 text (需要用户输入支付密码). It is booked only when it names our out_trade_no, our
 *   amount and a payjs_order_id (shared/paid-outcome.ts); anything less is unknown. A status=0 (not
 *   documented for micropay) is read as check's "not paid yet": pending, any status but 0 or 1 as
 *   unknown;
 * - check status 0 means "not paid", but PAYJS has no closed/refunded state: status 0 with a
 *   transaction_id (money was taken and is no longer held) is unknown rather than a guess;
 * - a reverse addressed by out_trade_no (we never learnt the payjs_order_id) that PAYJS refuses is
 *   `unaddressable`: real PAYJS looks orders up by payjs_order_id only, so "does not exist" there
 *   says nothing about the money.
 */

import { parseFenText } from '../../common/money.ts';
import type * as Gateway from '../../ports/payment-gateway.ts';
import { chinaTimeToIso } from '../shared/beijing-time.ts';
import { paidOutcome } from '../shared/paid-outcome.ts';
import { unknown } from '../shared/transport-unknown.ts';
import type { PayjsFields, PayjsReply } from './payjs-transport.ts';

/** How a request named the order: PAYJS's own number, or ours (which real PAYJS does not look up). */
export type PayjsOrderKey = 'payjs_order_id' | 'out_trade_no';

const NOT_FOUND_WORDS = /不存在|ORDERNOTEXIST|not exist|not found/i;
/** A refusal of an out_trade_no-addressed request that is about the missing payjs_order_id. */
const ADDRESS_WORDS = /不存在|ORDERNOTEXIST|not exist|not found|payjs_order_id/i;
const PAID_WORDS = /ORDERPAID|已支付/i;

function messageOf(f: PayjsFields): string {
  return f.return_msg ?? f.msg ?? 'refused';
}

/** "用户余额不足 (NOTENOUGH)" → "NOTENOUGH"; otherwise the generic code. */
function codeOf(f: PayjsFields): string {
  return /\(([A-Z][A-Z_]+)\)/.exec(messageOf(f))?.[1] ?? 'return_code=0';
}

function otherOrder(f: PayjsFields, outTradeNo: string): boolean {
  return f.out_trade_no !== undefined && f.out_trade_no !== outTradeNo;
}

function withOrderId<T extends object>(outcome: T, f: PayjsFields): T {
  return f.payjs_order_id ? { ...outcome, providerOrderId: f.payjs_order_id } : outcome;
}

function paidFrom(
  f: PayjsFields,
  outTradeNo: string,
  expectedFee: number | undefined,
): Gateway.PaymentOutcome {
  const outcome = paidOutcome(
    {
      outTradeNo: f.out_trade_no,
      // The port's transactionId is what PAYJS needs to find the order again: payjs_order_id.
      transactionId: f.payjs_order_id,
      totalFee: parseFenText(f.total_fee),
      paidAt: chinaTimeToIso(f.time_end ?? f.paid_time),
      buyerId: f.openid,
      fieldNames: 'total_fee/payjs_order_id',
    },
    outTradeNo,
    expectedFee,
  );
  return withOrderId(outcome, f);
}

export function mapMicropayReply(
  reply: PayjsReply,
  outTradeNo: string,
  totalFee: number,
): Gateway.PaymentOutcome {
  if (reply.kind === 'unknown') return reply;
  const f = reply.fields;
  if (otherOrder(f, outTradeNo)) return unknown('mismatch', 'reply names another out_trade_no');
  if (f.return_code === '0') {
    return withOrderId(unknown('provider_says_unknown', `micropay: ${messageOf(f)}`.slice(0, 200)), f);
  }
  // status is not in the documented micropay reply; a reply that carries it anyway is read as check's.
  if (f.status === '0') {
    return f.payjs_order_id
      ? { kind: 'pending', providerCode: 'status=0', providerOrderId: f.payjs_order_id }
      : unknown('unparseable', 'micropay reply has no payjs_order_id');
  }
  // Any other status is not check's "paid" (1) either: unrecognised, so the engine checks.
  if (f.status !== undefined && f.status !== '' && f.status !== '1') {
    return withOrderId(unknown('provider_says_unknown', `micropay status ${f.status}`.slice(0, 200)), f);
  }
  return paidFrom(f, outTradeNo, totalFee);
}

export function mapCheckReply(reply: PayjsReply, outTradeNo: string): Gateway.PaymentOutcome {
  if (reply.kind === 'unknown') return reply;
  const f = reply.fields;
  if (otherOrder(f, outTradeNo)) return unknown('mismatch', 'reply names another out_trade_no');
  if (f.return_code === '0') {
    if (NOT_FOUND_WORDS.test(messageOf(f))) return { kind: 'not_found', providerCode: codeOf(f) };
    return unknown('provider_says_unknown', `check: ${messageOf(f)}`);
  }
  if (f.status === '1') return paidFrom(f, outTradeNo, undefined);
  if (f.status === '0') {
    if (f.transaction_id)
      return unknown('provider_says_unknown', 'status 0 after a charge: refunded or reversed?');
    return withOrderId({ kind: 'pending', providerCode: 'status=0' }, f);
  }
  return unknown('unparseable', 'check reply has no status');
}

export function mapReverseReply(
  reply: PayjsReply,
  outTradeNo: string,
  key: PayjsOrderKey,
): Gateway.ReverseOutcome {
  if (reply.kind === 'unknown') return reply;
  const f = reply.fields;
  if (otherOrder(f, outTradeNo)) return unknown('mismatch', 'reply names another out_trade_no');
  if (f.return_code === '1') {
    // The documented reply has no action; tolerate one if PAYJS ever adds it.
    return f.action === 'close' || f.action === 'refund'
      ? { kind: 'reversed', action: f.action }
      : { kind: 'reversed' };
  }
  if (key === 'out_trade_no' && ADDRESS_WORDS.test(messageOf(f))) {
    return { kind: 'unaddressable', detail: `PAYJS reverse by out_trade_no: ${messageOf(f)}`.slice(0, 200) };
  }
  return unknown('provider_says_unknown', `reverse: ${messageOf(f)}`.slice(0, 200));
}

export function mapCloseReply(reply: PayjsReply, outTradeNo: string): Gateway.CloseOutcome {
  if (reply.kind === 'unknown') return reply;
  const f = reply.fields;
  if (otherOrder(f, outTradeNo)) return unknown('mismatch', 'reply names another out_trade_no');
  if (f.return_code === '1') return { kind: 'closed' };
  if (PAID_WORDS.test(messageOf(f))) return { kind: 'paid' };
  return unknown('provider_says_unknown', `close: ${messageOf(f)}`.slice(0, 200));
}

/**
 * PAYJS refunds are whole (the adapter refuses partial ones before calling). The documented reply
 * (return_code 1 退款成功, `refund`=1 when it was already refunded) names no amount; an amount the
 * reply does carry must be ours.
 */
export function mapRefundReply(
  reply: PayjsReply,
  outTradeNo: string,
  refundFee: number,
): Gateway.RefundOutcome {
  if (reply.kind === 'unknown') return reply;
  const f = reply.fields;
  if (otherOrder(f, outTradeNo)) return unknown('mismatch', 'reply names another out_trade_no');
  if (f.return_code === '1') {
    const refunded = parseFenText(f.refund_fee);
    if (refunded !== undefined && refunded !== refundFee) {
      return unknown('mismatch', `refund reply says ${refunded} fen, asked ${refundFee}`);
    }
    return f.payjs_order_id ? { kind: 'succeeded', refundId: f.payjs_order_id } : { kind: 'processing' };
  }
  return unknown('provider_says_unknown', `refund: ${messageOf(f)}`.slice(0, 200));
}

export function mapPrecreateReply(reply: PayjsReply, outTradeNo: string): Gateway.PrecreateOutcome {
  if (reply.kind === 'unknown') return reply;
  const f = reply.fields;
  if (otherOrder(f, outTradeNo)) return unknown('mismatch', 'reply names another out_trade_no');
  if (f.return_code === '1') {
    const qrCode = f.code_url ?? f.qrcode;
    if (!qrCode) return unknown('unparseable', 'reply has no code_url');
    return withOrderId({ kind: 'created', qrCode }, f);
  }
  // A QR that was never shown cannot be paid; the engine closes it anyway. PAYJS gives no code that
  // says why (docs/protocols.md §5), so the reason is `other`.
  return { kind: 'failed', providerCode: codeOf(f), message: messageOf(f), decline: 'other' };
}
