import { describe, expect, it } from 'vitest';
import { SCAN_REJECT_CODES } from '../../core/ports/scanner-source.ts';
import { errorText } from '../../renderer/src/i18n/catalog.ts';

describe('scan reject codes', () => {
  it.each(SCAN_REJECT_CODES)('%s has its own text in both catalogs', (code) => {
    for (const language of ['en', 'zh-CN'] as const) {
      expect(errorText(language, code)).not.toBe(errorText(language, 'no_such_code'));
    }
  });
});
