// @vitest-environment jsdom
import { act, cleanup, fireEvent, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { App } from '../../../renderer/src/app.tsx';
import { StatusBar } from '../../../renderer/src/components/status-bar.tsx';
import { AttentionScreen } from '../../../renderer/src/screens/attention-screen.tsx';
import { HistoryScreen } from '../../../renderer/src/screens/history-screen.tsx';
import { QrDisplay } from '../../../renderer/src/screens/qr-display.tsx';
import { RefundScreen } from '../../../renderer/src/screens/refund-screen.tsx';
import { SettingsScreen } from '../../../renderer/src/screens/settings-screen.tsx';
import { defaultBridge, renderWithStores } from '../fixtures/render-app.tsx';
import { aHealth, anAttempt, anOrder, anOrderDetail, aQr, someSettings, T0 } from '../fixtures/views.ts';

afterEach(cleanup);

const input = (testId: string, value: string) =>
  fireEvent.change(screen.getByTestId(testId), { target: { value } });

describe('refund screen', () => {
  it('finds an order, refunds part of it with the PIN and shows the outcome', async () => {
    const paid = anOrderDetail({ status: 1, tender: 'alipay', transaction_id: 'TX' });
    const bridge = defaultBridge()
      .on('getOrder', () => paid)
      .on('refund', (r) => ({
        out_trade_no: r.out_trade_no,
        out_refund_no: 'R1',
        refund_fee: r.refund_fee ?? 0,
        status: 'succeeded',
        order: { ...paid, status: 2, refunded_fee: r.refund_fee ?? 0 },
      }));
    renderWithStores(<RefundScreen />, { bridge });
    input('refund-lookup', 'SO1001');
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Find' })));
    expect(screen.getByTestId('refundable').textContent).toBe('¥12.50');
    input('refund-amount', '2.50');
    input('refund-pin', '1234');
    await act(async () => fireEvent.click(screen.getByTestId('refund-submit')));
    expect(bridge.callsOf('refund')).toEqual([
      {
        out_trade_no: 'SO1001',
        out_refund_no: expect.stringMatching(/^SO1001R[0-9a-f]{16}$/),
        refund_fee: 250,
        pin: '1234',
      },
    ]);
    expect(screen.getByTestId('refund-result').textContent).toMatch(/^Refunded ¥2\.50/);
    expect(screen.getByTestId('refundable').textContent).toBe('¥10.00');
  });

  it('says so when the PIN is wrong', async () => {
    const bridge = defaultBridge()
      .on('getOrder', () => anOrderDetail({ status: 1 }))
      .fail('refund', 'pin_invalid');
    renderWithStores(<RefundScreen />, { bridge });
    input('refund-lookup', 'SO1001');
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Find' })));
    input('refund-pin', '0000');
    await act(async () => fireEvent.click(screen.getByTestId('refund-submit')));
    expect(screen.getByRole('alert').textContent).toMatch(/Wrong supervisor PIN/);
  });
});

describe('attention screen', () => {
  it('lists attempts needing attention, retries them and shows their timeline', async () => {
    const bridge = defaultBridge()
      .on('listUnresolved', () => [
        anAttempt({ phase: 'needs_attention', attention: { code: 'provider_unreachable', message: 'x' } }),
      ])
      .on('retryAttempt', () => anAttempt({ phase: 'reversing', updated_at: T0 + 1 }))
      .on('getOrder', () =>
        anOrderDetail({
          timeline: [
            { at: T0, out_trade_no: 'SO1001', step: 'intent', op: 'reverse', summary: 'reverse #1' },
          ],
        }),
      );
    renderWithStores(<AttentionScreen />, { bridge });
    await act(async () => {});
    const item = screen.getByTestId('attention-item');
    expect(item.textContent).toMatch(/needs attention/);
    expect(item.textContent).toMatch(/Cannot reach the payment provider/);
    await act(async () => fireEvent.click(screen.getByRole('button', { name: /Timeline/ })));
    expect(screen.getByText(/reverse #1/)).toBeTruthy();
    await act(async () => fireEvent.click(screen.getByRole('button', { name: /Retry/ })));
    expect(bridge.callsOf('retryAttempt')).toEqual([{ out_trade_no: 'SO1001' }]);
    expect(screen.getByTestId('attention-item').textContent).toMatch(/reversing/);
  });
});

describe('settings screen', () => {
  it('stays locked until the supervisor PIN is verified, then shows masked credentials', async () => {
    const bridge = defaultBridge().on('verifyPin', (r) => ({ ok: r.pin === '2468' }));
    const { stores } = renderWithStores(<SettingsScreen />, { bridge });
    await act(async () => stores.settings.getState().load());
    input('settings-pin', '1111');
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Unlock' })));
    expect(screen.getByRole('alert').textContent).toMatch(/Wrong supervisor PIN/);
    expect(screen.queryByText('••••3f2a')).toBeNull();
    input('settings-pin', '2468');
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Unlock' })));
    expect(screen.getByText('••••3f2a')).toBeTruthy();
  });
});

describe('settings screen with the default PIN', () => {
  it('asks for a new PIN of 6+ digits first, keeps the other settings shut until then, then unlocks them', async () => {
    let pinSet = false;
    const bridge = defaultBridge()
      .on('getSettings', () => someSettings({ pin_set: pinSet }))
      .on('verifyPin', () => ({ ok: true }))
      .on('updateSettings', (r) => {
        if (r.new_pin) pinSet = true;
        return someSettings({ pin_set: pinSet });
      });
    const { stores } = renderWithStores(<SettingsScreen />, { bridge });
    await act(async () => stores.settings.getState().load());
    input('settings-pin', '0000');
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Unlock' })));
    expect(screen.getByTestId('pin-change-required').textContent).toMatch(/default 0000/);
    expect((screen.getByRole('button', { name: /English/ }) as HTMLButtonElement).disabled).toBe(true);
    input('settings-new-pin', '1234');
    expect((screen.getByRole('button', { name: 'Save' }) as HTMLButtonElement).disabled).toBe(true);
    input('settings-new-pin', '24681357');
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Save' })));
    expect(bridge.callsOf('updateSettings')).toEqual([{ new_pin: '24681357', pin: '0000' }]);
    expect(screen.queryByTestId('pin-change-required')).toBeNull();
    // The screen now saves with the new PIN, not the old default.
    await act(async () => fireEvent.click(screen.getByRole('button', { name: /English/ })));
    expect(bridge.callsOf('updateSettings')[1]).toEqual({ language: 'en', pin: '24681357' });
  });
});

describe('settings screen over HTTPS', () => {
  it('shows the certificate fingerprint the service reports, for other devices to pin', async () => {
    const bridge = defaultBridge()
      .on('verifyPin', () => ({ ok: true }))
      .on('health', () => aHealth({ tls_sha256: 'AB:CD:EF' }));
    const { stores } = renderWithStores(<SettingsScreen />, { bridge });
    await act(async () => stores.settings.getState().load());
    await act(async () => stores.connection.getState().applyHealth(aHealth({ tls_sha256: 'AB:CD:EF' })));
    input('settings-pin', '24681357');
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Unlock' })));
    expect(screen.getByTestId('tls-fingerprint').textContent).toMatch(/AB:CD:EF/);
  });
});

describe('history export', () => {
  afterEach(() => vi.restoreAllMocks());

  it('downloads the filtered orders as the CSV file the service names', async () => {
    const csv = '\ufeffout_trade_no\r\nT01A\r\n';
    const bridge = defaultBridge()
      .on('listOrders', () => ({ orders: [anOrder()], total: 1, page: 1, page_size: 20 }))
      .on('exportOrders', () => ({ filename: 'scanpay-orders-T01-20261123-1800.csv', csv, count: 1 }));
    const blobs: Blob[] = [];
    URL.createObjectURL = vi.fn((blob: Blob) => {
      blobs.push(blob);
      return 'blob:scanpay/1';
    });
    URL.revokeObjectURL = vi.fn();
    const downloads: string[] = [];
    const click = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (
      this: HTMLAnchorElement,
    ) {
      downloads.push(`${this.download} ${this.href}`);
    });
    const { stores } = renderWithStores(<HistoryScreen />, { bridge });
    act(() => stores.history.getState().setFilters({ tender: 'wxpay', status: 1 }));
    await act(async () => fireEvent.click(screen.getByTestId('history-export')));
    // The file is asked for in the UI language: headers and statuses a bookkeeper reads.
    expect(bridge.callsOf('exportOrders')).toEqual([{ tender: 'wxpay', status: 1, language: 'en' }]);
    expect(downloads).toEqual(['scanpay-orders-T01-20261123-1800.csv blob:scanpay/1']);
    expect(blobs[0]?.type).toBe('text/csv;charset=utf-8');
    // The file keeps the BOM (Excel needs it for Chinese text); text() would hide it.
    const bytes = new Uint8Array((await blobs[0]?.arrayBuffer()) ?? new ArrayBuffer(0));
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(new TextDecoder().decode(bytes)).toBe(csv.slice(1));
    expect(click).toHaveBeenCalledTimes(1);
  });

  it('says why an export was refused and downloads nothing', async () => {
    const bridge = defaultBridge()
      .on('listOrders', () => ({ orders: [], total: 0, page: 1, page_size: 20 }))
      .fail('exportOrders', 'export_too_large');
    const click = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(() => {});
    renderWithStores(<HistoryScreen />, { bridge, language: 'en' });
    await act(async () => fireEvent.click(screen.getByTestId('history-export')));
    expect(screen.getByRole('alert').dataset.errorCode).toBe('export_too_large');
    expect(screen.getByRole('alert').textContent).toMatch(/shorter date range/);
    expect(click).not.toHaveBeenCalled();
  });
});

describe('QR display', () => {
  it('resumes a showing QR after a reload, then shows paid and returns to idle from events', async () => {
    const bridge = defaultBridge().on('qrState', () =>
      aQr({
        state: 'showing',
        out_trade_no: 'Q1',
        wallet: 'alipay',
        qr_svg_data_url: 'data:image/svg+xml;base64,PHN2Zy8+',
        expires_at: Date.now() + 60_000,
      }),
    );
    const { stores } = renderWithStores(<QrDisplay />, { bridge });
    await act(async () => stores.qr.getState().load());
    expect(screen.getByTestId('qr-image-alipay').getAttribute('src')).toMatch(/^data:image\/svg\+xml/);
    // An Alipay QR cannot be paid from WeChat: the heading names only the wallet that works.
    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('Scan with Alipay to pay');
    expect(screen.getByTestId('qr-countdown').textContent).toMatch(/QR expires in (59|60) s/);
    act(() =>
      bridge.emit({ kind: 'qr', qr: aQr({ state: 'paid', action: { state: 'running', message: null } }) }),
    );
    expect(screen.getByTestId('qr-screen').dataset.state).toBe('paid');
    expect(screen.getByTestId('qr-action').textContent).toBe('Starting…');
    act(() => bridge.emit({ kind: 'qr', qr: aQr() }));
    expect(screen.getByTestId('qr-start')).toBeTruthy();
  });

  it('says it is loading, not "nothing for sale", until the service answers', async () => {
    let answer: (view: ReturnType<typeof aQr>) => void = () => {};
    const bridge = defaultBridge().on('qrState', () => new Promise((resolve) => (answer = resolve)));
    const { stores } = renderWithStores(<QrDisplay />, { bridge });
    const loading = act(async () => stores.qr.getState().load());
    expect(screen.getByTestId('qr-screen').dataset.state).toBe('loading');
    expect(screen.queryByText('Nothing for sale right now')).toBeNull();
    answer(aQr());
    await loading;
    expect(screen.getByTestId('qr-screen').dataset.state).toBe('idle');
    expect(screen.getByTestId('qr-start')).toBeTruthy();
  });

  it('starts a QR order from the idle screen', async () => {
    const bridge = defaultBridge().on('qrStart', () =>
      aQr({ state: 'showing', wallet: 'wxpay', qr_svg_data_url: 'data:x', expires_at: Date.now() + 60_000 }),
    );
    const { stores } = renderWithStores(<QrDisplay />, { bridge });
    await act(async () => stores.qr.getState().load());
    await act(async () => fireEvent.click(screen.getByTestId('qr-start')));
    expect(bridge.callsOf('qrStart')).toEqual([{}]);
    expect(screen.getByTestId('qr-image-wxpay')).toBeTruthy();
  });
});

describe('app shell', () => {
  it('switches screens from the tab bar and the language from the header', async () => {
    const { stores } = renderWithStores(<App forcedMode="cashier" />, { language: 'zh-CN' });
    expect(screen.getByTestId('nav-history').textContent).toBe('订单');
    fireEvent.click(screen.getByTestId('lang-switch'));
    expect(screen.getByTestId('nav-history').textContent).toBe('History');
    await act(async () => fireEvent.click(screen.getByTestId('nav-shift')));
    expect(stores.nav.getState().route).toBe('shift');
    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('Shift');
  });

  it('shows the QR display when the URL asks for it', () => {
    renderWithStores(<App forcedMode="qr" />);
    expect(screen.getByTestId('qr-screen')).toBeTruthy();
  });

  it('an order event updates an open refund without a reload', async () => {
    const bridge = defaultBridge().on('getOrder', () => anOrderDetail({ status: 1 }));
    const { stores } = renderWithStores(<RefundScreen />, { bridge });
    await act(async () => stores.refund.getState().find('SO1001'));
    act(() =>
      bridge.emit({ kind: 'order', order: anOrder({ status: 3, refunded_fee: 1250, updated_at: T0 + 1 }) }),
    );
    expect(screen.getByTestId('refundable').textContent).toBe('¥0.00');
  });
});

describe('status bar', () => {
  it("says the journal failed and card payments stopped, with SQLite's word in the tooltip", async () => {
    const { stores } = renderWithStores(<StatusBar />);
    expect(screen.queryByTestId('journal-fault')).toBeNull();
    const fault = { code: 'journal_error', message: 'SQLITE_FULL: database or disk is full' };
    await act(async () =>
      stores.connection.getState().applyHealth(aHealth({ ready: false, journal_error: fault })),
    );
    const pill = screen.getByTestId('journal-fault');
    expect(pill.textContent).toMatch(/journal fault: card payments stopped, cash only/i);
    expect(pill.getAttribute('title')).toMatch(/journal fault.*SQLITE_FULL: database or disk is full$/i);
  });
});
