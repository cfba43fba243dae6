/**
 * Order numbers (out_trade_no, out_refund_no): letters, digits and `_-|*@`, WeChat Pay's rule and
 * the strictest of the three providers (https://pay.weixin.qq.com/wiki/doc/api/micropay.php?chapter=9_10&index=1:
 * out_trade_no "32个字符内，只能是数字、大小写字母_-|*@"). Lengths differ per use: the merchant's
 * number ≤ 29 (so `_<n>` attempt suffixes fit WeChat's 32), a provider-side number ≤ 32 (WeChat,
 * PAYJS) or 64 (Alipay, refund numbers).
 */
const ORDER_NO_CHARACTERS = /^[0-9A-Za-z_\-|*@]+$/;

/** The longest merchant order number: `_<n>` attempt suffixes still fit WeChat's 32. */
export const MAX_MERCHANT_ORDER_NO = 29;

export function isOrderNo(text: unknown, maxLength: number): text is string {
  return (
    typeof text === 'string' && text.length > 0 && text.length <= maxLength && ORDER_NO_CHARACTERS.test(text)
  );
}
