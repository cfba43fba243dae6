/**
 * What the refund stores share about an ask whose answer never came: which failures mean the service
 * (or the hub behind it) may have taken it, and the random part of a fresh ask's number. An ask that
 * may have been taken is repeated exactly (same number, same amount) until it is answered, so a lost
 * reply can never become a second refund.
 */
import type { ErrorShape } from '../../../core/common/errors.ts';
import { entryToFen } from './amount-entry.ts';

/** Failures after which the ask may have been taken; every other code certainly asked nothing. */
const MAYBE_ASKED = new Set(['hub_no_answer', 'service_unreachable', 'service_bad_reply', 'internal_error']);

/** Refusals by this till's access checks, before anything was asked: they say nothing of an earlier ask. */
const REFUSED_BEFORE_ASKING = new Set([
  'pin_required',
  'pin_invalid',
  'pin_retry_later',
  'pin_change_required',
  'access_token_required',
  'auth_untrusted_sender',
  'validation_failed',
]);

/**
 * The unanswered ask to keep after a failed ask: the ask itself when it may have been taken; none
 * when it repeated the unanswered one and was answered (a refusal for that very number or request id
 * means the first was never taken, else the first would have been answered again); otherwise the
 * one kept before.
 */
export function unansweredAfter<Ask>(
  code: string,
  asked: Ask,
  repeated: boolean,
  kept: Ask | null,
): Ask | null {
  if (MAYBE_ASKED.has(code)) return asked;
  if (repeated && !REFUSED_BEFORE_ASKING.has(code)) return null;
  return kept;
}

/**
 * The fee of the next ask, or why there is none: an unanswered ask's own fee (what is refundable may
 * already count it), else the amount typed (empty = all that is left), at most what is left.
 */
export function feeToAsk(
  repeatFee: number | null,
  amountText: string,
  refundableFee: number,
): { readonly fee: number } | { readonly error: ErrorShape } {
  if (repeatFee !== null) return { fee: repeatFee };
  const text = amountText.trim();
  const fee = text === '' ? refundableFee : entryToFen(text);
  if (fee === null || fee <= 0) return { error: { code: 'amount_invalid', message: 'not an amount' } };
  if (fee > refundableFee) return { error: { code: 'refund_exceeds_paid', message: 'more than refundable' } };
  return { fee };
}

/** `bytes` random bytes as hex: getRandomValues works on a LAN page over plain HTTP, randomUUID does not. */
export function randomHex(bytes: number): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(bytes)), (b) =>
    b.toString(16).padStart(2, '0'),
  ).join('');
}
