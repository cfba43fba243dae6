/**
 * Everything that can go wrong between sending a request and holding a reply we trust becomes one
 * `unknown` value here, so no adapter can accidentally turn a lost reply into `failed`.
 */
import type { UnknownReason } from '../../ports/payment-gateway.ts';
import type { HttpPostResult } from './http-post.ts';

export interface UnknownResult {
  readonly kind: 'unknown';
  readonly reason: UnknownReason;
  readonly detail: string;
}

export function unknown(reason: UnknownReason, detail: string): UnknownResult {
  return { kind: 'unknown', reason, detail };
}

/** A 2xx body, or the `unknown` that a transport failure / non-2xx status means. */
export function bodyOrUnknown(
  result: HttpPostResult,
): { readonly kind: 'body'; readonly body: string } | UnknownResult {
  if (result.kind === 'transport_failure') {
    return unknown(result.reason === 'too_large' ? 'unparseable' : result.reason, result.detail);
  }
  if (result.status < 200 || result.status > 299) return unknown('http_status', `HTTP ${result.status}`);
  return { kind: 'body', body: result.body };
}

/**
 * vk-uni-pay's `other` is passed to the provider as is, but never overrides a field the adapter sets
 * (amount, out_trade_no, auth_code…): those come from the checked order.
 */
export function withPassThrough(
  other: Readonly<Record<string, string>> | undefined,
  own: Readonly<Record<string, string | undefined>>,
): Record<string, string> {
  const merged: Record<string, string> = { ...other };
  for (const [name, value] of Object.entries(own)) if (value !== undefined) merged[name] = value;
  return merged;
}
