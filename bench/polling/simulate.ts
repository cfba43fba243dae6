/**
 * Runs the REAL attempt machine (`decide`/`apply`) for one customer on simulated time: no timers,
 * no sleeping, so 20,000 customers per schedule take milliseconds.
 *
 * The simulated provider: the micropay reply says "waiting for the password"; a customer who
 * confirms at T makes every query that reaches the provider at or after T answer paid, earlier ones
 * pending; a reversal succeeds and ends the attempt unpaid (its confirming query reads "reversed").
 * Each provider call takes `roundTripMs` (default 0: the schedule alone is measured), half of it on
 * the way there. With `pushLatencyMs` the provider also notifies (Alipay trade.pay with notify_url):
 * the engine gets `notified_paid` that long after the confirmation, unless a query saw it first.
 */
import { assertNever } from '../../core/common/errors.ts';
import { apply, decide } from '../../core/domain/attempt-machine.ts';
import { type AttemptState, submittedAttempt } from '../../core/domain/attempt-state.ts';
import type { PollPolicy } from '../../core/domain/poll-policy.ts';
import type { PaymentOutcome } from '../../core/ports/payment-gateway.ts';

export interface SimulateOptions {
  readonly roundTripMs?: number;
  /** From the customer's confirmation to the verified notification booked by the engine; absent: no push. */
  readonly pushLatencyMs?: number;
}

export type AttemptResult =
  | { readonly kind: 'paid'; readonly knownPaidAtMs: number; readonly queries: number }
  | { readonly kind: 'reversed'; readonly queries: number }
  | { readonly kind: 'other'; readonly phase: string; readonly queries: number };

/** Far more steps than any bounded policy needs; hitting it means the machine looped. */
const MAX_STEPS = 10_000;
const FEE = 1000;

function freshAttempt(): AttemptState {
  return submittedAttempt(
    {
      outTradeNo: 'BENCH-1',
      orderNo: 'BENCH',
      attemptIndex: 1,
      pid: 'bench',
      provider: 'wxpay',
      wallet: 'wxpay',
      mode: 'micropay',
      totalFee: FEE,
      deadlineAt: null,
    },
    0,
  );
}

const PENDING: PaymentOutcome = { kind: 'pending', providerCode: 'USERPAYING' };
const PAID: Extract<PaymentOutcome, { kind: 'paid' }> = {
  kind: 'paid',
  transactionId: 'BENCH-TX',
  totalFee: FEE,
};
const REVOKED: PaymentOutcome = { kind: 'closed', providerCode: 'REVOKED' };

/** One attempt for a customer who confirms `confirmAtMs` after the micropay call (Infinity = never). */
export function simulateAttempt(
  policy: PollPolicy,
  confirmAtMs: number,
  options: SimulateOptions = {},
): AttemptResult {
  const rtt = options.roundTripMs ?? 0;
  let state = freshAttempt();
  let now = 0;
  let queries = 0;
  for (let step = 0; step < MAX_STEPS; step++) {
    const command = decide(state, policy, now);
    switch (command.kind) {
      case 'done':
        if (state.phase === 'paid') return { kind: 'paid', knownPaidAtMs: now, queries };
        if (state.phase === 'reversed') return { kind: 'reversed', queries };
        return { kind: 'other', phase: state.phase, queries };
      case 'wait': {
        const pushedAt = confirmAtMs + (options.pushLatencyMs ?? Number.POSITIVE_INFINITY);
        if (pushedAt < command.until && state.phase === 'polling') {
          now = Math.max(now, pushedAt);
          state = apply(state, { kind: 'notified_paid', outcome: PAID }, policy, now);
          break;
        }
        now = command.until;
        break;
      }
      case 'charge':
        now += rtt;
        state = apply(state, { kind: 'charge_replied', outcome: PENDING }, policy, now);
        break;
      case 'query': {
        queries++;
        const arrivesAt = now + rtt / 2;
        now += rtt;
        // Once reversing, the order is revoked whatever the customer does.
        const outcome = state.phase === 'reversing' ? REVOKED : arrivesAt >= confirmAtMs ? PAID : PENDING;
        state = apply(state, { kind: 'query_replied', outcome }, policy, now);
        break;
      }
      case 'reverse':
        now += rtt;
        state = apply(state, { kind: 'reverse_replied', outcome: { kind: 'reversed' } }, policy, now);
        break;
      case 'precreate':
      case 'close':
        throw new Error(`a micropay attempt asked for ${command.kind}`);
      default:
        return assertNever(command, 'attempt command');
    }
  }
  throw new Error(`the attempt did not finish within ${MAX_STEPS} steps`);
}

export interface ScheduleFigures {
  readonly customers: number;
  readonly paid: number;
  /** Over paid customers: from the customer's confirmation to our knowing it is paid. */
  readonly meanDelayMs: number;
  readonly p95DelayMs: number;
  /** Every query the provider saw (polling and the one confirming a reversal), over all customers. */
  readonly queriesPerPayment: number;
  /** Customers who would have confirmed (finite T) but were reversed, over all customers. */
  readonly prematureReversals: number;
  readonly prematureShare: number;
  /** Never-confirming customers that were reversed (must equal their count: nobody is left hanging). */
  readonly neverConfirmedReversed: number;
  readonly neverConfirmed: number;
}

/** Nearest-rank percentile of an ascending array. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

export function simulateSchedule(
  policy: PollPolicy,
  customers: readonly number[],
  options: SimulateOptions = {},
): ScheduleFigures {
  const delays: number[] = [];
  let queries = 0;
  let premature = 0;
  let never = 0;
  let neverReversed = 0;
  for (const confirmAtMs of customers) {
    const result = simulateAttempt(policy, confirmAtMs, options);
    queries += result.queries;
    const confirms = Number.isFinite(confirmAtMs);
    if (!confirms) never++;
    if (result.kind === 'paid') delays.push(result.knownPaidAtMs - confirmAtMs);
    else if (result.kind === 'reversed') {
      if (confirms) premature++;
      else neverReversed++;
    } else {
      throw new Error(`an attempt ended ${result.phase}, neither paid nor reversed`);
    }
  }
  delays.sort((a, b) => a - b);
  const n = customers.length;
  return {
    customers: n,
    paid: delays.length,
    meanDelayMs: delays.length ? delays.reduce((sum, d) => sum + d, 0) / delays.length : Number.NaN,
    p95DelayMs: percentile(delays, 95),
    queriesPerPayment: n ? queries / n : Number.NaN,
    prematureReversals: premature,
    prematureShare: n ? premature / n : Number.NaN,
    neverConfirmedReversed: neverReversed,
    neverConfirmed: never,
  };
}
