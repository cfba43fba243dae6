/**
 * Wraps a real adapter to count what came back per call and outcome kind, so the integration run
 * can show the faults really reached the engine (a chaos test whose faults never fired proves
 * nothing). Pure pass-through otherwise.
 */
import type { PaymentGateway } from '../../core/ports/payment-gateway.ts';

export class OutcomeCounter {
  readonly counts = new Map<string, number>();

  add(key: string): void {
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
  }

  get(key: string): number {
    return this.counts.get(key) ?? 0;
  }

  total(suffix: string): number {
    let sum = 0;
    for (const [key, n] of this.counts) if (key.endsWith(suffix)) sum += n;
    return sum;
  }

  wrap(gateway: PaymentGateway): PaymentGateway {
    const count = <T extends { kind: string }>(op: string, result: Promise<T>): Promise<T> =>
      result.then((outcome) => {
        this.add(`${gateway.provider}.${op}.${outcome.kind}`);
        return outcome;
      });
    return {
      provider: gateway.provider,
      wallets: gateway.wallets,
      qrWallet: gateway.qrWallet,
      micropay: (request) => count('micropay', gateway.micropay(request)),
      query: (order) => count('query', gateway.query(order)),
      reverse: (order) => count('reverse', gateway.reverse(order)),
      close: (order) => count('close', gateway.close(order)),
      refund: (request) => count('refund', gateway.refund(request)),
      queryRefund: (request) => count('queryRefund', gateway.queryRefund(request)),
      precreate: (request) => count('precreate', gateway.precreate(request)),
    };
  }
}
