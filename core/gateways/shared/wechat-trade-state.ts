/**
 * WeChat Pay's `trade_state`, the same enum in v2 orderquery and v3 query (docs/protocols.md §2
 * "Orderquery states", §3 "Outcomes"), → the port's outcome: one table for both APIs. How a paid,
 * refunded or failed trade's details are read stays with each API's outcome module.
 */
import type { PaymentOutcome } from '../../ports/payment-gateway.ts';
import { unknown } from './transport-unknown.ts';

export interface TradeStateReaders {
  paid(): PaymentOutcome;
  refunded(): PaymentOutcome;
  /** PAYERROR: the trade failed for another reason (bank refused…). */
  failed(): PaymentOutcome;
}

export function wechatTradeStateOutcome(state: string, read: TradeStateReaders): PaymentOutcome {
  switch (state) {
    case 'SUCCESS':
      return read.paid();
    case 'REFUND':
      return read.refunded();
    case 'NOTPAY':
    case 'USERPAYING':
    case 'ACCEPT':
      return { kind: 'pending', providerCode: state };
    case 'CLOSED':
    case 'REVOKED':
      return { kind: 'closed', providerCode: state };
    case 'PAYERROR':
      return read.failed();
    default:
      return unknown('provider_says_unknown', `unlisted trade_state ${state || '(none)'}`);
  }
}
