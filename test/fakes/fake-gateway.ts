/**
 * An in-memory PaymentGateway with a ledger of the money it holds, for engine tests. Customers are
 * scripted per payment code; transport faults are scripted per call ("the trade commits but the
 * reply is lost"). The ledger is the truth the crash tests compare the journal against.
 */
import type { SupportedWallet } from '../../core/common/recognition/wallet-rules.ts';
import type {
  CloseOutcome,
  MicropayRequest,
  OrderRef,
  PaymentGateway,
  PaymentOutcome,
  PrecreateOutcome,
  PrecreateRequest,
  Provider,
  RefundOutcome,
  RefundQueryRequest,
  RefundRequest,
  ReverseOutcome,
} from '../../core/ports/payment-gateway.ts';

export type Customer = 'instant' | 'password' | 'insufficient' | 'expired';

export interface FakeTrade {
  outTradeNo: string;
  authCode: string | null;
  state: 'paying' | 'paid' | 'closed' | 'reversed';
  totalFee: number;
  captured: number;
  refunded: number;
  transactionId: string;
  refunds: Map<string, number>;
  qr: boolean;
}

type Op = 'micropay' | 'query' | 'reverse' | 'close' | 'refund' | 'queryRefund' | 'precreate';

/**
 * `lost`: the provider does the work, the reply never arrives. `down`: nothing reaches the provider.
 * `throws`: the provider does the work, then the adapter throws while reading the reply (a bug, an
 * unmapped socket error), so the call rejects instead of returning an outcome.
 */
export type Fault = 'lost' | 'down' | 'throws' | { readonly reply: unknown };

type UnknownReply = { kind: 'unknown'; reason: 'timeout' | 'network'; detail: string };
const unknownReply: UnknownReply = { kind: 'unknown', reason: 'timeout', detail: 'simulated' };

export class FakeGateway implements PaymentGateway {
  readonly trades = new Map<string, FakeTrade>();
  readonly customers = new Map<string, Customer>();
  readonly calls: { op: Op; outTradeNo: string }[] = [];
  private readonly faults: Record<Op, Fault[]> = {
    micropay: [],
    query: [],
    reverse: [],
    close: [],
    refund: [],
    queryRefund: [],
    precreate: [],
  };
  /** Answers "retry" this many times before reversing (recall=Y / retry_flag=Y). */
  reverseRetries = 0;
  /** Query answers not_found this many times for an existing trade (WeChat's ORDERNOTEXIST after a lost reply). */
  notFoundQueries = 0;
  /** When set, every call fails as if the network were down. */
  offline = false;
  private seq = 0;

  readonly provider: Provider;
  readonly wallets: readonly SupportedWallet[];
  readonly qrWallet: SupportedWallet;

  constructor(provider: Provider = 'wxpay', wallets?: readonly SupportedWallet[]) {
    this.provider = provider;
    this.wallets = wallets ?? (provider === 'alipay' ? ['alipay'] : ['wxpay']);
    this.qrWallet = provider === 'alipay' ? 'alipay' : 'wxpay';
  }

  fault(op: Op, ...faults: Fault[]): void {
    this.faults[op].push(...faults);
  }

  /** The customer types the password. */
  confirm(authCode: string): void {
    for (const trade of this.trades.values()) {
      if (trade.authCode === authCode && trade.state === 'paying') {
        trade.state = 'paid';
        trade.captured = trade.totalFee;
      }
    }
  }

  /** The customer scans a QR and pays. */
  scanQr(outTradeNo: string): void {
    const trade = this.trades.get(outTradeNo);
    if (trade && trade.state === 'paying') {
      trade.state = 'paid';
      trade.captured = trade.totalFee;
    }
  }

  /** Money the provider holds for a trade right now. */
  held(outTradeNo: string): number {
    const trade = this.trades.get(outTradeNo);
    return trade ? trade.captured - trade.refunded : 0;
  }

  private async around<T>(op: Op, outTradeNo: string, work: () => T): Promise<T | UnknownReply> {
    this.calls.push({ op, outTradeNo });
    await Promise.resolve();
    if (this.offline) return { kind: 'unknown', reason: 'network', detail: 'offline' };
    const fault = this.faults[op].shift();
    if (fault === 'down') return { kind: 'unknown', reason: 'network', detail: 'connection refused' };
    const result = work();
    if (fault === 'lost') return unknownReply;
    if (fault === 'throws')
      throw new TypeError("Cannot read properties of undefined (reading 'trade_state')");
    if (fault && typeof fault === 'object') return fault.reply as T;
    return result;
  }

  micropay(request: MicropayRequest): Promise<PaymentOutcome> {
    return this.around('micropay', request.outTradeNo, (): PaymentOutcome => {
      const customer = this.customers.get(request.authCode) ?? 'instant';
      if (this.trades.has(request.outTradeNo))
        return {
          kind: 'failed',
          providerCode: 'OUT_TRADE_NO_USED',
          message: 'used',
          decline: 'request_refused',
        };
      if (customer === 'insufficient')
        return {
          kind: 'failed',
          providerCode: 'NOTENOUGH',
          message: 'insufficient balance',
          decline: 'insufficient_funds',
        };
      if (customer === 'expired')
        return {
          kind: 'failed',
          providerCode: 'AUTHCODEEXPIRE',
          message: 'code expired',
          decline: 'code_expired',
        };
      const trade: FakeTrade = {
        outTradeNo: request.outTradeNo,
        authCode: request.authCode,
        state: customer === 'instant' ? 'paid' : 'paying',
        totalFee: request.totalFee,
        captured: customer === 'instant' ? request.totalFee : 0,
        refunded: 0,
        transactionId: `T${++this.seq}`,
        refunds: new Map(),
        qr: false,
      };
      this.trades.set(request.outTradeNo, trade);
      return this.outcomeOf(trade);
    });
  }

  private outcomeOf(trade: FakeTrade): PaymentOutcome {
    switch (trade.state) {
      case 'paid':
        return trade.refunded > 0
          ? {
              kind: 'refunded',
              transactionId: trade.transactionId,
              totalFee: trade.totalFee,
              providerCode: 'REFUND',
            }
          : { kind: 'paid', transactionId: trade.transactionId, totalFee: trade.totalFee };
      case 'paying':
        return { kind: 'pending', providerCode: trade.qr ? 'NOTPAY' : 'USERPAYING' };
      case 'closed':
        return { kind: 'closed', providerCode: 'CLOSED' };
      case 'reversed':
        return { kind: 'closed', providerCode: 'REVOKED' };
    }
  }

  query(order: OrderRef): Promise<PaymentOutcome> {
    return this.around('query', order.outTradeNo, (): PaymentOutcome => {
      const trade = this.trades.get(order.outTradeNo);
      if (!trade) return { kind: 'not_found', providerCode: 'ORDERNOTEXIST' };
      if (this.notFoundQueries > 0) {
        this.notFoundQueries--;
        return { kind: 'not_found', providerCode: 'ORDERNOTEXIST' };
      }
      return this.outcomeOf(trade);
    });
  }

  reverse(order: OrderRef): Promise<ReverseOutcome> {
    return this.around('reverse', order.outTradeNo, (): ReverseOutcome => {
      if (this.reverseRetries > 0) {
        this.reverseRetries--;
        return { kind: 'retry', providerCode: 'recall=Y' };
      }
      const trade = this.trades.get(order.outTradeNo);
      if (!trade) {
        // Like WeChat: a reversed out_trade_no is burned even if it never existed.
        this.trades.set(order.outTradeNo, {
          outTradeNo: order.outTradeNo,
          authCode: null,
          state: 'reversed',
          totalFee: 0,
          captured: 0,
          refunded: 0,
          transactionId: '',
          refunds: new Map(),
          qr: false,
        });
        return { kind: 'not_found', providerCode: 'ORDERNOTEXIST' };
      }
      if (trade.state === 'paid') {
        trade.refunded = trade.captured;
        trade.state = 'reversed';
        return { kind: 'reversed', action: 'refund' };
      }
      trade.state = 'reversed';
      return { kind: 'reversed', action: 'close' };
    });
  }

  close(order: OrderRef): Promise<CloseOutcome> {
    return this.around('close', order.outTradeNo, (): CloseOutcome => {
      const trade = this.trades.get(order.outTradeNo);
      if (!trade) return { kind: 'closed' };
      if (trade.state === 'paid') return { kind: 'paid' };
      trade.state = 'closed';
      return { kind: 'closed' };
    });
  }

  refund(request: RefundRequest): Promise<RefundOutcome> {
    return this.around('refund', request.outTradeNo, (): RefundOutcome => {
      const trade = this.trades.get(request.outTradeNo);
      if (trade?.state !== 'paid')
        return { kind: 'failed', providerCode: 'TRADE_STATE_ERROR', message: 'not paid' };
      if (trade.refunds.has(request.outRefundNo))
        return { kind: 'succeeded', refundId: `R-${request.outRefundNo}` };
      if (trade.refunded + request.refundFee > trade.captured) {
        return { kind: 'failed', providerCode: 'REFUND_FEE_INVALID', message: 'exceeds paid' };
      }
      trade.refunds.set(request.outRefundNo, request.refundFee);
      trade.refunded += request.refundFee;
      return { kind: 'succeeded', refundId: `R-${request.outRefundNo}` };
    });
  }

  queryRefund(request: RefundQueryRequest): Promise<RefundOutcome> {
    return this.around('queryRefund', request.outTradeNo, (): RefundOutcome => {
      const trade = this.trades.get(request.outTradeNo);
      if (trade?.refunds.has(request.outRefundNo))
        return { kind: 'succeeded', refundId: `R-${request.outRefundNo}` };
      return { kind: 'not_found', providerCode: 'REFUNDNOTEXIST' };
    });
  }

  precreate(request: PrecreateRequest): Promise<PrecreateOutcome> {
    return this.around('precreate', request.outTradeNo, (): PrecreateOutcome => {
      this.trades.set(request.outTradeNo, {
        outTradeNo: request.outTradeNo,
        authCode: null,
        state: 'paying',
        totalFee: request.totalFee,
        captured: 0,
        refunded: 0,
        transactionId: `T${++this.seq}`,
        refunds: new Map(),
        qr: true,
      });
      return { kind: 'created', qrCode: `weixin://wxpay/bizpayurl?pr=${request.outTradeNo}` };
    });
  }
}
