// @vitest-environment jsdom
/**
 * The owner's page on a scripted hub API: asks for the admin token, shows today's sales per till
 * and for the store, the tills' health and the open attention items, in zh-CN and en; a refused
 * token sends the owner back to the token form. The daily reconciliation shows its next run and
 * each day's result per merchant and provider.
 */
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { beijingDay, OwnerApp } from '../../renderer/owner/owner-app.tsx';

afterEach(cleanup);

const NOW = Date.UTC(2026, 10, 30, 17, 0, 0); // 01:00 on 1 December in Beijing

function memoryStorage() {
  const items = new Map<string, string>();
  return {
    getItem: (k: string) => items.get(k) ?? null,
    setItem: (k: string, v: string) => void items.set(k, v),
    removeItem: (k: string) => void items.delete(k),
  };
}

function scriptedHub(token: string) {
  const asked: string[] = [];
  const posted: unknown[] = [];
  const fetcher = async (path: string, init?: RequestInit) => {
    asked.push(path);
    if (init?.method === 'POST') {
      posted.push({ path, body: JSON.parse(String(init.body)) });
      return new Response('{"ok":true}', { status: 200 });
    }
    const auth = new Headers(init?.headers).get('authorization');
    if (auth !== `Bearer ${token}`) return new Response('{}', { status: 401 });
    const body = path.startsWith('api/reports')
      ? {
          rows: [
            {
              terminal_id: 'T1',
              key: '2026-12-01',
              paid_orders: 2,
              paid_fen: 3000,
              refunded_fen: 500,
              net_fen: 2500,
            },
            {
              terminal_id: null,
              key: '2026-12-01',
              paid_orders: 2,
              paid_fen: 3000,
              refunded_fen: 500,
              net_fen: 2500,
            },
          ],
        }
      : path === 'api/terminals'
        ? {
            terminals: [
              {
                terminal_id: 'T1',
                revoked: false,
                version: '0.1.0',
                last_seen: NOW,
                online: true,
                queue_length: 0,
                status: { ready: true },
                refunds: true,
                refund_daily_cap_fen: 20000,
              },
              {
                terminal_id: 'T2',
                revoked: false,
                version: '0.1.0',
                last_seen: NOW - 3600_000,
                online: false,
                queue_length: 4,
                status: { ready: true },
                refunds: false,
                refund_daily_cap_fen: null,
                refunds_refused: 3,
                refunds_refused_at: NOW,
              },
            ],
          }
        : path === 'api/reconcile'
          ? {
              schedule: { next_at: Date.UTC(2026, 11, 1, 2, 30), last_wake: null },
              runs: [
                { bill_date: '2026-11-30', pid: 'm1', provider: 'wxpay', status: 'done', discrepancies: 2 },
                {
                  bill_date: '2026-11-30',
                  pid: 'm1',
                  provider: 'alipay',
                  status: 'not_ready',
                  discrepancies: 0,
                },
              ],
            }
          : path === 'api/refund-rejections'
            ? {
                rejections: [
                  {
                    terminal_id: 'T1',
                    out_refund_no: 'T1P1H7',
                    order_no: 'T1P1',
                    refund_fee: 90000,
                    reason: 'signature_mismatch',
                    at: NOW,
                  },
                ],
              }
            : { items: [{ terminal_id: 'T2', out_trade_no: 'T2X-1', order_no: 'T2X', updated_at: NOW }] };
    return new Response(JSON.stringify({ ok: true, ...body }), { status: 200 });
  };
  return { fetcher, asked, posted };
}

describe("the owner's page", () => {
  it('asks for the token, then shows today, the tills and attention, in both languages', async () => {
    const hub = scriptedHub('the-admin-token');
    const storage = memoryStorage();
    render(<OwnerApp fetcher={hub.fetcher} storage={storage} now={() => NOW} />);
    fireEvent.change(screen.getByLabelText('管理令牌'), { target: { value: 'the-admin-token' } });
    await act(async () => fireEvent.click(screen.getByRole('button', { name: '进入' })));
    expect(hub.asked).toContain('api/reports?by=day&from=2026-12-01&to=2026-12-01');
    expect(screen.getByTestId('owner-today').textContent).toContain('全店: ¥25.00 · 2 笔');
    expect(screen.getByTestId('terminal-T1').textContent).toContain('在线');
    expect(screen.getByTestId('terminal-T2').textContent).toContain('离线');
    // Which tills may refund other tills' sales, and up to how much a day.
    expect(screen.getByTestId('terminal-T1-refunds').textContent).toBe('可退他台订单 · 每日上限 ¥200.00');
    // T2 has no right and its token tried three times: the owner is told, to revoke a lifted token.
    const tried = new Date(NOW).toLocaleString('zh-CN', { hour12: false });
    expect(screen.getByTestId('terminal-T2-refunds').textContent).toBe(
      `不可退他台订单 · 已拒绝 3 次退款尝试，最近 ${tried}`,
    );
    expect(screen.getByTestId('owner-attention').textContent).toContain('T2X');
    const reconcile = screen.getByTestId('owner-reconcile');
    // The owner's browser shows its own local time, as for every other time on the page.
    const nextRun = new Date(Date.UTC(2026, 11, 1, 2, 30)).toLocaleString('zh-CN', { hour12: false });
    expect(screen.getByTestId('owner-reconcile-next').textContent).toBe(
      `每天自动对账前一天；下次：${nextRun}`,
    );
    expect(reconcile.textContent).toContain('2026-11-30m1wxpay已对账 · 2 处差异');
    expect(reconcile.textContent).toContain('alipay账单未出，稍后重试');
    // A refund request a till refused as not signed by the hub: someone may be on the store LAN.
    const rejected = screen.getByTestId('owner-rejections');
    expect(rejected.textContent).toContain('T1 · 订单 T1P1 · ¥900.00 · 签名不符');
    expect(rejected.textContent).toContain('https');
    fireEvent.click(screen.getByRole('button', { name: 'English' }));
    expect(screen.getByTestId('owner-today').textContent).toContain('Whole store: ¥25.00 · 2 sales');
    expect(screen.getByTestId('terminal-T2').textContent).toContain('offline');
    expect(screen.getByTestId('terminal-T1-refunds').textContent).toBe(
      "refunds other tills' sales · up to ¥200.00 a day",
    );
    expect(screen.getByTestId('terminal-T2-refunds').textContent).toBe(
      `no refunds of other tills' sales · 3 refund tries refused, last ${new Date(NOW).toLocaleString('en-GB', { hour12: false })}`,
    );
    expect(screen.getByTestId('owner-rejections').textContent).toContain(
      'T1 · Order T1P1 · ¥900.00 · signature does not match',
    );
    expect(screen.getByTestId('owner-reconcile').textContent).toContain('reconciled · 2 discrepancies');
    expect(storage.getItem('scanpay-hub-admin-token')).toBe('the-admin-token');
  });

  it('grants and takes back a till’s refund right with the admin token', async () => {
    const hub = scriptedHub('the-admin-token');
    const storage = memoryStorage();
    storage.setItem('scanpay-hub-admin-token', 'the-admin-token');
    await act(async () => {
      render(<OwnerApp fetcher={hub.fetcher} storage={storage} now={() => NOW} />);
    });
    await act(async () => fireEvent.click(screen.getByTestId('terminal-T2-grant')));
    await act(async () => fireEvent.click(screen.getByTestId('terminal-T1-revoke')));
    expect(hub.posted).toEqual([
      { path: 'api/terminals/refund-right', body: { terminal_id: 'T2', refunds: true } },
      { path: 'api/terminals/refund-right', body: { terminal_id: 'T1', refunds: false } },
    ]);
    expect(screen.getByTestId('terminal-T2-grant').textContent).toBe('开通');
    expect(screen.getByTestId('terminal-T1-revoke').textContent).toBe('关闭');
  });

  it('forgets a refused token and says so', async () => {
    const hub = scriptedHub('right');
    const storage = memoryStorage();
    storage.setItem('scanpay-hub-admin-token', 'wrong');
    await act(async () => {
      render(<OwnerApp fetcher={hub.fetcher} storage={storage} now={() => NOW} />);
    });
    expect(screen.getByRole('alert').textContent).toBe('管理令牌不对，请重新输入');
    expect(screen.getByLabelText('管理令牌')).toBeTruthy();
    expect(storage.getItem('scanpay-hub-admin-token')).toBeNull();
  });

  it('counts the day in Beijing time', () => {
    expect(beijingDay(Date.UTC(2026, 10, 30, 15, 59))).toBe('2026-11-30');
    expect(beijingDay(Date.UTC(2026, 10, 30, 16, 0))).toBe('2026-12-01');
  });
});
