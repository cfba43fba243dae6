/** What the driver feeds the machine (provider replies, cashier actions) and what the machine asks it to do. */
import type { CloseOutcome, PaymentOutcome, PrecreateOutcome, ReverseOutcome } from './provider-outcomes.ts';

export type AttemptEvent =
  | { readonly kind: 'charge_replied'; readonly outcome: PaymentOutcome }
  | { readonly kind: 'precreate_replied'; readonly outcome: PrecreateOutcome }
  | { readonly kind: 'query_replied'; readonly outcome: PaymentOutcome }
  | { readonly kind: 'reverse_replied'; readonly outcome: ReverseOutcome }
  | { readonly kind: 'close_replied'; readonly outcome: CloseOutcome }
  /** The cashier pressed Stop, or the order was closed through the API. */
  | { readonly kind: 'stop_requested' }
  /** A human (or the network coming back) asks a needs_attention attempt to try again. */
  | { readonly kind: 'retry_requested' }
  /**
   * Start-up found the attempt's merchant (or its gateway for this provider) gone from the
   * configuration: nothing can be asked of the provider, so a person is asked, and nothing is lost.
   */
  | { readonly kind: 'merchant_missing'; readonly message: string }
  /** Start-up found the merchant configured again: the parked attempt resumes where it stood. */
  | { readonly kind: 'merchant_restored' }
  /** A verified provider notification says paid (QR mode). */
  | { readonly kind: 'notified_paid'; readonly outcome: Extract<PaymentOutcome, { kind: 'paid' }> };

export type AttemptCommand =
  | { readonly kind: 'charge' }
  | { readonly kind: 'precreate' }
  | { readonly kind: 'query' }
  | { readonly kind: 'reverse' }
  | { readonly kind: 'close' }
  | { readonly kind: 'wait'; readonly until: number }
  | { readonly kind: 'done' };

export type ProviderCall = Exclude<AttemptCommand['kind'], 'wait' | 'done'>;
