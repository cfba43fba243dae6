// @vitest-environment jsdom
/**
 * A provider's own message (Chinese from WeChat/Alipay) never stands in for our text: the item reads
 * in the UI language, and the raw code and message sit in a detail line for support.
 */
import { act, cleanup, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { AttentionScreen } from '../../../renderer/src/screens/attention-screen.tsx';
import { defaultBridge, renderWithStores } from '../fixtures/render-app.tsx';
import { anAttempt } from '../fixtures/views.ts';

afterEach(cleanup);

async function attentionWith(code: string, message: string, language: 'zh-CN' | 'en') {
  const bridge = defaultBridge().on('listUnresolved', () => [
    anAttempt({ phase: 'needs_attention', attention: { code, message } }),
  ]);
  const { stores } = renderWithStores(<AttentionScreen />, { bridge, language });
  await act(async () => stores.attempts.getState().load());
}

describe('provider messages in the UI language', () => {
  it('the English UI shows English words, the raw Chinese message only in the detail line', async () => {
    await attentionWith('REVERSE_EXPIRE', '订单已超过撤销时限', 'en');
    const item = screen.getByTestId('attention-item');
    const reason = screen.getByTestId('attention-reason').textContent ?? '';
    expect(reason).not.toContain('订单已超过撤销时限');
    expect(reason).toMatch(/^The payment provider/);
    expect(screen.getByTestId('attention-detail').textContent).toBe('REVERSE_EXPIRE: 订单已超过撤销时限');
    expect(item.textContent).toContain('REVERSE_EXPIRE');
  });

  it('a code we know reads in our words alone: no raw code, no detail line', async () => {
    await attentionWith('reversal_exhausted', 'reverse gave up after 6 tries', 'zh-CN');
    expect(screen.getByTestId('attention-reason').textContent).toMatch(/撤销/);
    expect(screen.queryByTestId('attention-detail')).toBeNull();
    expect(screen.getByTestId('attention-item').textContent).not.toMatch(/reversal_exhausted|6 tries/);
  });
});
