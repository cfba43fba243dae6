/**
 * The customers' side of the sandbox: which wallet a payment code belongs to and how the "customer"
 * behind it will behave when a till charges it. Codes look exactly like real ones (docs/protocols.md §1):
 * WeChat 18 digits with prefix 10–15, Alipay 18 digits with prefix 28, so the product's recogniser
 * accepts them unchanged.
 */
import { randomInt } from 'node:crypto';

export type Wallet = 'wxpay' | 'alipay';
export const WALLETS: readonly Wallet[] = ['wxpay', 'alipay'];

export type WalletBehaviour = 'instant' | 'password' | 'insufficient_funds' | 'expired' | 'system_error';
export const WALLET_BEHAVIOURS: readonly WalletBehaviour[] = [
  'instant',
  'password',
  'insufficient_funds',
  'expired',
  'system_error',
];

export function isWallet(value: unknown): value is Wallet {
  return typeof value === 'string' && (WALLETS as readonly string[]).includes(value);
}

export function isWalletBehaviour(value: unknown): value is WalletBehaviour {
  return typeof value === 'string' && (WALLET_BEHAVIOURS as readonly string[]).includes(value);
}

function digits(count: number): string {
  let out = '';
  for (let i = 0; i < count; i++) out += String(randomInt(10));
  return out;
}

/** A fresh code in the wallet's real format. Uniqueness is the caller's job (the ledger re-draws on a clash). */
export function generateAuthCode(wallet: Wallet): string {
  return wallet === 'wxpay' ? `1${randomInt(6)}${digits(16)}` : `28${digits(16)}`;
}
