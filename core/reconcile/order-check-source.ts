/**
 * A BillSource for a provider that publishes no bill (PAYJS, docs/protocols.md §5): the day's
 * attempts the journal knows are checked one by one through the PaymentGateway port's query, at
 * most one call per `minIntervalMs` (PAYJS blacklists callers that check too often), and each paid
 * answer becomes a payment row. An unknown answer is asked once more after the pause; still
 * unknown, the day is unreadable (tried again later), never taken as "not paid" — except PAYJS's
 * answer for a charge the journal holds as reversed (see rows()). Money taken
 * for an order the terminal never started cannot be found this way; the report says so.
 */
import type { BillRow, BillSource } from '../ports/bill-source.ts';
import type { Clock } from '../ports/clock.ts';
import type { PaymentGateway, PaymentOutcome } from '../ports/payment-gateway.ts';
import { BillUnreadableError } from './reconcile-errors.ts';
import type { DayAttempt } from './reconcile-store.ts';

export interface OrderCheckOptions {
  readonly clock: Clock;
  readonly minIntervalMs: number;
  readonly attemptsOfDay: (date: string) => readonly DayAttempt[];
}

export function createOrderCheckSource(gateway: PaymentGateway, options: OrderCheckOptions): BillSource {
  const { clock, minIntervalMs } = options;
  let lastCall = Number.NEGATIVE_INFINITY;

  async function paced(attempt: DayAttempt, signal: AbortSignal | undefined): Promise<PaymentOutcome> {
    // The slot is taken before sleeping: overlapping runs (not queued) share this source, and each
    // must wait for the one before it, or two checks would go out together.
    const slot = Math.max(clock.now(), lastCall + minIntervalMs);
    lastCall = slot;
    const wait = slot - clock.now();
    if (wait > 0) await clock.sleep(wait, signal);
    if (signal?.aborted)
      throw new BillUnreadableError(`${gateway.provider} checks stopped: the service is stopping`);
    lastCall = Math.max(lastCall, clock.now()); // a late wake pushes the next slot back
    return gateway.query({
      outTradeNo: attempt.outTradeNo,
      ...(attempt.transactionId ? { transactionId: attempt.transactionId } : {}),
      ...(attempt.providerOrderId ? { providerOrderId: attempt.providerOrderId } : {}),
    });
  }

  async function* rows(date: string, signal: AbortSignal | undefined): AsyncGenerator<BillRow> {
    for (const attempt of options.attemptsOfDay(date)) {
      let outcome = await paced(attempt, signal);
      if (outcome.kind === 'unknown') outcome = await paced(attempt, signal);
      // PAYJS's check has no refunded/closed state: a charge the terminal reversed answers "not paid
      // after a charge", which the adapter reads as unknown. For an attempt the journal holds as
      // reversed that answer agrees with the journal (no money held), so it is no row; a transport
      // failure, or a reversed attempt still paid there, is not this case.
      if (
        outcome.kind === 'unknown' &&
        attempt.phase === 'reversed' &&
        outcome.reason === 'provider_says_unknown'
      )
        continue;
      if (outcome.kind === 'unknown')
        throw new BillUnreadableError(
          `${gateway.provider} check of ${attempt.outTradeNo}: ${outcome.detail}`,
        );
      if (outcome.kind === 'paid' || outcome.kind === 'refunded') {
        yield {
          kind: 'payment',
          outTradeNo: attempt.outTradeNo,
          transactionId: outcome.transactionId,
          amountFen: outcome.totalFee,
          status: 'success',
          statusText: outcome.kind,
          at: outcome.kind === 'paid' ? (outcome.paidAt ?? '') : '',
        };
      }
    }
  }

  return {
    provider: gateway.provider,
    async fetchBill(date, signal) {
      return { kind: 'bill', rows: rows(date, signal), summary: () => undefined };
    },
  };
}
