/** The current language's text functions, for components. */
import type { FailureView } from '../../../core/common/contract/views.ts';
import { formatFen } from '../../../core/common/money.ts';
import { useApp } from '../state/stores-context.tsx';
import {
  errorText,
  failureText,
  hasMessage,
  type Language,
  type MessageKey,
  type Params,
  translate,
} from './catalog.ts';

export interface I18n {
  readonly lang: Language;
  t(key: MessageKey, params?: Params): string;
  err(code: string | null | undefined): string;
  /**
   * A service problem in the UI language: our words for a code we know, else a plain sentence that
   * points at the detail line. Never the service's or provider's own message (English for logs, or
   * Chinese from WeChat/Alipay): that goes in problemDetail().
   */
  problem(problem: { readonly code: string; readonly message: string } | null | undefined): string;
  /**
   * For a code we have no words for (a provider's own), its raw code and message for a detail line
   * under problem(): "REVERSE_EXPIRE: 订单已超过撤销时限". Empty for our codes: their text says it all.
   */
  problemDetail(problem: { readonly code: string; readonly message: string } | null | undefined): string;
  /** A failed attempt's reason and advice, keyed by its decline reason. */
  failure(failure: FailureView | null | undefined): { readonly reason: string; readonly todo: string };
  money(fen: number): string;
  time(ms: number | null | undefined): string;
}

export function makeI18n(lang: Language): I18n {
  const locale = lang === 'en' ? 'en-GB' : 'zh-CN';
  return {
    lang,
    t: (key, params) => translate(lang, key, params),
    err: (code) => errorText(lang, code),
    problem: (p) => {
      if (!p) return errorText(lang, null);
      return hasMessage(`error.${p.code}`)
        ? errorText(lang, p.code)
        : translate(lang, 'problem.unrecognised');
    },
    problemDetail: (p) =>
      !p || hasMessage(`error.${p.code}`) ? '' : p.message ? `${p.code}: ${p.message}` : p.code,
    failure: (failure) => failureText(lang, failure),
    money: (fen) => formatFen(fen),
    time: (ms) =>
      ms === null || ms === undefined ? '—' : new Date(ms).toLocaleString(locale, { hour12: false }),
  };
}

const cache = new Map<Language, I18n>();

export function useI18n(): I18n {
  const lang = useApp('settings', (s) => s.language);
  let i18n = cache.get(lang);
  if (!i18n) {
    i18n = makeI18n(lang);
    cache.set(lang, i18n);
  }
  return i18n;
}
