/**
 * Request bodies of every operation, validated with zod at each trust boundary (local HTTP API,
 * Electron IPC). Field names follow vk-uni-pay (createPayment / queryPayment / refund / queryRefund).
 * Amounts are integer fen; a fractional or negative amount is refused here, before anything is written.
 */
import { z } from 'zod';
import { PROVIDER_NAMES } from '../providers.ts';
import { isAcceptableNewPin, NEW_PIN_RULE, PIN_MAX_LENGTH } from './pin-rules.ts';
import { fitsSubject, SUBJECT_RULE } from './provider-text.ts';

const fen = z.number().int('must be whole fen').positive('must be greater than 0').max(10_000_000_000);
const ATTEMPT_SUFFIX = /_\d+$/;
const orderNo = z
  .string()
  .min(1)
  .max(29, 'at most 29 characters (attempt suffixes must fit WeChat’s 32)')
  .regex(/^[0-9A-Za-z_\-|*@]+$/, 'only letters, digits and _-|*@')
  // The engine numbers an order's later attempts `<order>_2`, `<order>_3`…: an order number of that
  // form would be taken for another order's attempt (journals keep that suffix, so it stays readable).
  .refine((no) => !ATTEMPT_SUFFIX.test(no), 'must not end in _<digits> (reserved for attempt numbers)');
/**
 * Refund numbers go to the provider as out_refund_no / out_request_no: WeChat Pay allows at most 64
 * letters, digits and _-|*@ (docs/security.md, Input); checked here, before the refund is journaled.
 */
const refundNo = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[0-9A-Za-z_\-|*@]+$/, 'only letters, digits and _-|*@');
/**
 * Pass-through keys that would decide where the money goes rather than describe the sale: who
 * receives it (Alipay seller_id, an account or sub-merchant id), a split or hold of it (royalty_info,
 * settle_info, sub_merchant, WeChat profit_sharing), its currency (fee_type, trans_currency,
 * settle_currency), or the fields the adapter itself fills from the checked order. An integrator's
 * `other` may describe the sale (store_id, operator_id, goods_tag, detail…); these stay with config.
 */
const MONEY_ROUTING_KEYS: ReadonlySet<string> = new Set([
  'seller_id',
  'royalty_info',
  'settle_info',
  'sub_merchant',
  'profit_sharing',
  'fee_type',
  'trans_currency',
  'settle_currency',
  'appid',
  'app_id',
  'mch_id',
  'mchid',
  'sub_appid',
  'sub_mch_id',
  'sub_mchid',
  'sp_appid',
  'sp_mchid',
  'app_auth_token',
  'auth_app_id',
  'total_fee',
  'total_amount',
  'out_trade_no',
  'auth_code',
]);
/** `other` is passed through to the provider, but never the address its signed notifications go to. */
const passThrough = z.record(z.string().max(64), z.string().max(256)).superRefine((other, ctx) => {
  for (const key of Object.keys(other)) {
    if (/^notify_?url$/i.test(key))
      ctx.addIssue({
        code: 'custom',
        path: [key],
        message: 'notify_url cannot be set per order: notifications go to the configured public_url',
      });
    else if (MONEY_ROUTING_KEYS.has(key.toLowerCase()))
      ctx.addIssue({
        code: 'custom',
        path: [key],
        message: `${key} cannot be passed through: it decides where the money goes, which only the merchant's configuration may`,
      });
  }
});
/** Supervisor PIN as typed (the default 0000, a numeric PIN, or a passphrase). */
/**
 * The key of `custom` the QR display pairs its two orders with (core/service/qr-pairs.ts). Reserved:
 * two API orders naming each other would have the second one paid refunded automatically, a refund
 * by a caller that need not hold the refund permission, and its paid action never run.
 */
export const QR_PAIR_KEY = 'qr_pair';
const customData = z
  .unknown()
  .refine(
    (custom) => !(custom && typeof custom === 'object' && Object.hasOwn(custom, QR_PAIR_KEY)),
    `custom.${QR_PAIR_KEY} is reserved for the QR display's own orders`,
  );
const pinText = z.string().min(1).max(PIN_MAX_LENGTH);
const pid = z.string().min(1).max(64);

export const CreatePaymentRequest = z.strictObject({
  provider: z.enum(PROVIDER_NAMES).optional(),
  needQRcode: z.boolean().optional(),
  data: z.strictObject({
    out_trade_no: orderNo.optional(),
    total_fee: fen,
    subject: z.string().min(1).refine(fitsSubject, SUBJECT_RULE),
    type: z.string().min(1).max(32).default('goods'),
    custom: customData.optional(),
    other: passThrough.optional(),
    pid: pid.optional(),
    time_expire: z.number().int().positive().optional(),
    auth_code: z.string().min(1).max(64).optional(),
    note: z.string().max(200).optional(),
  }),
});
export type CreatePaymentRequest = z.input<typeof CreatePaymentRequest>;

export const QueryPaymentRequest = z.strictObject({
  out_trade_no: z.string().min(1).max(64),
  await_notify: z.boolean().default(false),
  await_max_time: z.number().int().min(5).max(40).default(20),
  pay_order_info: z.boolean().default(false),
});
export type QueryPaymentRequest = z.input<typeof QueryPaymentRequest>;

export const RefundRequest = z.strictObject({
  out_trade_no: z.string().min(1).max(64),
  out_refund_no: refundNo.optional(),
  refund_fee: fen.optional(),
  refund_desc: z.string().max(80).optional(),
  /** Supervisor PIN: the cashier UI needs it for every refund (an integrator needs a key with `refund`). */
  pin: pinText.optional(),
});
export type RefundRequest = z.input<typeof RefundRequest>;

/** A refund of a sale made at another till of the store, asked through the store hub (issue 19). */
export const StoreRefundRequest = z.strictObject({
  terminal_id: z.string().regex(/^[A-Za-z0-9]{1,8}$/, 'the terminal id of the till that sold it'),
  order_no: z.string().min(1).max(64),
  refund_fee: fen,
  refund_desc: z.string().max(80).optional(),
  /** Retrying with the same id never asks twice (the hub answers the first request). */
  request_id: z
    .string()
    .regex(/^[A-Za-z0-9_.:-]{8,64}$/)
    .optional(),
  /** Supervisor PIN, as for a refund of this till's own sale. */
  pin: pinText.optional(),
});
export type StoreRefundRequest = z.input<typeof StoreRefundRequest>;

/** A sale of any till of the store, by its exact order number, looked up at the store hub. */
export const FindStoreOrderRequest = z.strictObject({ order_no: z.string().trim().min(1).max(64) });
export type FindStoreOrderRequest = z.input<typeof FindStoreOrderRequest>;

export const QueryRefundRequest = z.strictObject({
  out_trade_no: z.string().min(1).max(64),
  out_refund_no: z.string().min(1).max(64).optional(),
});
export type QueryRefundRequest = z.input<typeof QueryRefundRequest>;

export const CloseOrderRequest = z.strictObject({ out_trade_no: z.string().min(1).max(64) });
export type CloseOrderRequest = z.input<typeof CloseOrderRequest>;

export const ListOrdersRequest = z.strictObject({
  from: z.number().int().optional(),
  to: z.number().int().optional(),
  status: z.union([z.literal(-1), z.literal(0), z.literal(1), z.literal(2), z.literal(3)]).optional(),
  tender: z.enum(['wxpay', 'alipay', 'cash']).optional(),
  cashier: z.string().max(64).optional(),
  search: z.string().max(64).optional(),
  page: z.number().int().min(1).default(1),
  page_size: z.number().int().min(1).max(200).default(50),
});
export type ListOrdersRequest = z.input<typeof ListOrdersRequest>;

/**
 * The same filters as listOrders, without paging: every matching order goes into the file. With a
 * language, headers and values are words in it (the till's export); without, machine names.
 */
export const ExportOrdersRequest = ListOrdersRequest.omit({ page: true, page_size: true }).extend({
  language: z.enum(['zh-CN', 'en']).optional(),
});
export type ExportOrdersRequest = z.input<typeof ExportOrdersRequest>;

export const OrderRefRequest = z.strictObject({ out_trade_no: z.string().min(1).max(64) });
export type OrderRefRequest = z.input<typeof OrderRefRequest>;

/**
 * A supervisor settles a payment on the 待处理 list (core/engine/attention-settler.ts): the provider's
 * query decides which choice is allowed. Who and why are journaled with the decision.
 */
export const SettleAttentionRequest = z.strictObject({
  out_trade_no: z.string().min(1).max(64),
  // refund_payment: only a second payment of an order another attempt paid (core/engine/second-payment-refund.ts).
  // close_refund: a refused mark_refund refund settled another way (core/engine/refused-refunds.ts).
  action: z.enum(['book_paid', 'close_unpaid', 'mark_refund', 'refund_payment', 'close_refund']),
  by: z.string().trim().min(1).max(64),
  reason: z.string().trim().min(1).max(200),
  pin: pinText,
});
export type SettleAttentionRequest = z.input<typeof SettleAttentionRequest>;

/**
 * A supervisor decides on a held paid action (core/engine/held-paid-actions.ts): run it again (the
 * customer did not get the service) or mark it done (they did). Who and why are journaled.
 */
export const ResolveHeldPaidActionRequest = z.strictObject({
  out_trade_no: z.string().min(1).max(64),
  action: z.enum(['run_again', 'mark_done']),
  by: z.string().trim().min(1).max(64),
  reason: z.string().trim().min(1).max(200),
  pin: pinText,
});
export type ResolveHeldPaidActionRequest = z.input<typeof ResolveHeldPaidActionRequest>;

/** Cashier till: start a sale that the next scanned payment code pays. */
export const BeginSaleRequest = z.strictObject({
  total_fee: fen,
  note: z.string().max(200).optional(),
  pid: pid.optional(),
});
export type BeginSaleRequest = z.input<typeof BeginSaleRequest>;

/**
 * A scan captured by a browser (headless mode's wedge detector) or typed by the cashier, or a scanner's
 * held scan (`held_id`) a window claims. `total_fee` (with note and pid) is the amount the screen shows
 * at the scan: the scan then begins the sale with it and charges it (the scan is the charge).
 */
export const SubmitScanRequest = z
  .strictObject({
    code: z.string().min(1).max(256).optional(),
    held_id: z.string().min(1).max(64).optional(),
    source: z.string().min(1).max(64).default('ui'),
    total_fee: fen.optional(),
    note: z.string().max(200).optional(),
    pid: pid.optional(),
  })
  .refine((r) => (r.code === undefined) !== (r.held_id === undefined), 'send either code or held_id')
  .refine((r) => r.held_id === undefined || r.total_fee !== undefined, 'a held scan needs total_fee');
export type SubmitScanRequest = z.input<typeof SubmitScanRequest>;

export const OpenShiftRequest = z.strictObject({
  cashier: z.string().min(1).max(64),
  float_fee: z.number().int().min(0).max(10_000_000_000),
});
export type OpenShiftRequest = z.input<typeof OpenShiftRequest>;

export const CashSaleRequest = z.strictObject({
  total_fee: fen,
  tendered_fee: z.number().int().min(0).optional(),
  note: z.string().max(200).optional(),
});
export type CashSaleRequest = z.input<typeof CashSaleRequest>;

/** The blind count at 交班: the cashier counts the drawer's cash only (e-wallet totals come from the journal). */
export const CloseShiftRequest = z.strictObject({
  counted: z.strictObject({ cash: z.number().int().min(0) }),
});
export type CloseShiftRequest = z.input<typeof CloseShiftRequest>;

export const VerifyPinRequest = z.strictObject({ pin: pinText });
export type VerifyPinRequest = z.input<typeof VerifyPinRequest>;

export const UpdateSettingsRequest = z.strictObject({
  pin: pinText.optional(),
  language: z.enum(['zh-CN', 'en']).optional(),
  kiosk: z.boolean().optional(),
  new_pin: z.string().max(64).refine(isAcceptableNewPin, NEW_PIN_RULE).optional(),
});
export type UpdateSettingsRequest = z.input<typeof UpdateSettingsRequest>;

export const QrStartRequest = z.strictObject({
  product: z
    .strictObject({ name: z.string().min(1).max(64).refine(fitsSubject, SUBJECT_RULE), total_fee: fen })
    .optional(),
  provider: z.enum(PROVIDER_NAMES).optional(),
});
export type QrStartRequest = z.input<typeof QrStartRequest>;

export const EmptyRequest = z.strictObject({});
export type EmptyRequest = z.input<typeof EmptyRequest>;
