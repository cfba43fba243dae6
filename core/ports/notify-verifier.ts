/**
 * The NotifyVerifier port: each provider's adapter (core/gateways/<provider>/<provider>-notify.ts)
 * implements it; the service's notify handler (core/service/notify/) books what it reads.
 *
 * What a provider's payment notification says once its signature has been checked with the
 * merchant's own credentials, and what we answer. Readings are tagged unions so the handler decides
 * booking in one place; a verifier only parses and verifies.
 */
import type { ProviderName } from '../common/contract/views.ts';

export type NotifyReading =
  /**
   * Unsigned, wrongly signed, for another merchant, or unreadable: nothing may be booked from it.
   * `clockSkew`: the signature verified but its signed time is too far from our clock (WeChat APIv3),
   * so the fault is the terminal's clock; the service raises its clock warning with this text.
   */
  | { readonly kind: 'rejected'; readonly reason: string; readonly clockSkew?: string }
  /** Verified, but the trade is not (yet) paid: acknowledged, nothing booked. */
  | { readonly kind: 'not_paid'; readonly outTradeNo: string; readonly tradeStatus: string }
  /** Verified paid notification. `paidAt` is ISO 8601 with the China offset, when the provider gave one. */
  | {
      readonly kind: 'paid';
      readonly outTradeNo: string;
      readonly totalFee: number;
      readonly transactionId: string;
      readonly paidAt?: string;
    };

export interface NotifyAnswer {
  readonly status: number;
  readonly contentType: string;
  readonly body: string;
}

/** The notification's HTTP headers, lower-cased (WeChat APIv3 signs notifications in Wechatpay-* headers). */
export type NotifyHeaders = Readonly<Record<string, string | string[] | undefined>>;

export interface NotifyVerifier {
  readonly provider: ProviderName;
  read(body: string, headers?: NotifyHeaders): NotifyReading;
  /** The provider's "received, stop retrying" answer. */
  readonly success: NotifyAnswer;
  /** The provider's failure answer (status 400), so it retries or gives up on its own schedule. */
  failure(message: string): NotifyAnswer;
}
