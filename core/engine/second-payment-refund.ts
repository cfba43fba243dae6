/**
 * Refund of a second payment: one order paid by two attempts (a paid notification for an attempt
 * that had ended closed or failed, after another attempt paid the order: `paid_after_final` on a
 * paid order). The supervisor's `refund_payment` refunds that attempt's own trade in full, through
 * the refund port, never through the order: the order stays paid by the attempt that paid it, its
 * refunds and totals untouched (RefundService.refundOtherTrade).
 * - The decision (who, why) is a timeline step, and the refund row with its own out_refund_no is
 *   journaled, both before the provider call.
 * - An unknown reply keeps the refund owed: RefundService repeats the same out_refund_no (bounded,
 *   REFUND_TIMING in core/domain/timing.ts), also after a restart; asking again while it is owed
 *   resumes that same refund.
 * - When the provider confirms it, the attempt leaves 待处理 as `reversed` with reverseAction
 *   `refund` (the money went back to the customer after it was taken); a refusal the provider calls
 *   final leaves it on 待处理 with the provider's reason, for the supervisor to ask again.
 */
import { ConflictError } from '../common/errors.ts';
import { isPaidStatus } from '../common/order-status.ts';
import type { AttemptState } from '../domain/attempt-state.ts';
import type { OrderRecord, RefundRecord } from '../domain/order.ts';
import type { Clock } from '../ports/clock.ts';
import type { Journal } from '../ports/journal.ts';
import type { PaymentOutcome } from '../ports/payment-gateway.ts';
import type { RefundService } from './refund-service.ts';

/** Attention reason: the provider holds money for an attempt that had ended closed or failed. */
export const PAID_AFTER_FINAL = 'paid_after_final';

/** The attempt waits as paid_after_final on an order another attempt paid: the customer paid twice. */
export function isPaidTwice(order: OrderRecord, attempt: AttemptState): boolean {
  return (
    attempt.attention?.code === PAID_AFTER_FINAL &&
    isPaidStatus(order.status) &&
    order.paidOutTradeNo !== null &&
    order.paidOutTradeNo !== attempt.outTradeNo
  );
}

export interface SecondPaymentDeps {
  readonly journal: Journal;
  readonly clock: Clock;
  readonly refunds: RefundService;
  readonly attemptChanged: (state: AttemptState) => void;
  readonly orderChanged: (orderNo: string) => void;
}

export class SecondPaymentRefunds {
  private readonly deps: SecondPaymentDeps;

  constructor(deps: SecondPaymentDeps) {
    this.deps = deps;
    deps.refunds.onOtherTradeSettled((refund) => this.answered(refund));
  }

  /**
   * Refunds the second payment `waiting` (checked paid_twice by the caller, `evidence` the provider's
   * confirming query). Resolves with the refund as the quick rounds left it (pending = still owed).
   */
  async refund(
    waiting: AttemptState,
    evidence: Extract<PaymentOutcome, { kind: 'paid' | 'refunded' }>,
    summary: string,
  ): Promise<RefundRecord> {
    const { journal, clock } = this.deps;
    // The provider's transaction id goes with the refund (PAYJS refunds by it).
    const asked: AttemptState = {
      ...waiting,
      transactionId: waiting.transactionId ?? evidence.transactionId,
      updatedAt: clock.now(),
    };
    journal.recordOutcome(asked, 'settle_refund_payment', summary);
    this.deps.attemptChanged(asked);
    const refund = await this.deps.refunds.refundOtherTrade({
      orderNo: waiting.orderNo,
      outTradeNo: waiting.outTradeNo,
      refundFee: waiting.totalFee,
      reason: null, // the supervisor's words stay in the journal; the customer sees no description
    });
    // Answered before this call (a repeat of a refund that already succeeded): finish the attempt now.
    if (refund.status === 'succeeded') this.answered(refund);
    return refund;
  }

  /**
   * Start-up: a refund answered succeeded whose attempt still waits on 待处理 (the process stopped
   * between the two writes) ends that attempt now. Returns how many.
   */
  finishAnswered(): number {
    const { journal } = this.deps;
    let count = 0;
    for (const waiting of journal.unresolvedAttempts()) {
      if (waiting.phase !== 'needs_attention' || waiting.attention?.code !== PAID_AFTER_FINAL) continue;
      const done = journal
        .refundsOf(waiting.orderNo)
        .find((r) => r.outTradeNo === waiting.outTradeNo && r.status === 'succeeded');
      if (!done) continue;
      this.answered(done);
      count++;
    }
    return count;
  }

  /** A second payment's refund is answered: the attempt ends refunded, or shows the provider's refusal. */
  private answered(refund: RefundRecord): void {
    const { journal, clock } = this.deps;
    const current = journal.getAttempt(refund.outTradeNo);
    if (current?.phase !== 'needs_attention' || current.attention?.code !== PAID_AFTER_FINAL) return;
    const now = clock.now();
    if (refund.status === 'succeeded') {
      const ended: AttemptState = {
        ...current,
        phase: 'reversed',
        reverseAction: 'refund',
        attention: null,
        nextActionAt: 0,
        updatedAt: now,
      };
      journal.recordOutcome(
        ended,
        'second_payment_refunded',
        `refunded ${refund.refundFee} fen of this second payment (${refund.outRefundNo})`,
      );
      this.deps.attemptChanged(ended);
    } else if (refund.status === 'failed') {
      const why = refund.failure ? `${refund.failure.code}: ${refund.failure.message}` : 'refused';
      const refused: AttemptState = {
        ...current,
        attention: {
          code: PAID_AFTER_FINAL,
          message: `the provider refused the refund of this second payment (${refund.outRefundNo}): ${why}`,
        },
        updatedAt: now,
      };
      journal.recordOutcome(refused, 'second_payment_refund_failed', `${refund.outRefundNo}: ${why}`);
      this.deps.attemptChanged(refused);
    }
    this.deps.orderChanged(refund.orderNo);
  }
}

/** Refuses refund_payment for an attempt that is not a second payment of a paid order. */
export function notPaidTwice(order: OrderRecord, attempt: AttemptState): ConflictError {
  return new ConflictError(
    'not_paid_twice',
    `${attempt.outTradeNo} is not a second payment of order ${order.orderNo} (paid by another attempt): refund_payment does not apply`,
  );
}
