/**
 * PAYJS replies → the port's outcomes: one function per call kind, the only place that reads a PAYJS
 * code. PAYJS answers return_code 1/0 plus a free-text return_msg, so "our reading" (docs/protocols.md §5
 * leaves it open) is:
 * - micropay return_code=1: status 1 paid, status 0 pending (the customer is confirming);
 * - return_code=0: failed, unless the message says the outcome is not known (system busy/error,
 *   ORDERPAID, USERPAYING…), which is unknown (the engine checks);
 * - check status 0 means "not paid", but PAYJS has no closed/refunded state: status 0 with a
 *   transaction_id (money was taken and is no longer held) is unknown rather than a guess.
 */
import type {
  CloseOutcome,
  PaymentOutcome,
  PrecreateOutcome,
  RefundOutcome,
  ReverseOutcome,
} from '../../ports/payment-gateway.ts';
import { chinaTimeToIso } from '../shared/beijing-time.ts';
import { paidOutcome } from '../shared/paid-outcome.ts';
import { parseFenField, unknown } from '../shared/transport-unknown.ts';
import type { PayjsFields, PayjsReply } from './payjs-transport.ts';

/** WeChat-style codes PAYJS quotes in return_msg that mean "ask again", not "refused". */
const UNKNOWN_CODES: readonly string[] = [
  'SYSTEMERROR',
  'BANKERROR',
  'ORDERPAID',
  'USERPAYING',
  'TRADE_ERROR',
];
const UNKNOWN_WORDS = /系统(错误|繁忙|异常|超时)|繁忙|未知|超时|稍后|请查询|busy|unknown|timeout|try again/i;
const NOT_FOUND_WORDS = /不存在|ORDERNOTEXIST|not exist|not found/i;
const PAID_WORDS = /ORDERPAID|已支付/i;

function messageOf(f: PayjsFields): string {
  return f.return_msg ?? f.msg ?? 'refused';
}

/** "用户余额不足 (NOTENOUGH)" → "NOTENOUGH"; otherwise the generic code. */
function codeOf(f: PayjsFields): string {
  return /\(([A-Z][A-Z_]+)\)/.exec(messageOf(f))?.[1] ?? 'return_code=0';
}

/** return_code=0: does the message say the outcome is unknown? */
function saysUnknown(f: PayjsFields): boolean {
  return UNKNOWN_CODES.includes(codeOf(f)) || UNKNOWN_WORDS.test(messageOf(f));
}

function otherOrder(f: PayjsFields, outTradeNo: string): boolean {
  return f.out_trade_no !== undefined && f.out_trade_no !== outTradeNo;
}

function paidFrom(f: PayjsFields, outTradeNo: string, expectedFee: number | undefined): PaymentOutcome {
  return paidOutcome(
    {
      outTradeNo: f.out_trade_no,
      // The port's transactionId is what PAYJS needs to find the order again: payjs_order_id.
      transactionId: f.payjs_order_id,
      totalFee: parseFenField(f.total_fee),
      paidAt: chinaTimeToIso(f.time_end ?? f.paid_time),
      buyerId: f.openid,
      fieldNames: 'total_fee/payjs_order_id',
    },
    outTradeNo,
    expectedFee,
  );
}

export function mapMicropayReply(reply: PayjsReply, outTradeNo: string, totalFee: number): PaymentOutcome {
  if (reply.kind === 'unknown') return reply;
  const f = reply.fields;
  if (otherOrder(f, outTradeNo)) return unknown('mismatch', 'reply names another out_trade_no');
  if (f.return_code === '0') {
    if (saysUnknown(f)) return unknown('provider_says_unknown', `${codeOf(f)}: check`);
    return { kind: 'failed', providerCode: codeOf(f), message: messageOf(f) };
  }
  if (f.status === '1') return paidFrom(f, outTradeNo, totalFee);
  if (f.status === '0') return { kind: 'pending', providerCode: 'status=0' };
  return unknown('unparseable', 'micropay reply has no status');
}

export function mapCheckReply(reply: PayjsReply, outTradeNo: string): PaymentOutcome {
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
    return { kind: 'pending', providerCode: 'status=0' };
  }
  return unknown('unparseable', 'check reply has no status');
}

export function mapReverseReply(reply: PayjsReply, outTradeNo: string): ReverseOutcome {
  if (reply.kind === 'unknown') return reply;
  const f = reply.fields;
  if (otherOrder(f, outTradeNo)) return unknown('mismatch', 'reply names another out_trade_no');
  if (f.return_code === '1') {
    return f.action === 'close' || f.action === 'refund'
      ? { kind: 'reversed', action: f.action }
      : { kind: 'reversed' };
  }
  if (NOT_FOUND_WORDS.test(messageOf(f))) return { kind: 'not_found', providerCode: codeOf(f) };
  if (saysUnknown(f)) return unknown('provider_says_unknown', `reverse: ${messageOf(f)}`);
  return { kind: 'failed', providerCode: codeOf(f), message: messageOf(f) };
}

export function mapCloseReply(reply: PayjsReply, outTradeNo: string): CloseOutcome {
  if (reply.kind === 'unknown') return reply;
  const f = reply.fields;
  if (otherOrder(f, outTradeNo)) return unknown('mismatch', 'reply names another out_trade_no');
  if (f.return_code === '1') return { kind: 'closed' };
  if (PAID_WORDS.test(messageOf(f))) return { kind: 'paid' };
  if (NOT_FOUND_WORDS.test(messageOf(f)) || saysUnknown(f)) {
    return unknown('provider_says_unknown', `close: ${messageOf(f)}`);
  }
  return { kind: 'failed', providerCode: codeOf(f), message: messageOf(f) };
}

/** PAYJS refunds are whole (the adapter refuses partial ones before calling). */
export function mapRefundReply(reply: PayjsReply, outTradeNo: string, refundFee: number): RefundOutcome {
  if (reply.kind === 'unknown') return reply;
  const f = reply.fields;
  if (otherOrder(f, outTradeNo)) return unknown('mismatch', 'reply names another out_trade_no');
  if (f.return_code === '1') {
    const refunded = parseFenField(f.refund_fee);
    if (refunded !== undefined && refunded !== refundFee) {
      return unknown('mismatch', `refund reply says ${refunded} fen, asked ${refundFee}`);
    }
    return f.payjs_order_id ? { kind: 'succeeded', refundId: f.payjs_order_id } : { kind: 'processing' };
  }
  if (saysUnknown(f)) return unknown('provider_says_unknown', `refund: ${messageOf(f)}`);
  return { kind: 'failed', providerCode: codeOf(f), message: messageOf(f) };
}

export function mapPrecreateReply(reply: PayjsReply, outTradeNo: string): PrecreateOutcome {
  if (reply.kind === 'unknown') return reply;
  const f = reply.fields;
  if (otherOrder(f, outTradeNo)) return unknown('mismatch', 'reply names another out_trade_no');
  if (f.return_code === '1') {
    const qrCode = f.code_url ?? f.qrcode;
    return qrCode ? { kind: 'created', qrCode } : unknown('unparseable', 'reply has no code_url');
  }
  if (saysUnknown(f)) return unknown('provider_says_unknown', `native: ${messageOf(f)}`);
  return { kind: 'failed', providerCode: codeOf(f), message: messageOf(f) };
}
