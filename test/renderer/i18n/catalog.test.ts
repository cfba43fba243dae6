import { describe, expect, it } from 'vitest';
import type { RecognitionErrorCode } from '../../../core/common/recognition/classify-payment-code.ts';
import { errorText, translate } from '../../../renderer/src/i18n/catalog.ts';
import { en } from '../../../renderer/src/i18n/en.ts';
import { zhCN } from '../../../renderer/src/i18n/zh-cn.ts';

const RECOGNITION: readonly RecognitionErrorCode[] = [
  'code_empty',
  'code_has_letters',
  'code_has_invalid_characters',
  'code_is_product_barcode',
  'code_too_short',
  'code_too_long',
  'code_unknown_prefix',
  'wallet_not_supported',
];
const CONTRACT_CODES = [
  'amount_invalid',
  'amount_not_integer',
  'amount_not_positive',
  'amount_too_large',
  'attempt_unresolved',
  'export_too_large',
  'refund_exceeds_paid',
  'pin_invalid',
  'provider_unreachable',
  'internal_error',
  'service_unreachable',
  'journal_unavailable',
  'journal_snapshot_unreadable',
  'merchant_not_configured',
];

describe('text catalog', () => {
  it('has the same keys in English and Chinese, none empty', () => {
    expect(Object.keys(en).sort()).toEqual(Object.keys(zhCN).sort());
    for (const [key, text] of Object.entries(en)) expect(text, key).not.toBe('');
  });

  it.each([...RECOGNITION, ...CONTRACT_CODES])('has a specific message for %s in both languages', (code) => {
    expect(errorText('en', code)).not.toBe(errorText('en', 'no_such_code'));
    expect(errorText('zh-CN', code)).not.toBe(errorText('zh-CN', 'no_such_code'));
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
