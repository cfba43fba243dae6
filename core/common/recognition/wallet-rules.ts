/**
 * Which wallet issued a payment code, as data: providers add prefixes over time, so a new rule is
 * a new row, not new code. Sources: docs/protocols.md §1.
 */

export type Wallet = 'wxpay' | 'alipay' | 'unionpay' | 'ecny';
/** Wallets this terminal can charge (through WeChat Pay / PAYJS, or Alipay). */
export type SupportedWallet = 'wxpay' | 'alipay';

export interface WalletRule {
  readonly wallet: Wallet;
  readonly pattern: RegExp;
  /** False for wallets we recognise but cannot charge: they get "wallet not supported", not "not a payment code". */
  readonly supported: boolean;
  readonly label: string;
}

export const WALLET_RULES: readonly WalletRule[] = [
  { wallet: 'wxpay', pattern: /^1[0-5]\d{16}$/, supported: true, label: 'WeChat Pay' },
  { wallet: 'alipay', pattern: /^(2[5-9]|30)\d{14,22}$/, supported: true, label: 'Alipay' },
  { wallet: 'unionpay', pattern: /^62\d{17}$/, supported: false, label: 'UnionPay QuickPass' },
  { wallet: 'ecny', pattern: /^01\d{17}$/, supported: false, label: 'e-CNY' },
];

export function isSupportedWallet(wallet: Wallet): wallet is SupportedWallet {
  return wallet === 'wxpay' || wallet === 'alipay';
}
