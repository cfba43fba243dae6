import { describe, expect, it } from 'vitest';
import { DECLINE_REASONS } from '../../../core/common/decline-reasons.ts';
import { ERROR_CODES } from '../../../core/common/error-codes.ts';
import { errorText, failureText, translate } from '../../../renderer/src/i18n/catalog.ts';
import { en } from '../../../renderer/src/i18n/en.ts';
import { zhCN } from '../../../renderer/src/i18n/zh-cn.ts';

const errorKeys = (catalog: Readonly<Record<string, string>>) =>
  Object.keys(catalog)
    .filter((key) => key.startsWith('error.') && key !== 'error.generic')
    .map((key) => key.slice('error.'.length));

describe('text catalog', () => {
  it('has the same keys in English and Chinese, none empty', () => {
    expect(Object.keys(en).sort()).toEqual(Object.keys(zhCN).sort());
    for (const [key, text] of Object.entries(en)) expect(text, key).not.toBe('');
    for (const [key, text] of Object.entries(zhCN)) expect(text, key).not.toBe('');
  });

  it.each(ERROR_CODES)('has a specific message for %s in both languages', (code) => {
    expect(errorText('en', code)).not.toBe(errorText('en', 'no_such_code'));
    expect(errorText('zh-CN', code)).not.toBe(errorText('zh-CN', 'no_such_code'));
  });

  it('writes the Chinese text in Chinese', () => {
    for (const code of ERROR_CODES) expect(errorText('zh-CN', code), code).toMatch(/[\u4e00-\u9fff]/);
  });

  it('holds no error text for a code core does not return', () => {
    const known: readonly string[] = ERROR_CODES;
    expect(errorKeys(zhCN).filter((code) => !known.includes(code))).toEqual([]);
    expect(errorKeys(en).filter((code) => !known.includes(code))).toEqual([]);
  });

  it.each(DECLINE_REASONS)('has a reason and advice for the decline %s in both languages', (reason) => {
    const failure = { code: 'PROVIDER_CODE', message: 'provider text', reason };
    for (const lang of ['en', 'zh-CN'] as const) {
      const text = failureText(lang, failure);
      expect(text.reason).not.toBe(errorText(lang, 'no_such_code'));
      expect(text.reason).not.toMatch(/PROVIDER_CODE|provider text/);
      expect(text.todo).not.toBe('');
    }
  });

  it('explains our own failure (no decline reason) by its error code', () => {
    const failure = { code: 'amount_mismatch', message: 'charged 2 fen', reason: null };
    expect(failureText('en', failure).reason).toBe(en['error.amount_mismatch']);
    expect(failureText('zh-CN', failure).todo).toBe(zhCN['outcome.failed.todo']);
  });

  it('lists each code once', () => {
    expect(new Set(ERROR_CODES).size).toBe(ERROR_CODES.length);
  });

  it('falls back to the generic message for an unknown code, never to the raw code', () => {
    expect(errorText('en', 'something_new')).toBe(en['error.generic']);
    expect(errorText('zh-CN', undefined)).toBe(zhCN['error.generic']);
  });

  it('says a product barcode plainly', () => {
    expect(errorText('en', 'code_is_product_barcode')).toMatch(/product barcode/);
    expect(errorText('zh-CN', 'code_is_product_barcode')).toMatch(/商品条码/);
  });

  it('fills parameters', () => {
    expect(translate('en', 'sale.charging.deadline', { seconds: 42 })).toBe('42 s left');
    expect(translate('zh-CN', 'sale.charging.deadline', { seconds: 42 })).toBe('剩余 42 秒');
  });
});
