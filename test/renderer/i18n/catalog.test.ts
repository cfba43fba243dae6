import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../../../core/common/error-codes.ts';
import { errorText, translate } from '../../../renderer/src/i18n/catalog.ts';
import { en } from '../../../renderer/src/i18n/en.ts';
import { zhCN } from '../../../renderer/src/i18n/zh-cn.ts';

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
