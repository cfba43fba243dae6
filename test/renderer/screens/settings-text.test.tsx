// @vitest-environment jsdom
/** Settings read in the UI language: no "set (hidden)", no raw provider ids, delays in seconds, not 毫秒. */
import { act, cleanup, fireEvent, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { SettingsScreen } from '../../../renderer/src/screens/settings-screen.tsx';
import { defaultBridge, renderWithStores } from '../fixtures/render-app.tsx';
import { someSettings } from '../fixtures/views.ts';

afterEach(cleanup);

async function unlocked(language: 'zh-CN' | 'en') {
  const settings = someSettings({
    language,
    merchants: [
      {
        pid: 'shop',
        name: '街角茶铺',
        provider: 'wxpay',
        wallets: ['wxpay', 'alipay'],
        base_url: 'configured',
        credentials: { wxpay: 'set (hidden)', alipay: 'set (hidden)' },
      },
    ],
    scanners: [{ id: 'wedge-1', kind: 'wedge', summary: 'keyboard wedge' }],
    poll_schedules: { wxpay: { query_delays_ms: [2000, 2500, 5000], reverse_after_ms: 60000 } },
  });
  const bridge = defaultBridge()
    .on('getSettings', () => settings)
    .on('verifyPin', () => ({ ok: true }));
  const { stores } = renderWithStores(<SettingsScreen />, { bridge, language });
  await act(async () => stores.settings.getState().load());
  fireEvent.change(screen.getByTestId('settings-pin'), { target: { value: '246810' } });
  await act(async () =>
    fireEvent.click(screen.getByRole('button', { name: language === 'en' ? 'Unlock' : '解锁' })),
  );
}

describe('settings text', () => {
  it('in Chinese: credentials, endpoint, scanner and poll schedule read in Chinese, in seconds', async () => {
    await unlocked('zh-CN');
    const page = document.body.textContent ?? '';
    expect(page).not.toMatch(/set \(hidden\)|configured|keyboard wedge|毫秒/);
    expect(screen.getByTestId('credentials-wxpay').textContent).toBe('微信支付已配置（不显示）');
    expect(screen.getByTestId('merchant-endpoint').textContent).toBe('正式接口（按配置）');
    expect(page).toContain('键盘模式扫码枪');
    expect(screen.getByTestId('poll-wxpay').textContent).toBe(
      '微信支付查询间隔（秒）: 2, 2.5, 5超时撤销（秒）: 60',
    );
  });

  it('in English: the same in English', async () => {
    await unlocked('en');
    expect(screen.getByTestId('credentials-alipay').textContent).toBe('AlipayConfigured (hidden)');
    expect(screen.getByTestId('poll-wxpay').textContent).toContain('Reverse after (s): 60');
  });
});
