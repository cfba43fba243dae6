/**
 * Handles `POST /notify/<pid>/<provider>`: a provider telling us a QR-mode order was paid. The body
 * is verified with THAT merchant's credentials before anything else is read; then the out_trade_no
 * must be an attempt of that merchant and provider and the amount must equal the attempt's
 * total_fee. Only then does the engine book it (engine.notifyPaid → the paid callback, source
 * 'notify'). Providers retry until acknowledged, so a replay of a booked notification, a not-paid
 * status and an attempt that already ended are acknowledged without any change. One that ended closed
 * or failed contradicts it: the engine queries the provider and lists a confirmed payment for a
 * supervisor (`paid_after_final`, core/engine/attention-settler.ts); the notification is answered
 * with a failure until that answer is journaled, so the provider repeats it and a crash in between
 * loses nothing (a repeat after the query denied it is acknowledged). An attempt needing
 * attention is acknowledged and the engine queries the provider, booking only what the query confirms;
 * a reversal under way goes on (it refunds the payment) and a QR order waiting for its close is booked.
 * The log line says which of these happened. Logs carry the reason and out_trade_no only: never the
 * body, its signature or any key.
 */
import { type AttemptState, isFinal } from '../../domain/attempt-state.ts';
import type { CheckoutEngine } from '../../engine/checkout-engine.ts';
import type { EngineLogger } from '../../engine/engine-deps.ts';
import type { NotifyAnswer, NotifyHeaders, NotifyVerifier } from '../../ports/notify-verifier.ts';
import type { ServiceMerchants } from '../merchants.ts';

export interface NotifyHandlerDeps {
  readonly engine: Pick<CheckoutEngine, 'journal' | 'notifyPaid' | 'paidAfterFinalDenied'>;
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
    const contradicted = attempt.phase === 'closed' || attempt.phase === 'failed';
    if (contradicted && !engine.paidAfterFinalDenied(reading.outTradeNo)) {
      // Closed or failed contradicts the notification: the engine asks the provider, and a confirmed
      // payment goes to the 待处理 list (never booked from here). Not acknowledged until then.
      engine.notifyPaid(reading.outTradeNo, {
        kind: 'paid',
        transactionId: reading.transactionId,
        totalFee: reading.totalFee,
        ...(reading.paidAt ? { paidAt: reading.paidAt } : {}),
      });
      logger.warn(
        `notify not acknowledged yet: the attempt had ended ${attempt.phase}, the provider is queried (a confirmed payment is listed for a supervisor)`,
        { ...where, out_trade_no: reading.outTradeNo, phase: attempt.phase },
      );
      return verifier.failure('checking the order with the provider');
    }
    if (isFinal(attempt)) {
      // A replay, or an attempt that already ended: the journal stays as it is.
      const ended = endedLine(attempt);
      const log = ended.warn ? logger.warn : logger.info;
      log.call(logger, ended.message, {
        ...where,
        out_trade_no: reading.outTradeNo,
        phase: attempt.phase,
        ...(attempt.reverseAction ? { reverse_action: attempt.reverseAction } : {}),
      });
      return verifier.success;
    }
    const after = engine.notifyPaid(reading.outTradeNo, {
      kind: 'paid',
      transactionId: reading.transactionId,
      totalFee: reading.totalFee,
      ...(reading.paidAt ? { paidAt: reading.paidAt } : {}),
    });
    logger.info(liveLine(attempt, after), { ...where, out_trade_no: reading.outTradeNo, phase: after.phase });
    return verifier.success;
  };
}

/** What a paid notification did to an attempt still under way: the log says what really happened. */
function liveLine(before: AttemptState, after: AttemptState): string {
  if (after.phase === 'paid') return 'notify booked';
  // Not booked from the notification: the engine queries the provider first.
  if (before.attention?.code === 'paid_after_final')
    return 'notify acknowledged: already listed for a supervisor (paid after the attempt ended)';
  if (before.phase === 'needs_attention') return 'notify acknowledged, provider queried';
  if (after.phase === 'reversing') return 'notify acknowledged, not booked: a reversal is under way';
  if (after.phase === 'closing')
    return 'notify acknowledged, not booked yet: the query confirming the close decides';
  return `notify acknowledged, not booked (${after.phase})`;
}

/** A paid notification for an attempt that had ended. Closed or failed contradicts it: a person should look. */
function endedLine(attempt: AttemptState): { message: string; warn: boolean } {
  switch (attempt.phase) {
    case 'paid':
      return { message: 'notify acknowledged, already booked', warn: false };
    case 'reversed':
      return { message: 'notify acknowledged, not booked: the payment was already reversed', warn: false };
    default:
      return {
        message: `notify acknowledged, not booked: the attempt had ended ${attempt.phase} and the provider's query says so`,
        warn: true,
      };
  }
}
