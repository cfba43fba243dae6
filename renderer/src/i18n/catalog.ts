/**
 * The one place UI text comes from: `translate(lang, key, params)` and `errorText(lang, error)`.
 * Error codes map to `error.<code>`; an unknown code falls back to the generic message, never to
 * the service's English text (which is for logs and integrators).
 */
import type { ErrorCode } from '../../../core/common/error-codes.ts';
import { en } from './en.ts';
import { type MessageKey, zhCN } from './zh-cn.ts';

export type Language = 'zh-CN' | 'en';
export type { MessageKey };
export type Params = Readonly<Record<string, string | number>>;

const CATALOGS: Readonly<Record<Language, Readonly<Record<MessageKey, string>>>> = { 'zh-CN': zhCN, en };

/** Compile-time: every code core can return has a text (en.ts is typed by zh-cn.ts's keys). */
type ErrorKey = `error.${ErrorCode}`;
const EVERY_CODE_HAS_TEXT: Readonly<Record<ErrorKey, string>> = zhCN;
void EVERY_CODE_HAS_TEXT;

export function translate(lang: Language, key: MessageKey, params?: Params): string {
  const text = CATALOGS[lang][key];
  if (!params) return text;
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

export function hasMessage(key: string): key is MessageKey {
  return key in zhCN;
}

/** Text for an error code from the contract (scan, validation, conflict, gateway…), or the generic one. */
export function errorText(lang: Language, code: string | null | undefined): string {
  const key = `error.${code ?? ''}`;
  return translate(lang, hasMessage(key) ? key : 'error.generic');
}

export function isLanguage(value: unknown): value is Language {
  return value === 'zh-CN' || value === 'en';
}
