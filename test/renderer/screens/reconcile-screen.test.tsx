// @vitest-environment jsdom
import { act, cleanup, fireEvent, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { DaySummary, ReconcileItem } from '../../../core/common/contract/reconcile-views.ts';
import { ReconcileScreen } from '../../../renderer/src/screens/reconcile-screen.tsx';
import { yesterdayInBeijing } from '../../../renderer/src/state/reconcile-store.ts';
import { defaultBridge, renderWithStores } from '../fixtures/render-app.tsx';

afterEach(cleanup);

function anItem(patch: Partial<ReconcileItem> = {}): ReconcileItem {
  return {
    id: 1,
    bill_date: '2026-11-22',
    kind: 'provider_only',
    pid: 'shop',
    provider: 'wxpay',
    out_trade_no: 'ELSEWHERE1',
    out_refund_no: '',
    terminal_fen: null,
    provider_fen: 4200,
    reason: 'unknown_to_terminal',
    evidence: {},
    state: 'open',
    resolved_by: null,
    resolution_note: null,
    resolved_at: null,
    choices: ['refund', 'explain'],
    ...patch,
  };
}

function aDay(patch: Partial<DaySummary> = {}): DaySummary {
  return {
    date: '2026-11-22',
    matched: 41,
    provider_only: [anItem()],
    terminal_only: [
      anItem({
        id: 2,
        kind: 'terminal_only',
        out_trade_no: 'T01LOST',
        terminal_fen: 700,
        provider_fen: null,
        reason: 'absent_from_bill',
        choices: ['explain'],
      }),
    ],
    amount_mismatch: [],
    refund_mismatch: [],
    totals: {
      'shop/wxpay': {
        bill: { payments: 21, payment_fen: 10_000, refunds: 0, refund_fen: 0 },
        terminal: { payments: 21, payment_fen: 6500, refunds: 0, refund_fen: 0 },
      },
    },
    status: {
      'shop/wxpay': { status: 'done' },
      'shop/alipay': { status: 'not_ready', detail: 'Bill Creating' },
    },
    ...patch,
  };
}

const input = (testId: string, value: string) =>
  fireEvent.change(screen.getByTestId(testId), { target: { value } });

describe('对账 screen', () => {
  it('opens on yesterday (Beijing) with the summary, totals per wallet and the discrepancies', async () => {
    const bridge = defaultBridge().on('reconcileDay', () => aDay());
    await act(async () => {
      renderWithStores(<ReconcileScreen />, { bridge });
    });
    expect(bridge.callsOf('reconcileDay')).toEqual([{ date: yesterdayInBeijing(Date.now()), run: false }]);
    expect(screen.getByTestId('reconcile-summary').textContent).toBe('41 rows match · 2 open');
    expect(screen.getByTestId('reconcile-totals').textContent).toMatch(
      /shop\/wxpayReconciled21 · ¥100\.0021 · ¥65\.00/,
    );
    expect(screen.getByTestId('reconcile-totals').textContent).toMatch(
      /shop\/alipayBill not ready: will retry/,
    );
    const rows = screen.getByTestId('reconcile-items').textContent ?? '';
    expect(rows).toMatch(/Provider onlyELSEWHERE1— \/ ¥42\.00Open/);
    expect(rows).toMatch(/Till onlyT01LOST¥7\.00 \/ —Open/);
  });

  it('a supervisor explains a discrepancy with who, why and the PIN; the list shows it decided', async () => {
    const bridge = defaultBridge()
      .on('reconcileDay', () => aDay())
      .on('decideDiscrepancy', (r) =>
        anItem({
          id: r.id,
          kind: 'terminal_only',
          out_trade_no: 'T01LOST',
          terminal_fen: 700,
          provider_fen: null,
          state: 'explained',
          resolved_by: r.by,
          resolution_note: r.note,
          choices: ['explain'],
        }),
      );
    await act(async () => {
      renderWithStores(<ReconcileScreen />, { bridge });
    });
    await act(async () => fireEvent.click(screen.getAllByRole('button', { name: 'Details' })[1]!));
    expect(screen.getByTestId('reconcile-decision').textContent).toMatch(
      /Paid in the till; missing from the bill/,
    );
    expect(screen.getByTestId('reconcile-decide')).toHaveProperty('disabled', true);
    input('reconcile-by', 'Li (supervisor)');
    input('reconcile-note', 'customer paid cash after the scan failed');
    input('reconcile-pin', '0000');
    await act(async () => fireEvent.click(screen.getByTestId('reconcile-decide')));
    expect(bridge.callsOf('decideDiscrepancy')).toEqual([
      {
        id: 2,
        action: 'explain',
        by: 'Li (supervisor)',
        note: 'customer paid cash after the scan failed',
        pin: '0000',
      },
    ]);
    expect(screen.queryByTestId('reconcile-decision')).toBeNull();
    expect(screen.getByTestId('reconcile-items').textContent).toMatch(/T01LOST¥7\.00 \/ —Explained/);
  });

  it('a wrong PIN is said plainly and the panel stays; Esc closes it', async () => {
    const bridge = defaultBridge()
      .on('reconcileDay', () => aDay())
      .fail('decideDiscrepancy', 'pin_invalid');
    await act(async () => {
      renderWithStores(<ReconcileScreen />, { bridge });
    });
    await act(async () => fireEvent.click(screen.getAllByRole('button', { name: 'Details' })[0]!));
    fireEvent.click(screen.getByLabelText('Refund the customer'));
    input('reconcile-by', 'Li');
    input('reconcile-note', 'refund it');
    input('reconcile-pin', '1');
    await act(async () => fireEvent.click(screen.getByTestId('reconcile-decide')));
    expect(bridge.callsOf('decideDiscrepancy')).toEqual([
      { id: 1, action: 'refund', by: 'Li', note: 'refund it', pin: '1' },
    ]);
    expect(screen.getByRole('alert').textContent).toMatch(/Wrong supervisor PIN/);
    expect(screen.getByTestId('reconcile-decision')).toBeTruthy();
    act(() => {
      fireEvent.keyDown(document, { key: 'Escape' });
    });
    expect(screen.queryByTestId('reconcile-decision')).toBeNull();
  });

  it('reconciles another day on demand and exports its list as the CSV file the service names', async () => {
    const bridge = defaultBridge()
      .on('reconcileDay', (r) => aDay({ date: r.date, provider_only: [], terminal_only: [] }))
      .on('exportReconcile', (r) => ({
        filename: `scanpay-reconcile-T01-${r.date.replaceAll('-', '')}.csv`,
        csv: '\ufeffbill_date\r\n',
        count: 0,
      }));
    const downloads: string[] = [];
    URL.createObjectURL = vi.fn(() => 'blob:scanpay/1');
    URL.revokeObjectURL = vi.fn();
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      downloads.push(this.download);
    });
    await act(async () => {
      renderWithStores(<ReconcileScreen />, { bridge });
    });
    input('reconcile-date', '2026-11-01');
    await act(async () => fireEvent.click(screen.getByTestId('reconcile-run')));
    expect(bridge.callsOf('reconcileDay').at(-1)).toEqual({ date: '2026-11-01', run: true });
    expect(screen.getByTestId('reconcile-clean').textContent).toBe('Everything matches to the fen.');
    await act(async () => fireEvent.click(screen.getByTestId('reconcile-export')));
    // In the UI language: headers and values a bookkeeper reads.
    expect(bridge.callsOf('exportReconcile')).toEqual([{ date: '2026-11-01', language: 'en' }]);
    expect(downloads).toEqual(['scanpay-reconcile-T01-20261101.csv']);
    vi.restoreAllMocks();
  });

  it('is reached from the History screen (not a tab: the bar stays one line at 800×480)', async () => {
    const { App } = await import('../../../renderer/src/app.tsx');
    const bridge = defaultBridge().on('reconcileDay', () => aDay());
    await act(async () => {
      renderWithStores(<App forcedMode="cashier" />, { bridge });
    });
    expect(screen.getAllByRole('button').filter((b) => b.classList.contains('tab'))).toHaveLength(6);
    await act(async () => fireEvent.click(screen.getByTestId('nav-history')));
    await act(async () => fireEvent.click(screen.getByTestId('nav-reconcile')));
    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe(
      'Reconciliation with the providers’ bills',
    );
  });
});
