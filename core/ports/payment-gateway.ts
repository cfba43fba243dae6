/**
 * The PaymentGateway port: what the checkout engine needs from a provider. Each adapter
 * (core/gateways/<provider>/) maps its provider's raw codes into these outcomes in exactly one
 * function, so the engine never sees a provider code. The rule that protects money:
 * a timeout, connection reset, non-2xx, unparseable body or failed signature is `unknown`, never `failed`.
 */
import type { Fen } from '../common/money.ts';
import { PROVIDER_NAMES, type ProviderName } from '../common/providers.ts';
import type { SupportedWallet } from '../common/recognition/wallet-rules.ts';
import type {
  CloseOutcome,
  PaymentOutcome,
  PrecreateOutcome,
  RefundOutcome,
  ReverseOutcome,
} from '../domain/provider-outcomes.ts';

/** The provider names live in core/common/providers.ts (one list for contract, config and journal). */
export type Provider = ProviderName;
export const PROVIDERS: readonly Provider[] = PROVIDER_NAMES;

// The outcome types are the domain's (core/domain/provider-outcomes.ts): ports depend on the domain,
// never the other way round. Re-exported so adapters keep importing everything from this port.
export type {
  CloseOutcome,
  PaymentOutcome,
  PrecreateOutcome,
  RefundOutcome,
  ReverseOutcome,
  UnknownReason,
} from '../domain/provider-outcomes.ts';

export interface MicropayRequest {
  readonly outTradeNo: string;
  readonly authCode: string;
  readonly totalFee: Fen;
  readonly subject: string;
  /** Passed through to the provider as is (vk-uni-pay `other`). */
  readonly other?: Readonly<Record<string, string>>;
  readonly attach?: string;
  /** ms since epoch. */
  readonly timeExpire?: number;
  readonly clientIp?: string;
  readonly storeId?: string;
  readonly terminalId?: string;
  readonly operatorId?: string;
}

export interface PrecreateRequest {
  readonly outTradeNo: string;
  readonly totalFee: Fen;
  readonly subject: string;
  readonly productId?: string;
  /** ms since epoch: when the QR stops being payable. */
  readonly timeExpire?: number;
  readonly notifyUrl?: string;
  readonly clientIp?: string;
  readonly other?: Readonly<Record<string, string>>;
}

export interface OrderRef {
  readonly outTradeNo: string;
  /** Provider's transaction id, when known (PAYJS reverse/refund need it). */
  readonly transactionId?: string;
  /** The provider's order number from an earlier reply, journaled with the attempt (PAYJS payjs_order_id). */
  readonly providerOrderId?: string;
}

export interface RefundRequest extends OrderRef {
  readonly outRefundNo: string;
  readonly totalFee: Fen;
  readonly refundFee: Fen;
  readonly reason?: string;
}

export interface RefundQueryRequest extends OrderRef {
  readonly outRefundNo: string;
}

export interface PaymentGateway {
  readonly provider: Provider;
  /** Which customer wallets this gateway can charge (PAYJS: WeChat only). */
  readonly wallets: readonly SupportedWallet[];
  /** The wallet a QR code of this gateway is paid from (a WeChat Native QR cannot be paid from Alipay). */
  readonly qrWallet: SupportedWallet;
  micropay(request: MicropayRequest): Promise<PaymentOutcome>;
  query(order: OrderRef): Promise<PaymentOutcome>;
  /** WeChat reverse / Alipay cancel / PAYJS reverse: refund if paid, close if not. */
  reverse(order: OrderRef): Promise<ReverseOutcome>;
  close(order: OrderRef): Promise<CloseOutcome>;
  refund(request: RefundRequest): Promise<RefundOutcome>;
  queryRefund(request: RefundQueryRequest): Promise<RefundOutcome>;
  /** QR mode: a code for the customer to scan (WeChat NATIVE code_url, Alipay precreate qr_code, PAYJS native). */
  precreate(request: PrecreateRequest): Promise<PrecreateOutcome>;
}
