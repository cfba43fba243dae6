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
 */
import { randomBytes, randomInt } from 'node:crypto';
import type { Fen } from '../common/money.ts';
import type { Provider } from '../ports/payment-gateway.ts';
import { createFaultPlan, type FaultPlan, NO_FAULTS, parseFaultConfig } from './faults.ts';
import type { IssueCodeRequest, RefundRecord, SandboxLedger, Trade } from './ledger-types.ts';
import type { OffsetClock } from './offset-clock.ts';
import { tokenFromQr } from './qr-urls.ts';
import { generateAuthCode, type Wallet, type WalletBehaviour } from './wallet-behaviours.ts';

export type * from './ledger-types.ts';

type MutableTrade = { -readonly [K in keyof Trade]: Trade[K] };

interface WalletCode {
  readonly authCode: string;
  readonly wallet: Wallet;
  readonly behavior: WalletBehaviour;
  readonly confirmAfterMs: number | undefined;
  readonly issuedAtMs: number;
  used: boolean;
  confirmed: boolean;
  cancelled: boolean;
  tradeKey: string | undefined;
}

const MAX_CODE_DRAWS = 20;
/** Above this many codes, expired unused ones are forgotten (a long-running sandbox must not grow forever). */
const CODE_PRUNE_THRESHOLD = 10_000;

function tradeKey(provider: Provider, outTradeNo: string): string {
  return `${provider}\u0000${outTradeNo}`;
}

function walletFor(provider: Provider): Wallet {
  return provider === 'alipay' ? 'alipay' : 'wxpay';
}

function numericId(clockMs: number, length: number): string {
  const day = new Date(clockMs).toISOString().slice(0, 10).replaceAll('-', '');
  let tail = '';
  while (day.length + tail.length < length) tail += String(randomInt(10));
  return day + tail;
}

export function createLedger(options: {
  readonly clock: OffsetClock;
  readonly codeTtlMs: number;
}): SandboxLedger {
  const { clock, codeTtlMs } = options;
  const codes = new Map<string, WalletCode>();
  const trades = new Map<string, MutableTrade>();
  /** `${provider}\0${id}` → trade key, for lookups by transaction_id and payjs_order_id. */
  const byProviderId = new Map<string, string>();
  const byToken = new Map<string, string>();
  const closeCalls = new Map<string, number>();
  const refundOwners = new Map<string, string>();
  const waiting = new Set<MutableTrade>();
  const listeners = new Set<(trade: Trade) => void>();
  let faults: FaultPlan = NO_FAULTS;

  function markPaid(trade: MutableTrade): void {
    trade.state = 'paid';
    trade.captured_fen = trade.total_fee;
    trade.paid_at_ms = clock.now();
    waiting.delete(trade);
    for (const listener of listeners) {
      try {
        listener(trade);
      } catch {
        // A listener (the notifier) must never undo or fail the payment that already happened.
      }
    }
  }

  /** Password payments whose confirm_after_ms has passed on the sandbox clock become paid. */
  function settle(): void {
    const now = clock.now();
    for (const trade of [...waiting]) {
      const code = trade.auth_code ? codes.get(trade.auth_code) : undefined;
      if (code?.confirmAfterMs !== undefined && trade.state === 'awaiting_password') {
        const startedAt = trade.mode === 'qr' ? code.issuedAtMs : trade.created_at_ms;
        if (now >= startedAt + code.confirmAfterMs) markPaid(trade);
      }
    }
  }

  /** Codes held after the last prune: the next one waits until the map has doubled. */
  let codesAfterPrune = 0;
  function pruneCodes(): void {
    // Used codes stay (they name their trade), so pruning on every new code past the threshold
    // would scan them all each time: quadratic over a long run. Doubling keeps it amortised O(1).
    if (codes.size < Math.max(CODE_PRUNE_THRESHOLD, 2 * codesAfterPrune)) return;
    const now = clock.now();
    for (const [authCode, code] of codes) {
      if (!code.used && now >= code.issuedAtMs + codeTtlMs) codes.delete(authCode);
    }
    codesAfterPrune = codes.size;
  }

  function newCode(request: IssueCodeRequest): WalletCode {
    pruneCodes();
    for (let i = 0; i < MAX_CODE_DRAWS; i++) {
      const authCode = generateAuthCode(request.wallet);
      if (codes.has(authCode)) continue;
      const code: WalletCode = {
        authCode,
        wallet: request.wallet,
        behavior: request.behavior,
        confirmAfterMs: request.confirmAfterMs,
        issuedAtMs: clock.now(),
        used: false,
        confirmed: false,
        cancelled: false,
        tradeKey: undefined,
      };
      codes.set(authCode, code);
      return code;
    }
    // 10^16 codes per wallet: twenty clashes in a row means the random source is broken.
    throw new Error('could not draw a unique payment code');
  }

  function newTrade(
    provider: Provider,
    outTradeNo: string,
    totalFee: Fen,
    subject: string,
    mode: 'code' | 'qr',
    echo: Readonly<Record<string, string>> | undefined,
  ): MutableTrade {
    const now = clock.now();
    const trade: MutableTrade = {
      provider,
      out_trade_no: outTradeNo,
      mode,
      transaction_id: numericId(now, 28),
      provider_order_id: numericId(now, 24),
      total_fee: totalFee,
      subject,
      created_at_ms: now,
      state: 'awaiting_payer',
      captured_fen: 0,
      refunded_fen: 0,
      paid_at_ms: undefined,
      auth_code: undefined,
      buyer_id: `sandbox_buyer_${randomBytes(6).toString('hex')}`,
      qr_token: undefined,
      expires_at_ms: undefined,
      notify_url: undefined,
      failure: undefined,
      echo: { ...(echo ?? {}) },
      refunds: [],
    };
    const key = tradeKey(provider, outTradeNo);
    trades.set(key, trade);
    byProviderId.set(`${provider}\u0000tx\u0000${trade.transaction_id}`, key);
    byProviderId.set(`${provider}\u0000order\u0000${trade.provider_order_id}`, key);
    return trade;
  }

  /** Applies a code's behaviour to a trade that is about to be paid with it. */
  function charge(
    trade: MutableTrade,
    code: WalletCode,
  ): 'paid' | 'awaiting_password' | 'system_error' | 'insufficient_funds' {
    code.used = true;
    code.tradeKey = tradeKey(trade.provider, trade.out_trade_no);
    trade.auth_code = code.authCode;
    switch (code.behavior) {
      case 'instant':
        markPaid(trade);
        return 'paid';
      case 'system_error':
        markPaid(trade);
        return 'system_error';
      case 'insufficient_funds':
      case 'expired':
        trade.state = 'payment_failed';
        trade.failure = 'insufficient_funds';
        return 'insufficient_funds';
      case 'password':
        if (code.cancelled) {
          trade.state = 'payment_failed';
          trade.failure = 'customer_cancelled';
          return 'insufficient_funds';
        }
        if (code.confirmed) {
          markPaid(trade);
          return 'paid';
        }
        trade.state = 'awaiting_password';
        waiting.add(trade);
        settle();
        return trade.captured_fen > 0 ? 'paid' : 'awaiting_password'; // confirm_after_ms may be 0
    }
  }

  function codeTrade(authCode: string): { code: WalletCode; trade: MutableTrade | undefined } | undefined {
    const code = codes.get(authCode);
    if (!code) return undefined;
    return { code, trade: code.tradeKey ? trades.get(code.tradeKey) : undefined };
  }

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
