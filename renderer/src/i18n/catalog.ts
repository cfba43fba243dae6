/**
 * The one place UI text comes from: `translate(lang, key, params)` and `errorText(lang, error)`.
 * Error codes map to `error.<code>`; an unknown code falls back to the generic message, never to
 * the service's English text (which is for logs and integrators).
 */
import type { DeclineReason, FailureView } from '../../../core/common/contract/views.ts';
import type { ErrorCode } from '../../../core/common/error-codes.ts';
import type { ProviderName } from '../../../core/common/providers.ts';
import { en } from './en.ts';
import { type MessageKey, zhCN } from './zh-cn.ts';

export type Language = 'zh-CN' | 'en';
export type { MessageKey };
export type Params = Readonly<Record<string, string | number>>;

const CATALOGS: Readonly<Record<Language, Readonly<Record<MessageKey, string>>>> = { 'zh-CN': zhCN, en };

/**
 * Compile-time (en.ts is typed by zh-cn.ts's keys): every code core can return has a text, every
 * decline reason a text and advice, every provider a name, and the catalog holds no error text for anything else (a
 * provider's own code, a code nobody returns).
 */
type ErrorKey = `error.${ErrorCode}`;
type DeclineKey = `decline.${DeclineReason}` | `decline.${DeclineReason}.todo`;
type ProviderKey = `provider.${ProviderName}`;
const EVERY_CODE_HAS_TEXT: Readonly<Record<ErrorKey | DeclineKey | ProviderKey, string>> = zhCN;
type StrayErrorKey = Exclude<Extract<MessageKey, `error.${string}`>, ErrorKey | 'error.generic'>;
const NO_STRAY_ERROR_TEXT: [StrayErrorKey] extends [never] ? true : StrayErrorKey = true;
void EVERY_CODE_HAS_TEXT;
void NO_STRAY_ERROR_TEXT;

export function translate(lang: Language, key: MessageKey, params?: Params): string {
  const text = CATALOGS[lang][key];
  if (!params) return text;
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

export function hasMessage(key: string): key is MessageKey {
  return key in zhCN;
}

/** Why a payment failed and what to do next: keyed by the decline reason, never by a provider code. */
export function failureText(
  lang: Language,
  failure: FailureView | null | undefined,
): { readonly reason: string; readonly todo: string } {
  if (failure?.reason) {
    return {
      reason: translate(lang, `decline.${failure.reason}`),
      todo: translate(lang, `decline.${failure.reason}.todo`),
    };
  }
  // Our own finding (amount_mismatch), or none: the error text, and the general advice.
  return { reason: errorText(lang, failure?.code), todo: translate(lang, 'outcome.failed.todo') };
}

/** Text for an error code from the contract (scan, validation, conflict, gateway…), or the generic one. */
export function errorText(lang: Language, code: string | null | undefined): string {
  const key = `error.${code ?? ''}`;
  return translate(lang, hasMessage(key) ? key : 'error.generic');
}

export function isLanguage(value: unknown): value is Language {
  return value === 'zh-CN' || value === 'en';
}
