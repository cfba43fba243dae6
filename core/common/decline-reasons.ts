/**
 * Why a provider declined a payment, in the product's own words. Each adapter maps its provider's
 * codes to one of these (core/gateways/<provider>/*-outcomes.ts), so the UI keys its text and advice
 * on the reason and never sees a WeChat err_code or an Alipay sub_code. Environment-neutral: the
 * renderer imports it.
 */
export const DECLINE_REASONS = [
  /** The customer's balance (or the card behind the code) cannot cover the amount. */
  'insufficient_funds',
  /** The payment code has expired: the customer refreshes it. */
  'code_expired',
  /** The payment code is not valid (mistyped, already used, not a code of this wallet). */
  'code_invalid',
  /** The provider's risk control refused the payment or the buyer's account. */
  'risk_declined',
  /** The payer is not the one the order is bound to. */
  'buyer_mismatch',
  /** The order is closed or reversed at the provider and cannot be paid. */
  'order_closed',
  /** The chosen payment method, card or amount is not accepted for this payment (limits, card type). */
  'not_supported',
  /** The provider refused our request itself (merchant setup, permissions, parameters): staff must act. */
  'request_refused',
  /** A final refusal without a more specific reason. */
  'other',
] as const;

export type DeclineReason = (typeof DECLINE_REASONS)[number];

export function isDeclineReason(value: unknown): value is DeclineReason {
  return typeof value === 'string' && (DECLINE_REASONS as readonly string[]).includes(value);
}
