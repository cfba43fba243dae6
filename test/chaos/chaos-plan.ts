/**
 * The seeded mix of the chaos run: provider, kind of customer, whether the cashier presses Stop,
 * which refunds follow, and the pause before each step. Pure data from a seed, so a failing run's
 * seed replays the same plan (which request draws which fault and where each SIGKILL lands still
 * depend on timing). Customers are chosen so the whole run fits real time: the service's engine
 * uses the real clock, so nobody waits at the password box for the full poll schedule except a few
 * `walks_away` customers, and WeChat stops (reversal no sooner than 15 s) are kept rare.
 */
import { mulberry32 } from '../../core/sandbox/prng.ts';

export type ChaosProvider = 'wxpay' | 'alipay' | 'payjs';

export type ChaosCustomer =
  | { readonly kind: 'instant' }
  /** The sandbox confirms the password by itself after `afterMs` (sandbox clock = real time here). */
  | { readonly kind: 'password_auto'; readonly afterMs: number }
  /** The harness confirms through /_sandbox/wallet/confirm after `afterMs`. */
  | { readonly kind: 'password_confirmed'; readonly afterMs: number }
  /** Never confirms: polling gives up and reverses. */
  | { readonly kind: 'walks_away' }
  | { readonly kind: 'insufficient_funds' }
  /** The provider takes the money and answers "system error". */
  | { readonly kind: 'system_error' };

export interface ChaosPayment {
  readonly index: number;
  readonly orderNo: string;
  readonly provider: ChaosProvider;
  readonly pid: 'sandbox' | 'sandbox-payjs';
  readonly wallet: 'wxpay' | 'alipay';
  readonly totalFee: number;
  readonly customer: ChaosCustomer;
  /** Cashier presses Stop `stopAfterMs` after createPayment answered (null: no stop). */
  readonly stopAfterMs: number | null;
  /** Refund amounts (fen), requested in order once the order is paid. */
  readonly refunds: readonly number[];
}

export interface PlanOptions {
  /** Share of WeChat payments whose cashier presses Stop (each costs a 15 s reversal wait). */
  readonly wxpayStopRate?: number;
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

function customerFor(random: () => number, provider: ChaosProvider): ChaosCustomer {
  const kind = pick(random, [
    ['instant', 45],
    ['password_auto', 15],
    ['password_confirmed', 15],
    // A WeChat walk-away waits out the schedule and then 15 s: keep them rarer.
    ['walks_away', provider === 'wxpay' ? 2 : 5],
    ['insufficient_funds', 8],
    ['system_error', 10],
  ] as const);
  if (kind === 'password_auto' || kind === 'password_confirmed')
    return { kind, afterMs: 200 + Math.floor(random() * 2500) };
  return { kind };
}

function refundsFor(random: () => number, provider: ChaosProvider, totalFee: number): readonly number[] {
  const roll = random();
  if (roll >= 0.3) return [];
  if (provider === 'payjs' || roll < 0.1) return [totalFee]; // PAYJS refunds whole orders only
  const first = 1 + Math.floor(random() * (totalFee - 1));
  return roll < 0.2 ? [first] : [first, totalFee - first];
}

export function planChaos(seed: number, count: number, options: PlanOptions = {}): ChaosPayment[] {
  const random = mulberry32(seed);
  const wxpayStopRate = options.wxpayStopRate ?? 0.03;
  const plan: ChaosPayment[] = [];
  for (let index = 0; index < count; index++) {
    const provider = pick(random, [
      ['wxpay', 40],
      ['alipay', 40],
      ['payjs', 20],
    ] as const);
    const totalFee = 2 + Math.floor(random() * 50_000);
    const customer = customerFor(random, provider);
    const waits = customer.kind.startsWith('password') || customer.kind === 'walks_away';
    const stopRate = provider === 'wxpay' ? wxpayStopRate : waits ? 0.3 : 0.05;
    const stopAfterMs = random() < stopRate ? Math.floor(random() * 1500) : null;
    plan.push({
      index,
      orderNo: `CH${(seed >>> 0).toString(36).slice(-6)}x${index.toString().padStart(5, '0')}`,
      provider,
      pid: provider === 'payjs' ? 'sandbox-payjs' : 'sandbox',
      wallet: provider === 'alipay' ? 'alipay' : 'wxpay',
      totalFee,
      customer,
      stopAfterMs,
      refunds: refundsFor(random, provider, totalFee),
    });
  }
  return plan;
}
