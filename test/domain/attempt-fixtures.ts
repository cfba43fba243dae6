/**
 * Builders for the pure attempt machine's table and property tests: a fresh attempt in any phase,
 * and one named outcome per reply class, so each table row reads as "phase × event → result".
 */
import type { AttemptMode, ProviderName } from '../../core/common/contract/views.ts';
import type { AttemptEvent } from '../../core/domain/attempt-events.ts';
import { type AttemptState, submittedAttempt } from '../../core/domain/attempt-state.ts';
import { DEFAULT_POLL_POLICIES, type PollPolicy } from '../../core/domain/poll-policy.ts';

export const T0 = Date.UTC(2026, 10, 23, 2, 0, 0);
export const FEE = 1234;

export const WX: PollPolicy = DEFAULT_POLL_POLICIES.wxpay;
export const ALI: PollPolicy = DEFAULT_POLL_POLICIES.alipay;

/** An attempt as the engine creates it (phase `submitted`), overridable field by field. */
export function attempt(patch: Partial<AttemptState> = {}): AttemptState {
  const provider: ProviderName = patch.provider ?? 'wxpay';
  const mode: AttemptMode = patch.mode ?? 'micropay';
  return {
    ...submittedAttempt(
      {
        outTradeNo: 'SP0001-1',
        orderNo: 'SP0001',
        attemptIndex: 1,
        pid: 'm1',
        provider,
        wallet: provider === 'alipay' ? 'alipay' : 'wxpay',
        mode,
        totalFee: FEE,
        deadlineAt: mode === 'qr' ? T0 + 120_000 : null,
      },
      T0,
    ),
    ...patch,
  };
}

// ── replies, one per class ─────────────────────────────────────────────────────────────────

export const paid = (totalFee = FEE) =>
  ({ kind: 'paid', transactionId: 'TX1', totalFee, paidAt: '2026-11-23T02:00:05.000Z' }) as const;
export const refunded = (totalFee = FEE) =>
  ({ kind: 'refunded', transactionId: 'TX1', totalFee, providerCode: 'REFUND' }) as const;
export const failed = {
  kind: 'failed',
  providerCode: 'NOTENOUGH',
  message: 'insufficient funds',
  decline: 'insufficient_funds',
} as const;
export const pending = { kind: 'pending', providerCode: 'USERPAYING' } as const;
export const closedQ = { kind: 'closed', providerCode: 'CLOSED' } as const;
export const notFound = { kind: 'not_found', providerCode: 'ORDERNOTEXIST' } as const;
export const unknown = { kind: 'unknown', reason: 'timeout', detail: 'no reply' } as const;

export const charge = (outcome: Extract<AttemptEvent, { kind: 'charge_replied' }>['outcome']) =>
  ({ kind: 'charge_replied', outcome }) as const;
export const query = (outcome: Extract<AttemptEvent, { kind: 'query_replied' }>['outcome']) =>
  ({ kind: 'query_replied', outcome }) as const;
export const reverse = (outcome: Extract<AttemptEvent, { kind: 'reverse_replied' }>['outcome']) =>
  ({ kind: 'reverse_replied', outcome }) as const;
export const close = (outcome: Extract<AttemptEvent, { kind: 'close_replied' }>['outcome']) =>
  ({ kind: 'close_replied', outcome }) as const;
export const precreate = (outcome: Extract<AttemptEvent, { kind: 'precreate_replied' }>['outcome']) =>
  ({ kind: 'precreate_replied', outcome }) as const;

export const reversed = { kind: 'reversed' } as const;
export const recall = { kind: 'retry', providerCode: 'SYSTEMERROR' } as const;
export const reverseRefused = { kind: 'failed', providerCode: 'REVERSE_EXPIRE', message: 'too old' } as const;
export const closeOk = { kind: 'closed' } as const;
export const closeAlreadyPaid = { kind: 'paid' } as const;
export const closeTooYoung = {
  kind: 'failed',
  providerCode: 'ORDERCLOSED_TOO_SOON',
  message: 'orders younger than 5 minutes cannot be closed',
} as const;
export const stop = { kind: 'stop_requested' } as const;
export const retry = { kind: 'retry_requested' } as const;
