/**
 * Carries out the refunds the store hub asks this till to make (core/hub/hub-refunds.ts): each
 * request comes with every ingest answer until the hub sees its outcome, so the runner is called
 * with the same requests again and again. It starts a request only when the journal does not
 * know its out_refund_no yet; from then on the refund service owns it (journaled before the
 * provider call, followed up while pending, re-sent with the same out_refund_no), and its outcome
 * reaches the hub through the outbox. A request this till cannot take (the order is not paid
 * here, already refunded, a cash sale, more than is left) is refused back to the hub with the
 * refusal's code; a passing problem (provider unreachable) is simply met again at the next answer.
 *
 * Before any of that, each request must check out as signed by the hub for this till
 * (core/hub/refund-signature.ts, with `hub.config_public_key`): the link to the hub may be plain
 * http on a store LAN, where anyone could inject or alter a request. One that does not is never
 * started, logged (what it claims, never the token) and reported to the hub once
 * (POST /api/terminal/refund-rejection), where the owner sees it; the hub keeps its own request open.
 *
 * A request refused here is kept (core/journal/refused-hub-refunds.ts, through `refused`) until its
 * expiry and refused again if replayed, also after a restart (docs/scale.md).
 */
import type { KeyObject } from 'node:crypto';
import { ScanPayError } from '../common/errors.ts';
import type { EngineLogger } from '../engine/engine-deps.ts';
import type { RefundInput } from '../engine/refund-service.ts';
import type { HubRefundOrder } from '../hub/hub-wire.ts';
import { type ClaimedRefund, type RefundOrderRejection, verifyRefundOrder } from '../hub/refund-signature.ts';

export interface HubRefundRunnerOptions {
  readonly hubUrl: string;
  readonly token: string;
  readonly terminalId: string;
  /** The hub's public key (`hub.config_public_key`); null: this till takes no refund request. */
  readonly key: KeyObject | null;
  readonly now?: () => number;
  readonly refund: (input: RefundInput) => Promise<unknown>;
  /** The journal's refund with this out_refund_no, if any (started before: the refund service follows it). */
  readonly known: (
    outRefundNo: string,
  ) => { readonly orderNo: string; readonly refundFee: number } | undefined;
  readonly logger: EngineLogger;
  /**
   * Where the requests this till refused are kept until their expiry: the journal
   * (core/journal/refused-hub-refunds.ts) so a replay after a restart is refused too; memory if absent.
   */
  readonly refused?: RefusedRequests;
}

/** The requests this till refused, by out_refund_no: why, and the latest hand-out's expiry. */
export interface RefusedRequests {
  get(outRefundNo: string, now: number): { readonly code: string } | undefined;
  /** Keeps the refusal (the first code stays) until the later of its kept and `expiresAt`. */
  keep(outRefundNo: string, code: string, expiresAt: number): void;
  prune(now: number): void;
}

/** For a runner without a journal (tests): forgotten at restart. */
function refusedInMemory(): RefusedRequests {
  const kept = new Map<string, { readonly code: string; readonly expiresAt: number }>();
  return {
    get: (no, now) => {
      const found = kept.get(no);
      return found && found.expiresAt >= now ? found : undefined;
    },
    keep: (no, code, expiresAt) => {
      const before = kept.get(no);
      kept.set(no, { code: before?.code ?? code, expiresAt: Math.max(before?.expiresAt ?? 0, expiresAt) });
    },
    prune: (now) => {
      for (const [no, { expiresAt }] of kept) if (expiresAt < now) kept.delete(no);
    },
  };
}

const REFUSALS = new Set(['conflict', 'not_found', 'validation']);

/** Distinct refused requests reported per run: a stream of forgeries cannot flood the hub. */
const REJECTIONS_REPORTED = 100;

export function createHubRefundRunner(
  options: HubRefundRunnerOptions,
): (requests: readonly unknown[]) => void {
  const starting = new Set<string>();
  const now = options.now ?? Date.now;
  const hub = options.hubUrl.replace(/\/+$/, '');

  const post = async (path: string, body: unknown) => {
    const res = await fetch(`${hub}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${options.token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(10_000),
    });
    if (!res.ok) throw new Error(`the hub answered ${res.status}`);
  };
  const refuse = (outRefundNo: string, code: string) =>
    post('/api/terminal/refund-refusal', { out_refund_no: outRefundNo, code });

  // Each distinct refused request (what it claims, and why) is logged and reported once.
  const rejected = new Set<string>();
  const reject = (reason: RefundOrderRejection, claimed: ClaimedRefund) => {
    // Not the signature or expiry: the hub signs each hand-out anew, and one tampered request is one report.
    const key = JSON.stringify([reason, claimed.out_refund_no, claimed.order_no, claimed.refund_fee]);
    if (rejected.has(key) || rejected.size >= REJECTIONS_REPORTED) return;
    rejected.add(key);
    options.logger.warn('refund request refused: not signed by the store hub for this till', {
      reason,
      ...claimed,
    });
    void post('/api/terminal/refund-rejection', { ...claimed, reason }).catch((e: unknown) => {
      rejected.delete(key);
      options.logger.warn('refund request refusal not reported: the next answer reports it', {
        error: (e as Error).message,
      });
    });
  };

  // Requests this till refused. The hub closes each as refused, but a hand-out stays validly signed
  // until its expiry: one captured on the LAN and replayed once the order could take it (its other
  // refund answered) would move money on a request the hub shows as refused, beside the owner's new
  // ask. So it is refused again, never made (the hub hands it out again only when the refusal did not
  // reach it). Kept in the journal until expiry, so a restart does not forget it (docs/scale.md).
  const refusedHere = options.refused ?? refusedInMemory();
  const keepRefused = (request: HubRefundOrder, code: string) => {
    try {
      refusedHere.keep(request.out_refund_no, code, request.expires_at);
    } catch (e) {
      // A storage fault: the journal turns unhealthy and new charges stop; the refusal is still sent.
      options.logger.warn('refused refund request not kept', { error: (e as Error).message });
    }
  };
  const refusing = new Set<string>();
  const refuseAgain = (request: HubRefundOrder, code: string) => {
    keepRefused(request, code);
    if (refusing.has(request.out_refund_no)) return;
    refusing.add(request.out_refund_no);
    void refuse(request.out_refund_no, code)
      .catch((e: unknown) =>
        options.logger.warn('refusal not delivered: the next answer asks again', {
          error: (e as Error).message,
        }),
      )
      .finally(() => refusing.delete(request.out_refund_no));
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
        keepRefused(request, error.code);
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

  // Expired refusals are forgotten at most once a minute (get ignores them anyway): not a write per answer.
  let prunedAt = Number.NEGATIVE_INFINITY;
  const prune = () => {
    if (now() - prunedAt < 60_000) return;
    prunedAt = now();
    try {
      refusedHere.prune(prunedAt);
    } catch (e) {
      options.logger.warn('expired refused refund requests not pruned', { error: (e as Error).message });
    }
  };

  return (requests) => {
    if (requests.length > 0) prune();
    for (const raw of requests) {
      const checked = verifyRefundOrder(raw, options.key, options.terminalId, now());
      if (!checked.ok) {
        reject(checked.reason, checked.claimed);
        continue;
      }
      const request: HubRefundOrder = checked.order;
      if (starting.has(request.out_refund_no)) continue;
      const refused = refusedHere.get(request.out_refund_no, now());
      if (refused) {
        refuseAgain(request, refused.code);
        continue;
      }
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
