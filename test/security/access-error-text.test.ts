/** Every code the access checks and request guards can answer has its own text in both UI languages. */
import { describe, expect, it } from 'vitest';
import { ACCESS_ERROR_CODES } from '../../core/common/errors.ts';
import { errorText } from '../../renderer/src/i18n/catalog.ts';

describe('access error texts', () => {
  it.each(ACCESS_ERROR_CODES)('%s has a specific message in English and Chinese', (code) => {
    expect(errorText('en', code)).not.toBe(errorText('en', 'no_such_code'));
    expect(errorText('zh-CN', code)).not.toBe(errorText('zh-CN', 'no_such_code'));
  });
});
