/**
 * The 待处理 list's supervisor actions: the provider's answer about a payment waiting for a person
 * (the evidence), and settling it as that answer allows (core/engine/attention-settler.ts). The PIN
 * is checked by the access policy before either runs.
 */
import type { ScanPayApi } from '../../common/contract/api-contract.ts';
import type { AttentionEvidenceView } from '../../common/contract/views.ts';
import type { AttemptState } from '../../domain/attempt-state.ts';
import { refusedRefunds } from '../../engine/refused-refunds.ts';
import { isPaidTwice } from '../../engine/second-payment-refund.ts';
import { attemptView, refundView } from '../../engine/views.ts';
import type { PaymentOutcome } from '../../ports/payment-gateway.ts';
import type { ServiceParts } from './service-parts.ts';

type AttentionOperations = Pick<ScanPayApi, 'checkAttention' | 'settleAttention' | 'listRefusedRefunds'>;

export function evidenceView(
  stuck: AttemptState,
  evidence: PaymentOutcome,
  at: number,
): AttentionEvidenceView {
  const paid = evidence.kind === 'paid' || evidence.kind === 'refunded';
  return {
    out_trade_no: stuck.outTradeNo,
    provider: stuck.provider,
    provider_says: evidence.kind,
    paid_fee: paid ? evidence.totalFee : null,
    transaction_id: paid ? evidence.transactionId : null,
    checked_at: at,
  };
}

export function attentionOperations({ engine, clock }: ServiceParts): AttentionOperations {
  return {
    async listRefusedRefunds() {
      return refusedRefunds(engine.journal).map((r) => ({ order_no: r.orderNo, refund: refundView(r) }));
    },
    async checkAttention(request) {
      const { order, stuck, evidence } = await engine.checkAttention(request.out_trade_no);
      // A second payment's refund asked before (a reload forgot its answer): pending, or the provider's refusal.
      const refund = engine.journal
        .refundsOf(order.orderNo)
        .filter((r) => r.outTradeNo === stuck.outTradeNo)
        .at(-1);
      return {
        ...evidenceView(stuck, evidence, clock.now()),
        paid_twice: isPaidTwice(order, stuck),
        ...(refund ? { refund: refundView(refund) } : {}),
      };
    },
    async settleAttention(request) {
      const { attempt, evidence, refund } = await engine.settleAttention(request.out_trade_no, {
        action: request.action,
        by: request.by.trim(),
        reason: request.reason.trim(),
      });
      return {
        attempt: attemptView(attempt),
        evidence: evidenceView(attempt, evidence, clock.now()),
        ...(refund ? { refund: refundView(refund) } : {}),
      };
    },
  };
}
