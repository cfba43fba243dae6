/**
 * Validation of a new order before anything is written: amount in whole positive fen, subject
 * length, known merchant, order number format. Throws typed errors with stable codes.
 */
import { ConflictError, NotFoundError, ValidationError } from '../common/errors.ts';
import { assertPositiveFen } from '../common/money.ts';
import { isOrderNo, MAX_MERCHANT_ORDER_NO } from '../common/order-number.ts';
import type { OrderRecord } from '../domain/order.ts';
import type { Journal } from '../ports/journal.ts';
import type { MerchantDirectory, MerchantGateways, PaidActionFloorRule } from './engine-deps.ts';

export interface NewOrderInput {
  readonly out_trade_no?: string;
  readonly total_fee: number;
  readonly subject: string;
  readonly type?: string;
  readonly custom?: unknown;
  readonly other?: Readonly<Record<string, string>>;
  readonly pid?: string;
  readonly time_expire?: number;
  readonly cashier?: string;
  readonly shift_id?: string;
  readonly note?: string;
}

const MAX_SUBJECT = 128;

export function validateNewOrder(
  input: NewOrderInput,
  merchants: MerchantDirectory,
  paidActionFloor?: (type: string) => PaidActionFloorRule | null,
): MerchantGateways {
  assertPositiveFen(input.total_fee, 'total_fee');
  if (typeof input.subject !== 'string' || input.subject.trim().length === 0) {
    throw new ValidationError('subject_missing', 'subject must be a non-empty string', { field: 'subject' });
  }
  if ([...input.subject].length > MAX_SUBJECT) {
    throw new ValidationError('subject_too_long', `subject is longer than ${MAX_SUBJECT} characters`, {
      field: 'subject',
    });
  }
  if (input.out_trade_no !== undefined && !isOrderNo(input.out_trade_no, MAX_MERCHANT_ORDER_NO)) {
    throw new ValidationError(
      'out_trade_no_invalid',
      'out_trade_no must be 1–29 characters of letters, digits and _-|*@',
      { field: 'out_trade_no' },
    );
  }
  if (input.type !== undefined && !/^[\w-]{1,32}$/.test(input.type)) {
    throw new ValidationError('type_invalid', 'type must be 1–32 letters, digits, _ or -', { field: 'type' });
  }
  // A caller picks the type and the price: paying 1 fen must not buy the action priced at 15 yuan.
  const type = input.type ?? 'goods';
  const floor = paidActionFloor?.(type);
  if (floor && input.total_fee < floor.fen)
    throw new ValidationError(
      'total_fee_below_floor',
      `total_fee ${input.total_fee} fen is below ${floor.fen} fen, the lowest price of the paid action an order of type "${type}" runs (${floor.source})`,
      { field: 'total_fee', min_total_fee: floor.fen, type },
    );
  const pid = input.pid ?? merchants.defaultPid;
  const merchant = merchants.get(pid);
  if (!merchant)
    throw new NotFoundError('merchant_unknown', `no merchant is configured with pid "${pid}"`, {
      field: 'pid',
    });
  return merchant;
}

export function assertOrderNoFree(journal: Journal, orderNo: string): void {
  if (journal.getOrder(orderNo)) {
    throw new ConflictError('out_trade_no_used', `order ${orderNo} already exists`, {
      out_trade_no: orderNo,
    });
  }
}

/** `<prefix><yyMMddHHmmss><4 random>`: sortable, ≤ 24 characters, unique enough per terminal. */
export function generateOrderNo(prefix: string, now: number): string {
  const d = new Date(now);
  const pad = (n: number) => n.toString().padStart(2, '0');
  const stamp = `${pad(d.getUTCFullYear() % 100)}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}${pad(d.getUTCSeconds())}`;
  const random = Math.floor(Math.random() * 1e6)
    .toString()
    .padStart(6, '0');
  return `${prefix.slice(0, 8)}${stamp}${random}`;
}

/** The journal record of a new order, as validated input describes it. */
export function newOrderRecord(
  input: NewOrderInput,
  orderNo: string,
  pid: string,
  now: number,
  tender: OrderRecord['tender'],
  status: OrderRecord['status'],
): OrderRecord {
  return {
    orderNo,
    pid,
    totalFee: input.total_fee,
    subject: input.subject,
    type: input.type ?? 'goods',
    custom: input.custom,
    other: input.other ?? null,
    status,
    tender,
    provider: null,
    transactionId: null,
    paidOutTradeNo: null,
    paidAt: status === 1 ? now : null,
    refundedFee: 0,
    cashier: input.cashier ?? null,
    shiftId: input.shift_id ?? null,
    note: input.note ?? null,
    timeExpire: input.time_expire ?? null,
    createdAt: now,
    updatedAt: now,
  };
}
