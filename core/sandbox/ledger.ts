/**
 * The sandbox's truth, provider-neutral: payment codes in customers' wallets, trades, refunds. The
 * protocol modules (wxpay/alipay/payjs) only translate requests into these calls and results into
 * their provider's words; GET /_sandbox/trades shows this state as it is, so a test can check what
 * really happened to the money whatever the client believed.
 *
 * Rules kept here: codes are single-use and expire after codeTtlMs; one out_trade_no per provider;
 * a reversal refunds a paid trade and closes an unpaid one; refunds are cumulative, never exceed what
 * was captured, and the same refund number never refunds twice. Time comes from the sandbox's own
 * offset clock; password payments with confirm_after_ms settle lazily whenever the ledger is touched.
 * The state and the rules the operations share (codes, trades, settling) are ./ledger-state.ts.
 */
import { randomBytes } from 'node:crypto';
import { createFaultPlan, type FaultPlan, NO_FAULTS, parseFaultConfig } from './faults.ts';
import { createLedgerState, numericId, tradeKey, walletFor } from './ledger-state.ts';
import type { RefundRecord, SandboxLedger } from './ledger-types.ts';
import type { OffsetClock } from './offset-clock.ts';
import { tokenFromQr } from './qr-urls.ts';

export type * from './ledger-types.ts';

export function createLedger(options: {
  readonly clock: OffsetClock;
  readonly codeTtlMs: number;
}): SandboxLedger {
  const { clock, codeTtlMs } = options;
  const state = createLedgerState(clock, codeTtlMs);
  const { codes, trades, byProviderId, byToken, closeCalls, refundOwners, waiting, listeners } = state;
  const { markPaid, settle, newCode, newTrade, charge, codeTrade } = state;
  let faults: FaultPlan = NO_FAULTS;

  const ledger: SandboxLedger = {
    clock,
    codeTtlMs,
    get faults() {
      return faults;
    },

    issueCode(request) {
      return { authCode: newCode(request).authCode };
    },

    confirm(authCode) {
      settle();
      const found = codeTrade(authCode);
      if (!found) return { kind: 'error', error: 'no such payment code' };
      const { code, trade } = found;
      if (code.cancelled) return { kind: 'error', error: 'the customer already gave up on this code' };
      code.confirmed = true;
      if (!trade) return { kind: 'ok', state: 'not_charged_yet' };
      if (trade.state === 'awaiting_password') markPaid(trade);
      return { kind: 'ok', state: trade.state };
    },

    cancel(authCode) {
      settle();
      const found = codeTrade(authCode);
      if (!found) return { kind: 'error', error: 'no such payment code' };
      const { code, trade } = found;
      if (trade?.state === 'paid')
        return { kind: 'error', error: 'the customer already paid with this code' };
      code.cancelled = true;
      if (!trade) return { kind: 'ok', state: 'not_charged_yet' };
      if (trade.state === 'awaiting_password') {
        waiting.delete(trade);
        if (trade.mode === 'qr') {
          // A QR order stays open for another attempt, as a real one does when the customer backs out.
          trade.state = 'awaiting_payer';
          trade.auth_code = undefined;
        } else {
          trade.state = 'payment_failed';
          trade.failure = 'customer_cancelled';
        }
      }
      return { kind: 'ok', state: trade.state };
    },

    payWithCode(request) {
      settle();
      const existing = trades.get(tradeKey(request.provider, request.outTradeNo));
      if (existing)
        return { kind: 'duplicate', trade: existing, sameCode: existing.auth_code === request.authCode };
      const code = codes.get(request.authCode);
      if (!code) return { kind: 'code_invalid', reason: 'unknown' };
      if (code.wallet !== walletFor(request.provider))
        return { kind: 'code_invalid', reason: 'wrong_wallet' };
      if (code.used) return { kind: 'code_invalid', reason: 'already_used' };
      if (code.behavior === 'expired' || clock.now() >= code.issuedAtMs + codeTtlMs) {
        code.used = true;
        return { kind: 'code_expired' };
      }
      const trade = newTrade(
        request.provider,
        request.outTradeNo,
        request.totalFee,
        request.subject,
        'code',
        request.echo,
      );
      const outcome = charge(trade, code);
      return { kind: outcome, trade };
    },

    createQrOrder(request) {
      settle();
      const existing = trades.get(tradeKey(request.provider, request.outTradeNo));
      if (existing) {
        const same = existing.mode === 'qr' && existing.total_fee === request.totalFee && existing.qr_token;
        if (same && existing.state === 'awaiting_payer')
          return { kind: 'created', trade: existing, token: existing.qr_token! };
        return { kind: 'duplicate', trade: existing };
      }
      const trade = newTrade(
        request.provider,
        request.outTradeNo,
        request.totalFee,
        request.subject,
        'qr',
        request.echo,
      );
      const token = randomBytes(12).toString('hex');
      trade.qr_token = token;
      trade.expires_at_ms = request.expiresAtMs;
      trade.notify_url = request.notifyUrl;
      byToken.set(token, tradeKey(request.provider, request.outTradeNo));
      return { kind: 'created', trade, token };
    },

    scanQr(request) {
      settle();
      const token = tokenFromQr(request.qr);
      const key = token ? byToken.get(token) : undefined;
      const trade = key ? trades.get(key) : undefined;
      if (!trade) return { kind: 'error', error: 'no order behind this QR code' };
      if (trade.state !== 'awaiting_payer')
        return { kind: 'error', error: `this order can no longer be paid (${trade.state})` };
      // The provider stops taking payment at time_expire; the order stays unpaid until closed.
      if (trade.expires_at_ms !== undefined && clock.now() >= trade.expires_at_ms)
        return { kind: 'error', error: 'this QR code has expired' };
      const code = newCode({
        wallet: walletFor(trade.provider),
        behavior: request.behavior,
        ...(request.confirmAfterMs === undefined ? {} : { confirmAfterMs: request.confirmAfterMs }),
      });
      const outcome = charge(trade, code);
      if (outcome === 'insufficient_funds') {
        // The customer's attempt failed; the QR order itself stays payable, like a real one.
        trade.state = 'awaiting_payer';
        trade.auth_code = undefined;
        trade.failure = undefined;
        const reason = request.behavior === 'expired' ? 'the payment was refused' : 'insufficient funds';
        return { kind: 'payment_failed', trade, authCode: code.authCode, reason };
      }
      return {
        kind: outcome === 'awaiting_password' ? 'awaiting_password' : 'paid',
        trade,
        authCode: code.authCode,
      };
    },

    find(provider, outTradeNo) {
      settle();
      return trades.get(tradeKey(provider, outTradeNo));
    },

    findByProviderOrderId(provider, providerOrderId) {
      settle();
      const key = byProviderId.get(`${provider}\u0000order\u0000${providerOrderId}`);
      return key === undefined ? undefined : trades.get(key);
    },

    findByTransactionId(provider, transactionId) {
      settle();
      const key = byProviderId.get(`${provider}\u0000tx\u0000${transactionId}`);
      return key === undefined ? undefined : trades.get(key);
    },

    findByRefundNo(provider, outRefundNo) {
      settle();
      const key = refundOwners.get(`${provider}\u0000${outRefundNo}`);
      return key === undefined ? undefined : trades.get(key);
    },

    reverse(provider, outTradeNo) {
      settle();
      const trade = trades.get(tradeKey(provider, outTradeNo));
      if (!trade) return { kind: 'not_found' };
      waiting.delete(trade);
      if (trade.captured_fen > 0) {
        trade.refunded_fen = trade.captured_fen;
        trade.state = 'reversed';
        return { kind: 'reversed', action: 'refund', trade };
      }
      trade.state = 'reversed';
      return { kind: 'reversed', action: 'close', trade };
    },

    noteCloseCall(provider, outTradeNo) {
      const key = tradeKey(provider, outTradeNo);
      closeCalls.set(key, (closeCalls.get(key) ?? 0) + 1);
    },

    closeCalls(provider, outTradeNo) {
      return closeCalls.get(tradeKey(provider, outTradeNo)) ?? 0;
    },

    payLate(provider, outTradeNo) {
      settle();
      const trade = trades.get(tradeKey(provider, outTradeNo));
      if (!trade) return { kind: 'error', error: `no ${provider} trade ${outTradeNo}` };
      if (trade.state !== 'payment_failed')
        return { kind: 'error', error: `trade ${outTradeNo} is ${trade.state}, not payment_failed` };
      trade.failure = undefined;
      markPaid(trade);
      return { kind: 'ok', trade };
    },

    close(provider, outTradeNo) {
      settle();
      const trade = trades.get(tradeKey(provider, outTradeNo));
      if (!trade) return { kind: 'not_found' };
      if (trade.captured_fen > 0) return { kind: 'paid', trade };
      if (trade.state === 'closed' || trade.state === 'reversed') return { kind: 'already_closed', trade };
      waiting.delete(trade);
      trade.state = 'closed';
      return { kind: 'closed', trade };
    },

    refund(request) {
      settle();
      const key = tradeKey(request.provider, request.outTradeNo);
      const trade = trades.get(key);
      if (!trade) return { kind: 'not_found' };
      const owner = refundOwners.get(`${request.provider}\u0000${request.outRefundNo}`);
      if (owner !== undefined) {
        const previous = trade.refunds.find((r) => r.out_refund_no === request.outRefundNo);
        if (owner !== key || !previous || previous.refund_fee !== request.refundFee)
          return { kind: 'refund_no_conflict' };
        return { kind: 'refunded', trade, refund: previous, duplicate: true };
      }
      if (trade.captured_fen === 0) return { kind: 'not_paid', trade };
      const available = trade.captured_fen - trade.refunded_fen;
      if (request.refundFee > available) return { kind: 'exceeds', trade, availableFen: available };
      const refund: RefundRecord = {
        out_refund_no: request.outRefundNo,
        refund_id: numericId(clock.now(), 29),
        refund_fee: request.refundFee,
        state: 'SUCCESS',
        created_at_ms: clock.now(),
      };
      trade.refunds = [...trade.refunds, refund];
      trade.refunded_fen += request.refundFee;
      refundOwners.set(`${request.provider}\u0000${request.outRefundNo}`, key);
      return { kind: 'refunded', trade, refund, duplicate: false };
    },

    allTrades() {
      settle();
      return [...trades.values()];
    },
    trades() {
      settle();
      return [...trades.values()].map((t) => ({
        provider: t.provider,
        out_trade_no: t.out_trade_no,
        transaction_id: t.captured_fen > 0 ? t.transaction_id : null,
        state: t.state,
        total_fee: t.total_fee,
        captured_fen: t.captured_fen,
        refunded_fen: t.refunded_fen,
        created_at: new Date(t.created_at_ms).toISOString(),
        paid_at: t.paid_at_ms === undefined ? null : new Date(t.paid_at_ms).toISOString(),
        refunds: t.refunds.map((r) => ({
          out_refund_no: r.out_refund_no,
          refund_fee: r.refund_fee,
          state: r.state,
        })),
      }));
    },

    setFaults(input) {
      const config = parseFaultConfig(input);
      faults = Object.keys(config).length === 0 ? NO_FAULTS : createFaultPlan(config);
    },

    advanceTime(ms) {
      clock.advance(ms);
      settle();
    },

    onPaid(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
  return ledger;
}
