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
  /** A service problem: our words when the catalog knows its code, else the service's own message. */
  problem(problem: { readonly code: string; readonly message: string } | null | undefined): string;
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
      return hasMessage(`error.${p.code}`) || !p.message ? errorText(lang, p.code) : p.message;
    },
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
