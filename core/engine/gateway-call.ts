/**
 * Runs one provider call for a command and turns whatever happens into an AttemptEvent. A thrown
 * error from an adapter (a bug, a socket error it did not map) becomes `unknown`, never `failed`.
 */
import type { AttemptCommand, AttemptEvent } from '../domain/attempt-events.ts';
import type { AttemptState } from '../domain/attempt-state.ts';
import type { MicropayRequest, PaymentGateway, UnknownReason } from '../ports/payment-gateway.ts';

export interface ChargeInput {
  readonly authCode?: string;
  readonly subject: string;
  readonly other?: Readonly<Record<string, string>>;
  readonly timeExpire?: number;
  readonly storeId?: string;
  readonly terminalId?: string;
  readonly operatorId?: string;
}

function unknown(error: unknown): { kind: 'unknown'; reason: UnknownReason; detail: string } {
  return {
    kind: 'unknown',
    reason: 'network',
    detail: error instanceof Error ? error.message : String(error),
  };
}

export async function callGateway(
  gateway: PaymentGateway,
  command: Exclude<AttemptCommand, { kind: 'wait' } | { kind: 'done' }>,
  state: AttemptState,
  input: ChargeInput | undefined,
): Promise<AttemptEvent> {
  const ref = {
    outTradeNo: state.outTradeNo,
    ...(state.transactionId ? { transactionId: state.transactionId } : {}),
    ...(state.providerOrderId ? { providerOrderId: state.providerOrderId } : {}),
  };
  switch (command.kind) {
    case 'charge': {
      if (!input?.authCode) {
        // Only reachable after a crash between journaling the charge and sending it: the code is gone, so find out by query.
        return {
          kind: 'charge_replied',
          outcome: { kind: 'unknown', reason: 'network', detail: 'charge interrupted' },
        };
      }
      // The charge input holds only the fields it has (the launcher builds it so), and the code.
      const request: MicropayRequest = {
        ...input,
        authCode: input.authCode,
        outTradeNo: state.outTradeNo,
        totalFee: state.totalFee,
      };
      const outcome = await gateway.micropay(request).catch(unknown);
      return { kind: 'charge_replied', outcome };
    }
    case 'precreate': {
      if (!input) {
        // After a crash the QR was never shown: close the order rather than create a new QR.
        return {
          kind: 'precreate_replied',
          outcome: { kind: 'unknown', reason: 'network', detail: 'pre-create interrupted' },
        };
      }
      const outcome = await gateway
        .precreate({
          outTradeNo: state.outTradeNo,
          totalFee: state.totalFee,
          subject: input.subject,
          productId: state.orderNo,
          ...(state.deadlineAt ? { timeExpire: state.deadlineAt } : {}),
          ...(input.other ? { other: input.other } : {}),
        })
        .catch(unknown);
      return { kind: 'precreate_replied', outcome };
    }
    case 'query':
      return { kind: 'query_replied', outcome: await gateway.query(ref).catch(unknown) };
    case 'reverse':
      return { kind: 'reverse_replied', outcome: await gateway.reverse(ref).catch(unknown) };
    case 'close':
      return { kind: 'close_replied', outcome: await gateway.close(ref).catch(unknown) };
  }
}

/** One line for the journal's timeline: what the provider said, never a secret or a whole payment code. */
export function summarise(event: AttemptEvent): string {
  switch (event.kind) {
    case 'charge_replied':
    case 'query_replied': {
      const o = event.outcome;
      if (o.kind === 'paid') return `paid ${o.totalFee} fen, transaction ${o.transactionId}`;
      if (o.kind === 'refunded') return `refunded (was paid, transaction ${o.transactionId})`;
      if (o.kind === 'failed') return `failed: ${o.providerCode} ${o.message}`;
      if (o.kind === 'unknown') return `unknown (${o.reason}): ${o.detail}`.slice(0, 200);
      return `${o.kind}: ${o.providerCode}`;
    }
    case 'precreate_replied':
      return event.outcome.kind === 'created'
        ? 'QR created'
        : event.outcome.kind === 'failed'
          ? `failed: ${event.outcome.providerCode}`
          : `unknown (${event.outcome.reason})`;
    case 'reverse_replied': {
      const o = event.outcome;
      if (o.kind === 'reversed') return `reversed${o.action ? ` (${o.action})` : ''}`;
      if (o.kind === 'unknown') return `unknown (${o.reason}): ${o.detail}`.slice(0, 200);
      if (o.kind === 'failed') return `refused: ${o.providerCode} ${o.message}`;
      if (o.kind === 'unaddressable') return `order not addressable: ${o.detail}`.slice(0, 200);
      return `${o.kind}: ${o.providerCode}`;
    }
    case 'close_replied': {
      const o = event.outcome;
      if (o.kind === 'unknown') return `unknown (${o.reason})`;
      if (o.kind === 'failed') return `refused: ${o.providerCode} ${o.message}`;
      return o.kind;
    }
    case 'stop_requested':
      return 'stop requested';
    case 'retry_requested':
      return 'retry requested';
    case 'merchant_missing':
      return `parked: ${event.message}`.slice(0, 200);
    case 'merchant_restored':
      return 'merchant configured again: resumed';
    case 'notified_paid':
      return `notify: paid, transaction ${event.outcome.transactionId}`;
  }
}
