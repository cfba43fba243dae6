import { describe, expect, it } from 'vitest';
import { connectStores, createAppStores, loadAll } from '../../../renderer/src/state/app-stores.ts';
import { selectEwalletAvailable } from '../../../renderer/src/state/connection-store.ts';
import { EMPTY_FILTERS, toListRequest } from '../../../renderer/src/state/history-store.ts';
import { defaultBridge } from '../fixtures/render-app.tsx';
import { aHealth, anAttempt, anOrder, anOrderDetail, aProvider, aShift, T0 } from '../fixtures/views.ts';

describe('attempts store', () => {
  it('keeps unresolved attempts, drops them when final, and retries by order number', async () => {
    const bridge = defaultBridge()
      .on('listUnresolved', () => [anAttempt({ phase: 'needs_attention' })])
      .on('retryAttempt', () => anAttempt({ phase: 'reversing', updated_at: T0 + 5 }));
    const stores = createAppStores(bridge);
    connectStores(stores, { mode: 'cashier', healthRefreshMs: 0 });
    await stores.attempts.getState().load();
    expect(stores.attempts.getState().items).toHaveLength(1);
    await stores.attempts.getState().retry(anAttempt());
    expect(bridge.callsOf('retryAttempt')).toEqual([{ out_trade_no: 'SO1001' }]);
    expect(stores.attempts.getState().items[0]?.phase).toBe('reversing');
    bridge.emit({ kind: 'attempt', attempt: anAttempt({ phase: 'reversed', updated_at: T0 + 6 }) });
    expect(stores.attempts.getState().items).toEqual([]);
  });

  it('leaves a charge still waiting for the customer to the sale screen', async () => {
    const bridge = defaultBridge().on('listUnresolved', () => [
      anAttempt({ phase: 'polling' }),
      anAttempt({ out_trade_no: 'B', order_no: 'B', phase: 'reversing' }),
    ]);
    const stores = createAppStores(bridge);
    connectStores(stores, { mode: 'cashier', healthRefreshMs: 0 });
    await stores.attempts.getState().load();
    expect(stores.attempts.getState().items.map((a) => a.out_trade_no)).toEqual(['B']);
    bridge.emit({ kind: 'attempt', attempt: anAttempt({ phase: 'needs_attention', updated_at: T0 + 1 }) });
    expect(
      stores.attempts
        .getState()
        .items.map((a) => a.out_trade_no)
        .sort(),
    ).toEqual(['B', 'SO1001']);
  });
});

describe('connection store', () => {
  it('disables e-wallets only when every provider is down, and recovers from a health event', () => {
    const bridge = defaultBridge();
    const stores = createAppStores(bridge);
    connectStores(stores, { mode: 'cashier', healthRefreshMs: 0 });
    expect(selectEwalletAvailable(stores.connection.getState())).toBe(true);
    bridge.emit({ kind: 'health', health: aHealth({ providers: [aProvider({ reachability: 'down' })] }) });
    expect(selectEwalletAvailable(stores.connection.getState())).toBe(false);
    bridge.emit({
      kind: 'health',
      health: aHealth({
        providers: [aProvider({ reachability: 'down' }), aProvider({ pid: 'ali', reachability: 'up' })],
      }),
    });
    expect(selectEwalletAvailable(stores.connection.getState())).toBe(true);
  });

  it('reloads everything when the event link comes back after a drop', async () => {
    const bridge = defaultBridge();
    const stores = createAppStores(bridge);
    connectStores(stores, { mode: 'cashier', healthRefreshMs: 0 });
    await loadAll(stores, 'cashier');
    const before = bridge.callsOf('getSale').length;
    bridge.setLink('lost');
    expect(stores.connection.getState().link).toBe('lost');
    bridge.setLink('open');
    await Promise.resolve();
    expect(bridge.callsOf('getSale').length).toBe(before + 1);
  });
});

describe('history store', () => {
  it('turns the typed filters into a listOrders request covering whole local days', () => {
    const request = toListRequest(
      { ...EMPTY_FILTERS, from: '2026-11-01', to: '2026-11-02', tender: 'wxpay', status: 1, cashier: ' Li ' },
      2,
      20,
    );
    expect(request).toMatchObject({ page: 2, page_size: 20, tender: 'wxpay', status: 1, cashier: 'Li' });
    expect(request.to! - request.from!).toBe(2 * 24 * 3600 * 1000 - 1);
    expect(toListRequest(EMPTY_FILTERS, 1, 20)).toEqual({ page: 1, page_size: 20 });
  });
});

describe('refund store', () => {
  it('finds by transaction id through history, refunds the rest by default with the PIN', async () => {
    const paid = anOrder({ status: 1, tender: 'wxpay', transaction_id: 'TX1', refunded_fee: 250 });
    const bridge = defaultBridge()
      .fail('getOrder', 'order_not_found')
      .on('listOrders', () => ({ orders: [paid], total: 1, page: 1, page_size: 10 }))
      .on('refund', (r) => ({
        out_trade_no: r.out_trade_no,
        out_refund_no: 'R1',
        refund_fee: r.refund_fee ?? 0,
        status: 'succeeded',
        order: { ...paid, status: 3, refunded_fee: 1250 },
      }));
    const stores = createAppStores(bridge);
    const refund = stores.refund;
    await refund.getState().find('TX1');
    expect(refund.getState().order?.out_trade_no).toBe('SO1001');
    // Sent as typed: a PIN may be a passphrase (refund-pin-entry.test.ts).
    refund.getState().setPin('12a34');
    await refund.getState().submit();
    expect(bridge.callsOf('refund')).toEqual([
      {
        out_trade_no: 'SO1001',
        out_refund_no: expect.stringMatching(/^SO1001R[0-9a-f]{16}$/),
        refund_fee: 1000,
        pin: '12a34',
      },
    ]);
    expect(refund.getState().result?.status).toBe('succeeded');
    expect(refund.getState().pin).toBe('');
    expect(refund.getState().amount).toBe('');
  });

  it('refuses locally more than the refundable amount', async () => {
    const bridge = defaultBridge().on('getOrder', () => anOrderDetail({ status: 1 }));
    const stores = createAppStores(bridge);
    await stores.refund.getState().find('SO1001');
    stores.refund.getState().setAmount('12.51');
    await stores.refund.getState().submit();
    expect(stores.refund.getState().error?.code).toBe('refund_exceeds_paid');
    expect(bridge.callsOf('refund')).toEqual([]);
  });
});

describe('shift store', () => {
  it('opens with the float in fen and closes with the blind cash count only', async () => {
    const bridge = defaultBridge()
      .on('openShift', (r) => aShift({ cashier: r.cashier, float_fee: r.float_fee }))
      .on('closeShift', (r) => ({
        ...aShift({ closed_at: 2 }),
        lines: [
          {
            tender: 'cash',
            counted_by: 'cashier',
            expected_fee: 10000,
            counted_fee: r.counted.cash,
            difference_fee: r.counted.cash - 10000,
          },
        ],
      }));
    const stores = createAppStores(bridge);
    await stores.shift.getState().open('Li', '100');
    expect(bridge.callsOf('openShift')).toEqual([{ cashier: 'Li', float_fee: 10000 }]);
    await stores.shift.getState().close('99.50');
    expect(bridge.callsOf('closeShift')).toEqual([{ counted: { cash: 9950 } }]);
    expect(stores.shift.getState().zReport?.lines[0]?.difference_fee).toBe(-50);
    expect(stores.shift.getState().shift).toBeNull();
  });

  it('an empty count is not taken as zero: the cashier must type what the drawer holds', async () => {
    const bridge = defaultBridge();
    const stores = createAppStores(bridge);
    await stores.shift.getState().close('  ');
    expect(stores.shift.getState().error?.code).toBe('cash_count_missing');
    expect(bridge.callsOf('closeShift')).toEqual([]);
  });

  it('refuses an unreadable count without calling the service', async () => {
    const bridge = defaultBridge();
    const stores = createAppStores(bridge);
    await stores.shift.getState().close('1,00');
    expect(stores.shift.getState().error?.code).toBe('amount_invalid');
    expect(bridge.callsOf('closeShift')).toEqual([]);
  });
});
