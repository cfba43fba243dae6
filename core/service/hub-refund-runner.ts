/**
 * Carries out the refunds the store hub asks this till to make (core/hub/hub-refunds.ts): each
 * request comes with every ingest answer until the hub sees its outcome, so the runner is called
 * with the same requests again and again. It starts a request only when the journal does not
 * know its out_refund_no yet; from then on the refund service owns it (journaled before the
 * provider call, followed up while pending, re-sent with the same out_refund_no), and its outcome
 * reaches the hub through the outbox. A request this till cannot take (the order is not paid
 * here, already refunded, a cash sale, more than is left) is refused back to the hub with the
 * refusal's code; a passing problem (provider unreachable) is simply met again at the next answer.
 */
import { ScanPayError } from '../common/errors.ts';
import type { EngineLogger } from '../engine/engine-deps.ts';
import type { RefundInput } from '../engine/refund-service.ts';
import type { HubRefundOrder } from '../hub/hub-wire.ts';

export interface HubRefundRunnerOptions {
  readonly hubUrl: string;
  readonly token: string;
  readonly refund: (input: RefundInput) => Promise<unknown>;
  /** The journal's refund with this out_refund_no, if any (started before: the refund service follows it). */
  readonly known: (
    outRefundNo: string,
  ) => { readonly orderNo: string; readonly refundFee: number } | undefined;
  readonly logger: EngineLogger;
}

const REFUSALS = new Set(['conflict', 'not_found', 'validation']);

export function createHubRefundRunner(
  options: HubRefundRunnerOptions,
): (requests: readonly HubRefundOrder[]) => void {
  const starting = new Set<string>();

  const refuse = async (outRefundNo: string, code: string) => {
    const res = await fetch(`${options.hubUrl.replace(/\/+$/, '')}/api/terminal/refund-refusal`, {
      method: 'POST',
      headers: { authorization: `Bearer ${options.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ out_refund_no: outRefundNo, code }),
      signal: AbortSignal.timeout(10_000),
    });
    if (!res.ok) throw new Error(`the hub answered ${res.status}`);
  };

  const run = async (request: HubRefundOrder) => {
    options.logger.info('refund asked by the store hub', {
      order_no: request.order_no,
      out_refund_no: request.out_refund_no,
      refund_fee: request.refund_fee,
    });
    try {
      await options.refund({
        out_trade_no: request.order_no,
        out_refund_no: request.out_refund_no,
        refund_fee: request.refund_fee,
        ...(request.reason ? { refund_desc: request.reason } : {}),
      });
    } catch (error) {
      if (
        error instanceof ScanPayError &&
        REFUSALS.has(error.kind) &&
        options.known(request.out_refund_no) === undefined
      ) {
        options.logger.warn('refund asked by the store hub refused', {
          out_refund_no: request.out_refund_no,
          code: error.code,
        });
        await refuse(request.out_refund_no, error.code).catch((e: unknown) =>
          options.logger.warn('refusal not delivered: the next answer asks again', {
            error: (e as Error).message,
          }),
        );
        return;
      }
      // Journaled and pending, or not started for a passing reason: the refund service or the next answer goes on.
      options.logger.warn('refund asked by the store hub not finished yet', {
        out_refund_no: request.out_refund_no,
        error: (error as Error)?.message,
      });
    }
  };

  // Requests refused because the number belongs to another refund here, so each is refused once.
  const refusedTaken = new Set<string>();

  return (requests) => {
    for (const request of requests) {
      if (starting.has(request.out_refund_no)) continue;
      const journaled = options.known(request.out_refund_no);
      if (journaled) {
        // Started before, unless the number holds a refund of another order or amount (a caller's own
        // number): then this request was never carried out here and never will be.
        const same = journaled.orderNo === request.order_no && journaled.refundFee === request.refund_fee;
        if (!same && !refusedTaken.has(request.out_refund_no)) {
          refusedTaken.add(request.out_refund_no);
          options.logger.warn('refund asked by the store hub refused: its number belongs to another refund', {
            out_refund_no: request.out_refund_no,
          });
          void refuse(request.out_refund_no, 'out_refund_no_reused').catch((e: unknown) => {
            refusedTaken.delete(request.out_refund_no);
            options.logger.warn('refusal not delivered: the next answer asks again', {
              error: (e as Error).message,
            });
          });
        }
        continue;
      }
      starting.add(request.out_refund_no);
      void run(request).finally(() => starting.delete(request.out_refund_no));
    }
  };
}
