/** A gateway whose calls never answer: recovery can be timed without any attempt finishing meanwhile. */
import type { PaymentGateway } from '../../core/ports/payment-gateway.ts';

export interface HangingGateway extends PaymentGateway {
  /** Provider calls started so far. */
  readonly started: () => number;
}

export function hangingGateway(): HangingGateway {
  let started = 0;
  const never = <T>(): Promise<T> => {
    started++;
    return new Promise<T>(() => {});
  };
  return {
    provider: 'wxpay',
    wallets: ['wxpay'],
    qrWallet: 'wxpay',
    micropay: never,
    query: never,
    reverse: never,
    close: never,
    refund: never,
    queryRefund: never,
    precreate: never,
    started: () => started,
  };
}
