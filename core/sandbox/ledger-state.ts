/**
 * The sandbox ledger's state (./ledger.ts) and the rules its operations share: payment codes drawn
 * (single-use, forgotten once expired and the map is large), trades opened and indexed by their
 * provider ids, a code's behaviour applied to the trade it pays, and password payments with
 * confirm_after_ms settled lazily on the sandbox's offset clock.
 */
import { randomBytes, randomInt } from 'node:crypto';
import type { Fen } from '../common/money.ts';
import type { Provider } from '../ports/payment-gateway.ts';
import type { IssueCodeRequest, Trade } from './ledger-types.ts';
import type { OffsetClock } from './offset-clock.ts';
import { generateAuthCode, type Wallet, type WalletBehaviour } from './wallet-behaviours.ts';

export type MutableTrade = { -readonly [K in keyof Trade]: Trade[K] };

export interface WalletCode {
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

export function tradeKey(provider: Provider, outTradeNo: string): string {
  return `${provider}\u0000${outTradeNo}`;
}

export function walletFor(provider: Provider): Wallet {
  return provider === 'alipay' ? 'alipay' : 'wxpay';
}

export function numericId(clockMs: number, length: number): string {
  const day = new Date(clockMs).toISOString().slice(0, 10).replaceAll('-', '');
  let tail = '';
  while (day.length + tail.length < length) tail += String(randomInt(10));
  return day + tail;
}

/** The ledger's maps and the shared rules over them, for createLedger's operations. */
export function createLedgerState(clock: OffsetClock, codeTtlMs: number) {
  const codes = new Map<string, WalletCode>();
  const trades = new Map<string, MutableTrade>();
  /** `${provider}\0${id}` → trade key, for lookups by transaction_id and payjs_order_id. */
  const byProviderId = new Map<string, string>();
  const byToken = new Map<string, string>();
  const closeCalls = new Map<string, number>();
  const refundOwners = new Map<string, string>();
  const waiting = new Set<MutableTrade>();
  const listeners = new Set<(trade: Trade) => void>();

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

  return {
    codes,
    trades,
    byProviderId,
    byToken,
    closeCalls,
    refundOwners,
    waiting,
    listeners,
    markPaid,
    settle,
    newCode,
    newTrade,
    charge,
    codeTrade,
  };
}
