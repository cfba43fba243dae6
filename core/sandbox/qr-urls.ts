/**
 * QR-mode order URLs as the providers shape them: WeChat (and PAYJS, which hands out WeChat's
 * code_url) `weixin://wxpay/bizpayurl?pr=<token>`, Alipay `https://qr.alipay.com/<token>`. The
 * token is what the ledger keys the order by; the customer's "phone" (POST /_sandbox/wallet/scan)
 * gives either URL back.
 */
export function wxpayCodeUrl(token: string): string {
  return `weixin://wxpay/bizpayurl?pr=${token}`;
}

export function alipayQrCode(token: string): string {
  return `https://qr.alipay.com/${token}`;
}

const WXPAY = /^weixin:\/\/wxpay\/bizpayurl\?pr=([A-Za-z0-9]+)$/;
const ALIPAY = /^https:\/\/qr\.alipay\.com\/([A-Za-z0-9]+)$/;

/** The token inside a code_url / qr_code, or undefined when it is neither. */
export function tokenFromQr(qr: string): string | undefined {
  const text = qr.trim();
  return WXPAY.exec(text)?.[1] ?? ALIPAY.exec(text)?.[1];
}
