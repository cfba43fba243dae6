// @vitest-environment jsdom
/**
 * The QR display screen: both wallets side by side, the code hidden the moment its time is up (by
 * the screen's own clock too), 二维码已失效, the paid wallet, and the second payment's refund reported.
 */
import { act, cleanup, fireEvent, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { QrCodeView } from '../../../core/common/contract/views.ts';
import { QrDisplay } from '../../../renderer/src/screens/qr-display.tsx';
import { defaultBridge, renderWithStores } from '../fixtures/render-app.tsx';
import { aQr } from '../fixtures/views.ts';

afterEach(() => {
  cleanup();
  vi.useRealTimers();
});

const code = (wallet: 'wxpay' | 'alipay'): QrCodeView => ({
  wallet,
  provider: wallet,
  out_trade_no: `Q-${wallet}`,
  qr_code: `${wallet}-code`,
  qr_svg_data_url: `data:image/svg+xml;base64,${wallet}`,
});

async function showing(codes: QrCodeView[], expiresIn: number, language: 'zh-CN' | 'en' = 'zh-CN') {
  const bridge = defaultBridge().on('qrState', () =>
    aQr({
      state: 'showing',
      out_trade_no: codes[0]!.out_trade_no,
      wallet: codes[0]!.wallet,
      qr_code: codes[0]!.qr_code,
      qr_svg_data_url: codes[0]!.qr_svg_data_url,
      codes,
      expires_at: Date.now() + expiresIn,
    }),
  );
  const rendered = renderWithStores(<QrDisplay />, { bridge, language });
  await act(async () => rendered.stores.qr.getState().load());
  return rendered;
}

describe('QR display screen', () => {
  it('shows both wallets side by side, each named, with countdown and 取消', async () => {
    await showing([code('wxpay'), code('alipay')], 60_000);
    expect(screen.getByTestId('qr-image-wxpay').getAttribute('src')).toContain('wxpay');
    expect(screen.getByTestId('qr-image-alipay').getAttribute('src')).toContain('alipay');
    expect(screen.getByTestId('qr-code-wxpay').textContent).toBe('微信支付');
    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('请用微信或支付宝扫码支付');
    expect(screen.getByTestId('qr-countdown').textContent).toMatch(/^(59|60) 秒后二维码失效$/);
    expect(screen.getByTestId('qr-cancel').textContent).toBe('取消');
  });

  it('one wallet configured: one code, and the heading names that wallet', async () => {
    await showing([code('wxpay')], 60_000);
    expect(screen.queryByTestId('qr-image-alipay')).toBeNull();
    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('请用微信扫码支付');
  });

  it('hides the codes the moment the countdown ends, before the service says so: 二维码已失效', async () => {
    vi.useFakeTimers({ toFake: ['Date', 'setInterval', 'clearInterval'] });
    await showing([code('wxpay'), code('alipay')], 3_000);
    expect(screen.getByTestId('qr-screen').dataset.state).toBe('showing');
    act(() => vi.advanceTimersByTime(3_000));
    expect(screen.getByTestId('qr-screen').dataset.state).toBe('expired');
    expect(screen.queryByTestId('qr-image-wxpay')).toBeNull();
    expect(screen.queryByTestId('qr-image-alipay')).toBeNull();
    expect(screen.getByTestId('qr-expired').textContent).toBe('二维码已失效');
    expect(document.body.textContent).not.toMatch(/0 秒后/);
  });

  it('paid: names the wallet, and reports a second payment refunded automatically', async () => {
    const { bridge } = await showing([code('wxpay'), code('alipay')], 60_000, 'en');
    act(() =>
      bridge.emit({
        kind: 'qr',
        qr: aQr({
          state: 'paid',
          wallet: 'alipay',
          out_trade_no: 'Q-alipay',
          action: { state: 'done', message: null },
          duplicate: { out_trade_no: 'Q-wxpay', wallet: 'wxpay', total_fee: 1000, state: 'refunded' },
        }),
      }),
    );
    expect(screen.getByTestId('qr-paid-wallet').textContent).toBe('Alipay');
    expect(screen.getByTestId('qr-duplicate').textContent).toBe(
      'You paid twice: the ¥10.00 paid with WeChat Pay has been refunded automatically.',
    );
  });

  it('取消 cancels through the service', async () => {
    const { bridge } = await showing([code('wxpay'), code('alipay')], 60_000);
    bridge.on('qrCancel', () => aQr());
    await act(async () => fireEvent.click(screen.getByTestId('qr-cancel')));
    expect(bridge.callsOf('qrCancel')).toHaveLength(1);
    expect(screen.getByTestId('qr-screen').dataset.state).toBe('idle');
  });
});
