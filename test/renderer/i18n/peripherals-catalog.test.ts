import { describe, expect, it } from 'vitest';
import { errorText } from '../../../renderer/src/i18n/catalog.ts';

/** Codes the peripherals operations can return to the UI. */
const PERIPHERAL_CODES = [
  'cash_tendered_short',
  'printer_not_configured',
  'receipt_order_not_paid',
  'order_not_found',
  'pin_invalid',
];

describe('peripherals error text', () => {
  it.each(PERIPHERAL_CODES)('%s has a specific message in both languages', (code) => {
    expect(errorText('en', code)).not.toBe(errorText('en', 'no_such_code'));
    expect(errorText('zh-CN', code)).not.toBe(errorText('zh-CN', 'no_such_code'));
  });
});
