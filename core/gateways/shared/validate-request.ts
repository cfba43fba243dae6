/**
 * Checks the engine's requests before anything is sent, so a programming error (a float amount, an
 * empty out_trade_no, a refund larger than the order) is a ValidationError naming the field, thrown
 * before any network call, instead of a provider PARAM_ERROR that would read as a failed payment.
 */
import { type ErrorCode, ValidationError } from '../../common/errors.ts';
import { assertPositiveFen } from '../../common/money.ts';
import { isOrderNo } from '../../common/order-number.ts';
import type {
  MicropayRequest,
  OrderRef,
  PrecreateRequest,
  RefundQueryRequest,
  RefundRequest,
} from '../../ports/payment-gateway.ts';

/** WeChat's length (the strictest of the three providers): 1–32; refund numbers 1–64. */
const ORDER_NO_MAX = 32;
const REFUND_NO_MAX = 64;
const AUTH_CODE = /^(\d{10,32}|fp[A-Za-z0-9]{33})$/;

function check(ok: boolean, code: ErrorCode, field: string, message: string): void {
  if (!ok) throw new ValidationError(code, `${field} ${message}`, { field });
}

export function validateOrderRef(order: OrderRef): void {
  check(
    isOrderNo(order.outTradeNo, ORDER_NO_MAX),
    'out_trade_no_invalid',
    'out_trade_no',
    'must be 1-32 of A-Z a-z 0-9 _-|*@',
  );
}

export function validateMicropay(request: MicropayRequest): void {
  validateOrderRef(request);
  assertPositiveFen(request.totalFee, 'total_fee');
  check(AUTH_CODE.test(request.authCode), 'auth_code_invalid', 'auth_code', 'is not a payment code');
  check(request.subject.trim().length > 0, 'subject_missing', 'subject', 'must not be empty');
}

export function validatePrecreate(request: PrecreateRequest): void {
  validateOrderRef(request);
  assertPositiveFen(request.totalFee, 'total_fee');
  check(request.subject.trim().length > 0, 'subject_missing', 'subject', 'must not be empty');
}

export function validateRefund(request: RefundRequest): void {
  validateRefundQuery(request);
  assertPositiveFen(request.totalFee, 'total_fee');
  assertPositiveFen(request.refundFee, 'refund_fee');
  check(request.refundFee <= request.totalFee, 'refund_exceeds_total', 'refund_fee', 'exceeds total_fee');
}

export function validateRefundQuery(request: RefundQueryRequest): void {
  validateOrderRef(request);
  check(
    isOrderNo(request.outRefundNo, REFUND_NO_MAX),
    'out_refund_no_invalid',
    'out_refund_no',
    'must be 1-64 of A-Z a-z 0-9 _-|*@',
  );
}
