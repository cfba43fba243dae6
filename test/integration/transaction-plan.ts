/**
 * The seeded mix for the integration run: which provider, which kind of customer, whether the
 * cashier presses Stop, and which refunds follow a payment. Pure data from a seed, so a failing run
 * prints its seed and the same plan can be replayed (the interleaving of concurrent HTTP calls, and
 * so which request draws which fault, can still differ between runs).
 */
import { mulberry32 } from '../../core/sandbox/prng.ts';

export type PlanProvider = 'wxpay' | 'alipay' | 'payjs';

export type Customer =
  | { readonly kind: 'instant' }
  /** Enters the password after `afterMs` on the sandbox clock. */
  | { readonly kind: 'password_later'; readonly afterMs: number }
  /** Walks away at the password box: polling must give up and reverse. */
  | { readonly kind: 'password_never' }
  | { readonly kind: 'insufficient_funds' }
  | { readonly kind: 'expired' }
  /** The provider takes the money and answers "system error". */
  | { readonly kind: 'system_error' };

export interface PlannedTransaction {
  readonly index: number;
  readonly orderNo: string;
  readonly provider: PlanProvider;
  readonly pid: 'sandbox' | 'sandbox-payjs';
  readonly wallet: 'wxpay' | 'alipay';
  readonly totalFee: number;
  readonly customer: Customer;
  /** The cashier presses Stop right after the first reply. */
  readonly stop: boolean;
  /** Refund amounts (fen) to request in order once the payment is final and paid. */
  readonly refunds: readonly number[];
}

function pick<T>(random: () => number, weighted: readonly (readonly [T, number])[]): T {
  const total = weighted.reduce((sum, [, w]) => sum + w, 0);
  let roll = random() * total;
  for (const [value, weight] of weighted) {
    roll -= weight;
    if (roll < 0) return value;
  }
  return weighted[weighted.length - 1]![0];
}

function customerFor(random: () => number): Customer {
  const kind = pick(random, [
    ['instant', 40],
    ['password_later', 20],
    ['password_never', 8],
    ['insufficient_funds', 10],
    ['expired', 8],
    ['system_error', 14],
  ] as const);
  if (kind === 'password_later') return { kind, afterMs: 1000 + Math.floor(random() * 40_000) };
  return { kind };
}

function refundsFor(random: () => number, provider: PlanProvider, totalFee: number): readonly number[] {
  const roll = random();
  if (roll >= 0.3) return [];
  // PAYJS refunds only whole orders.
  if (provider === 'payjs' || roll < 0.1) return [totalFee];
  const first = 1 + Math.floor(random() * (totalFee - 1));
  return roll < 0.2 ? [first] : [first, totalFee - first];
}

export function planTransactions(seed: number, count: number): PlannedTransaction[] {
  const random = mulberry32(seed);
  const plan: PlannedTransaction[] = [];
  for (let index = 0; index < count; index++) {
    const provider = pick(random, [
      ['wxpay', 40],
      ['alipay', 40],
      ['payjs', 20],
    ] as const);
    const totalFee = 2 + Math.floor(random() * 50_000);
    const customer = customerFor(random);
    const stop = customer.kind.startsWith('password') ? random() < 0.3 : random() < 0.03;
    plan.push({
      index,
      orderNo: `IT${index.toString().padStart(6, '0')}`,
      provider,
      pid: provider === 'payjs' ? 'sandbox-payjs' : 'sandbox',
      wallet: provider === 'alipay' ? 'alipay' : 'wxpay',
      totalFee,
      customer,
      stop,
      refunds: refundsFor(random, provider, totalFee),
    });
  }
  return plan;
}
