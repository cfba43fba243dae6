/**
 * Handles `POST /notify/<pid>/<provider>`: a provider telling us a QR-mode order was paid. The body
 * is verified with THAT merchant's credentials before anything else is read; then the out_trade_no
 * must be an attempt of that merchant and provider and the amount must equal the attempt's
 * total_fee. Only then does the engine book it (engine.notifyPaid → the paid callback, source
 * 'notify'). Providers retry until acknowledged, so a replay of a booked notification, a not-paid
 * status and an attempt that already ended are acknowledged without any change; an attempt needing
 * attention is acknowledged and the engine queries the provider, booking only what the query confirms. Logs carry the
 * reason and out_trade_no only: never the body, its signature or any key.
 */
import { isFinal } from '../../domain/attempt-state.ts';
import type { CheckoutEngine } from '../../engine/checkout-engine.ts';
import type { EngineLogger } from '../../engine/engine-deps.ts';
import type { NotifyAnswer, NotifyHeaders, NotifyVerifier } from '../../ports/notify-verifier.ts';
import type { ServiceMerchants } from '../merchants.ts';

export interface NotifyHandlerDeps {
  readonly engine: Pick<CheckoutEngine, 'journal' | 'notifyPaid'>;
  readonly merchants: ServiceMerchants;
  readonly logger: EngineLogger;
  /**
   * What a signed notification says about our clock: its detail when its signed time was too far
   * from ours (the status's clock warning, as for skewed replies), null when it verified on time.
   */
  readonly clockSkew?: (pid: string, provider: string, detail: string | null) => void;
}

export type NotifyHandler = (
  pid: string,
  provider: string,
  body: string,
  headers?: NotifyHeaders,
) => NotifyAnswer;

export const NOTIFY_NOT_FOUND: NotifyAnswer = {
  status: 404,
  contentType: 'text/plain; charset=utf-8',
  body: 'not found',
};

export function createNotifyHandler(deps: NotifyHandlerDeps): NotifyHandler {
  const { engine, merchants, logger } = deps;
  // One verifier per merchant gateway (the Alipay one holds an SDK instance), built on first use.
  const verifiers = new Map<string, NotifyVerifier>();

  function verifierFor(pid: string, provider: string): NotifyVerifier | undefined {
    const key = `${pid}\u0000${provider}`;
    const known = verifiers.get(key);
    if (known) return known;
    const parsed = merchants.gatewayConfig(pid, provider);
    if (!parsed) return undefined;
    const created = parsed.createNotifyVerifier();
    verifiers.set(key, created);
    return created;
  }

  return (pid, provider, body, headers) => {
    const verifier = verifierFor(pid, provider);
    if (!verifier) return NOTIFY_NOT_FOUND;
    const reading = verifier.read(body, headers);
    const where = { pid, provider };
    if (reading.kind === 'rejected') {
      if (reading.clockSkew !== undefined) deps.clockSkew?.(pid, provider, reading.clockSkew);
      logger.warn('notify rejected', { ...where, reason: reading.reason });
      return verifier.failure(reading.reason);
    }
    deps.clockSkew?.(pid, provider, null);
    const attempt = engine.journal.getAttempt(reading.outTradeNo);
    if (!attempt || attempt.pid !== pid || attempt.provider !== provider) {
      logger.warn('notify rejected', {
        ...where,
        out_trade_no: reading.outTradeNo,
        reason: 'unknown attempt',
      });
      return verifier.failure('unknown out_trade_no');
    }
    if (reading.kind === 'not_paid') {
      logger.info('notify acknowledged, not paid', {
        ...where,
        out_trade_no: reading.outTradeNo,
        trade_status: reading.tradeStatus,
      });
      return verifier.success;
    }
    if (reading.totalFee !== attempt.totalFee) {
      logger.warn('notify rejected', {
        ...where,
        out_trade_no: reading.outTradeNo,
        reason: 'amount differs from the attempt',
        notified_fee: reading.totalFee,
        total_fee: attempt.totalFee,
      });
      return verifier.failure('amount mismatch');
    }
    if (isFinal(attempt)) {
      // A replay, or an attempt that already ended: the journal stays as it is.
      logger.info('notify acknowledged, attempt unchanged', {
        ...where,
        out_trade_no: reading.outTradeNo,
        phase: attempt.phase,
      });
      return verifier.success;
    }
    const after = engine.notifyPaid(reading.outTradeNo, {
      kind: 'paid',
      transactionId: reading.transactionId,
      totalFee: reading.totalFee,
      ...(reading.paidAt ? { paidAt: reading.paidAt } : {}),
    });
    // An attempt needing attention is not booked from the notification: the engine queries the provider first.
    const booked =
      attempt.phase === 'needs_attention' ? 'notify acknowledged, provider queried' : 'notify booked';
    logger.info(booked, { ...where, out_trade_no: reading.outTradeNo, phase: after.phase });
    return verifier.success;
  };
}
