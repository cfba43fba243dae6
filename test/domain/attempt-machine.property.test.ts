/**
 * Property tests of the pure attempt machine (fast-check): whatever the provider answers and in
 * whatever order, final states stay final, `paid` only comes from a paid/refunded reply of the
 * order's amount, an unknown reply never fails an attempt, and a run driven by `decide` ends within
 * a number of provider calls derived from the policy.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AttemptMode, ProviderName } from '../../core/common/contract/views.ts';
import type { AttemptCommand, AttemptEvent, ProviderCall } from '../../core/domain/attempt-events.ts';
import { apply, decide } from '../../core/domain/attempt-machine.ts';
import { type AttemptState, isFinal } from '../../core/domain/attempt-state.ts';
import { DEFAULT_POLL_POLICIES, type PollPolicy } from '../../core/domain/poll-policy.ts';
import type {
  CloseOutcome,
  PaymentOutcome,
  PrecreateOutcome,
  ReverseOutcome,
} from '../../core/ports/payment-gateway.ts';
import { attempt, FEE, T0 } from './attempt-fixtures.ts';

const feeArb = fc.constantFrom(FEE, FEE + 1, 1);
const providerArb = fc.constantFrom<ProviderName>('wxpay', 'alipay', 'payjs');
const modeArb = fc.constantFrom<AttemptMode>('micropay', 'qr');

const unknownArb = fc.constantFrom(
  { kind: 'unknown', reason: 'timeout', detail: 't' } as const,
  { kind: 'unknown', reason: 'http_status', detail: '502' } as const,
  { kind: 'unknown', reason: 'bad_signature', detail: 's' } as const,
);

const paymentArb: fc.Arbitrary<PaymentOutcome> = fc.oneof(
  feeArb.map((totalFee) => ({ kind: 'paid', transactionId: 'TX', totalFee }) as const),
  fc.constant({
    kind: 'failed',
    providerCode: 'NOTENOUGH',
    message: 'm',
    decline: 'insufficient_funds',
  } as const),
  fc.constant({ kind: 'pending', providerCode: 'USERPAYING' } as const),
  fc.constant({ kind: 'pending', providerCode: 'status=0', providerOrderId: 'PJ1' } as const),
  fc.constant({ kind: 'closed', providerCode: 'CLOSED' } as const),
  feeArb.map((totalFee) => ({ kind: 'refunded', transactionId: 'TX', totalFee, providerCode: 'R' }) as const),
  fc.constant({ kind: 'not_found', providerCode: 'ORDERNOTEXIST' } as const),
  unknownArb,
);
const reverseArb: fc.Arbitrary<ReverseOutcome> = fc.oneof(
  fc.constantFrom({ kind: 'reversed' } as const, { kind: 'reversed', action: 'refund' } as const),
  fc.constant({ kind: 'retry', providerCode: 'SYSTEMERROR' } as const),
  fc.constant({ kind: 'not_found', providerCode: 'TRADE_NOT_EXIST' } as const),
  fc.constant({ kind: 'failed', providerCode: 'REVERSE_EXPIRE', message: 'm' } as const),
  fc.constant({ kind: 'unaddressable', detail: 'no provider order number' } as const),
  unknownArb,
);
const closeArb: fc.Arbitrary<CloseOutcome> = fc.oneof(
  fc.constantFrom({ kind: 'closed' } as const, { kind: 'paid' } as const),
  fc.constant({ kind: 'failed', providerCode: 'ORDERPAID', message: 'm' } as const),
  unknownArb,
);
const precreateArb: fc.Arbitrary<PrecreateOutcome> = fc.oneof(
  fc.constant({ kind: 'created', qrCode: 'weixin://q' } as const),
  fc.constant({
    kind: 'failed',
    providerCode: 'PARAM_ERROR',
    message: 'm',
    decline: 'request_refused',
  } as const),
  unknownArb,
);

const eventArb: fc.Arbitrary<AttemptEvent> = fc.oneof(
  paymentArb.map((outcome) => ({ kind: 'charge_replied', outcome }) as const),
  precreateArb.map((outcome) => ({ kind: 'precreate_replied', outcome }) as const),
  paymentArb.map((outcome) => ({ kind: 'query_replied', outcome }) as const),
  reverseArb.map((outcome) => ({ kind: 'reverse_replied', outcome }) as const),
  closeArb.map((outcome) => ({ kind: 'close_replied', outcome }) as const),
  fc.constant({ kind: 'stop_requested' } as const),
  fc.constant({ kind: 'retry_requested' } as const),
  feeArb.map(
    (totalFee) =>
      ({ kind: 'notified_paid', outcome: { kind: 'paid', transactionId: 'TX', totalFee } }) as const,
  ),
);

/** Sequences of (time step, event) applied from `submitted`. */
const runArb = fc.record({
  provider: providerArb,
  mode: modeArb,
  steps: fc.array(fc.record({ dt: fc.integer({ min: 0, max: 90_000 }), event: eventArb }), { maxLength: 60 }),
});

function outcomeOf(event: AttemptEvent): unknown {
  return 'outcome' in event ? event.outcome : undefined;
}

describe('attempt machine properties (random events)', () => {
  it('final states never change; paid only from a paid/refunded reply of the order amount; unknown never fails', () => {
    fc.assert(
      fc.property(runArb, ({ provider, mode, steps }) => {
        const policy = DEFAULT_POLL_POLICIES[provider];
        let state = attempt({ provider, mode });
        let now = T0;
        for (const { dt, event } of steps) {
          now += dt;
          const nextState = apply(state, event, policy, now);
          if (isFinal(state)) expect(nextState).toBe(state);
          if (nextState.phase === 'paid' && state.phase !== 'paid') {
            const outcome = outcomeOf(event) as PaymentOutcome | undefined;
            expect(['charge_replied', 'query_replied', 'notified_paid']).toContain(event.kind);
            expect(outcome?.kind === 'paid' || outcome?.kind === 'refunded').toBe(true);
            if (outcome?.kind === 'paid' || outcome?.kind === 'refunded') {
              expect(outcome.totalFee).toBe(state.totalFee);
            }
            expect(nextState.paidFee).toBe(state.totalFee);
          }
          const outcome = outcomeOf(event) as { kind: string } | undefined;
          if (outcome?.kind === 'unknown' && !isFinal(state)) expect(nextState.phase).not.toBe('failed');
          state = nextState;
        }
      }),
      { numRuns: 1000 },
    );
  });
});

// ── runs driven by `decide` ──────────────────────────────────────────────────────────────────

/**
 * The most provider calls a decide-driven run can make, from the policy:
 * micropay: 1 charge + one query per scheduled delay; then reversal: each reverse call counts
 *   towards reverseMaxAttempts (retry and a still-open confirm are refused past it), and once that
 *   count is spent only unknown replies continue, at most unknownMaxAttempts of them; each
 *   "reversed" (at most reverseMaxAttempts) is followed by at most confirmMaxQueries queries.
 * qr: 1 pre-create + one query per QR interval until the deadline (+1 at the deadline); then at
 *   most closeMaxAttempts closes, each followed by at most confirmMaxQueries confirming queries (a
 *   close the provider reports done while its query still says open is closed again).
 */
function callBound(policy: PollPolicy, mode: AttemptMode): number {
  if (mode === 'micropay') {
    return (
      1 +
      policy.queryDelaysMs.length +
      policy.reverseMaxAttempts +
      policy.unknownMaxAttempts +
      policy.reverseMaxAttempts * policy.confirmMaxQueries
    );
  }
  return (
    1 +
    Math.ceil(policy.qrTtlMs / policy.qrQueryIntervalMs) +
    1 +
    policy.closeMaxAttempts * (1 + policy.confirmMaxQueries)
  );
}

type ReplyPicker = (call: ProviderCall, state: AttemptState, pick: number) => AttemptEvent;

/** Replies that settle nothing: the provider (or the network) keeps the attempt open as long as it can. */
const NON_DEFINITE: {
  readonly payment: readonly PaymentOutcome[];
  readonly reverse: readonly ReverseOutcome[];
  readonly close: readonly CloseOutcome[];
  readonly precreate: readonly PrecreateOutcome[];
} = {
  payment: [
    { kind: 'pending', providerCode: 'USERPAYING' },
    { kind: 'not_found', providerCode: 'ORDERNOTEXIST' },
    { kind: 'unknown', reason: 'timeout', detail: 't' },
  ],
  reverse: [
    { kind: 'retry', providerCode: 'SYSTEMERROR' },
    { kind: 'unknown', reason: 'network', detail: 'n' },
  ],
  close: [
    { kind: 'failed', providerCode: 'ORDER_TOO_YOUNG', message: 'm' },
    { kind: 'unknown', reason: 'http_status', detail: '503' },
  ],
  precreate: [{ kind: 'unknown', reason: 'timeout', detail: 't' }],
} as const;

function at<T>(items: readonly T[], pick: number): T {
  return items[pick % items.length]!;
}

const nonDefinite: ReplyPicker = (call, _state, pick) => {
  switch (call) {
    case 'charge':
      return { kind: 'charge_replied', outcome: at(NON_DEFINITE.payment, pick) };
    case 'query':
      return { kind: 'query_replied', outcome: at(NON_DEFINITE.payment, pick) };
    case 'reverse':
      return { kind: 'reverse_replied', outcome: at(NON_DEFINITE.reverse, pick) };
    case 'close':
      return { kind: 'close_replied', outcome: at(NON_DEFINITE.close, pick) };
    case 'precreate':
      return { kind: 'precreate_replied', outcome: at(NON_DEFINITE.precreate, pick) };
  }
};

const ANY: typeof NON_DEFINITE = {
  payment: [
    ...NON_DEFINITE.payment,
    { kind: 'paid', transactionId: 'TX', totalFee: FEE },
    { kind: 'paid', transactionId: 'TX', totalFee: FEE + 1 },
    { kind: 'refunded', transactionId: 'TX', totalFee: FEE, providerCode: 'R' },
    { kind: 'failed', providerCode: 'NOTENOUGH', message: 'm', decline: 'insufficient_funds' },
    { kind: 'closed', providerCode: 'CLOSED' },
  ],
  reverse: [
    ...NON_DEFINITE.reverse,
    { kind: 'reversed' },
    { kind: 'not_found', providerCode: 'TRADE_NOT_EXIST' },
    { kind: 'failed', providerCode: 'REVERSE_EXPIRE', message: 'm' },
  ],
  close: [...NON_DEFINITE.close, { kind: 'closed' }, { kind: 'paid' }],
  precreate: [
    ...NON_DEFINITE.precreate,
    { kind: 'created', qrCode: 'weixin://q' },
    { kind: 'failed', providerCode: 'PARAM_ERROR', message: 'm', decline: 'request_refused' },
  ],
};

const anyReply: ReplyPicker = (call, _state, pick) => {
  switch (call) {
    case 'charge':
      return { kind: 'charge_replied', outcome: at(ANY.payment, pick) };
    case 'query': {
      return { kind: 'query_replied', outcome: at(ANY.payment, pick) };
    }
    case 'reverse':
      return { kind: 'reverse_replied', outcome: at(ANY.reverse, pick) };
    case 'close':
      return { kind: 'close_replied', outcome: at(ANY.close, pick) };
    case 'precreate':
      return { kind: 'precreate_replied', outcome: at(ANY.precreate, pick) };
  }
};

interface DrivenRun {
  readonly state: AttemptState;
  readonly calls: number;
  readonly waitsForward: boolean;
}

/** Drives an attempt like the engine does: decide, wait (possibly late), call, apply the reply. */
function drive(
  start: AttemptState,
  policy: PollPolicy,
  picks: readonly number[],
  lateness: readonly number[],
  reply: ReplyPicker,
): DrivenRun {
  let state = start;
  let now = T0;
  let calls = 0;
  let waitsForward = true;
  for (let i = 0; i < 10_000; i++) {
    const command: AttemptCommand = decide(state, policy, now);
    if (command.kind === 'done') break;
    if (command.kind === 'wait') {
      if (command.until <= now) waitsForward = false;
      now = Math.max(now, command.until) + at(lateness, i);
      continue;
    }
    state = apply(state, reply(command.kind, state, at(picks, calls)), policy, now);
    calls++;
  }
  return { state, calls, waitsForward };
}

const drivenArb = fc.record({
  provider: providerArb,
  mode: modeArb,
  picks: fc.array(fc.nat(), { minLength: 1, maxLength: 200 }),
  lateness: fc.array(fc.integer({ min: 0, max: 3000 }), { minLength: 1, maxLength: 20 }),
});

describe('attempt machine properties (driven by decide)', () => {
  it.each([
    ['non-definite replies', nonDefinite],
    ['any replies', anyReply],
  ] as const)(
    'with %s every run ends in a final phase or needs_attention within the policy bound',
    (_, reply) => {
      fc.assert(
        fc.property(drivenArb, ({ provider, mode, picks, lateness }) => {
          const policy = DEFAULT_POLL_POLICIES[provider];
          const run = drive(attempt({ provider, mode }), policy, picks, lateness, reply);
          expect(run.waitsForward).toBe(true);
          expect(isFinal(run.state) || run.state.phase === 'needs_attention').toBe(true);
          expect(run.calls).toBeLessThanOrEqual(callBound(policy, mode));
        }),
        { numRuns: 500 },
      );
    },
  );

  it('a QR order whose close the provider confirms but whose query stays open is re-closed, boundedly', () => {
    // Found by the property above (seed 63568975): close → "closed", query → "pending", again and again.
    for (const provider of ['wxpay', 'alipay', 'payjs'] as const) {
      const policy = DEFAULT_POLL_POLICIES[provider];
      const run = drive(attempt({ provider, mode: 'qr' }), policy, [0], [0], (call) => {
        if (call === 'precreate')
          return { kind: 'precreate_replied', outcome: { kind: 'created', qrCode: 'q' } };
        if (call === 'close') return { kind: 'close_replied', outcome: { kind: 'closed' } };
        return { kind: 'query_replied', outcome: { kind: 'pending', providerCode: 'USERPAYING' } };
      });
      if (policy.confirmReversalByQuery) {
        expect(run.state.phase).toBe('needs_attention');
        expect(run.state.closeCount).toBe(policy.closeMaxAttempts);
      } else {
        // PAYJS's check cannot tell closed from open, so its close reply is taken as final.
        expect(run.state.phase).toBe('closed');
      }
      expect(run.calls).toBeLessThanOrEqual(callBound(policy, 'qr'));
    }
  });

  it('the bound is reached closely by the slowest micropay run (so it is not slack)', () => {
    // Every query pending, every reverse unknown: 1 + queries + unknownMaxAttempts calls.
    for (const policy of Object.values(DEFAULT_POLL_POLICIES)) {
      const run = drive(attempt(), policy, [0], [0], (call) => {
        if (call === 'reverse') return { kind: 'reverse_replied', outcome: at(NON_DEFINITE.reverse, 1) };
        if (call === 'charge') return { kind: 'charge_replied', outcome: at(NON_DEFINITE.payment, 0) };
        return { kind: 'query_replied', outcome: at(NON_DEFINITE.payment, 0) };
      });
      expect(run.state.attention?.code).toBe('provider_unreachable');
      expect(run.calls).toBe(1 + policy.queryDelaysMs.length + policy.unknownMaxAttempts);
    }
  });
});
