import { describe, expect, it } from 'vitest';
import { connectStores, createAppStores } from '../../../renderer/src/state/app-stores.ts';
import { selectCanStartNew, selectSaleScreen } from '../../../renderer/src/state/sale-store.ts';
import { defaultBridge } from '../fixtures/render-app.tsx';
import { anAttempt, anOrder, aSale, T0 } from '../fixtures/views.ts';

function setup() {
  const bridge = defaultBridge()
    .on('beginSale', (r) => aSale({ state: 'awaiting_scan', order: anOrder({ total_fee: r.total_fee }) }))
    .on('stopAttempt', () => anAttempt({ stop_requested: true, phase: 'reversing', updated_at: T0 + 5 }));
  const stores = createAppStores(bridge);
  connectStores(stores, { mode: 'cashier', healthRefreshMs: 0 });
  return { bridge, stores, sale: stores.sale };
}

describe('sale store', () => {
  it('begins a sale with the typed amount in fen and shows the scan prompt', async () => {
    const { bridge, sale } = setup();
    for (const k of ['1', '2', '.', '5'] as const) sale.getState().press(k);
    sale.getState().setNote(' table 4 ');
    await sale.getState().begin();
    expect(bridge.callsOf('beginSale')).toEqual([{ total_fee: 1250, note: 'table 4' }]);
    expect(selectSaleScreen(sale.getState()).kind).toBe('scan');
    expect(sale.getState().entry).toBe('');
  });

  it('does not call the service without an amount', async () => {
    const { bridge, sale } = setup();
    await sale.getState().begin();
    expect(bridge.callsOf('beginSale')).toEqual([]);
    expect(sale.getState().error?.code).toBe('amount_not_positive');
  });

  it('follows sale and attempt events: charging, then the paid outcome', () => {
    const { bridge, sale } = setup();
    const order = anOrder();
    bridge.emit({
      kind: 'sale',
      sale: aSale({ state: 'charging', order, attempt: anAttempt({ phase: 'submitted' }) }),
    });
    expect(selectSaleScreen(sale.getState())).toMatchObject({
      kind: 'charging',
      attempt: { phase: 'submitted' },
    });
    bridge.emit({
      kind: 'attempt',
      attempt: anAttempt({ phase: 'paid', transaction_id: 'TX9', updated_at: T0 + 10 }),
    });
    const screen = selectSaleScreen(sale.getState());
    expect(screen).toMatchObject({
      kind: 'outcome',
      outcome: { kind: 'paid', attempt: { transaction_id: 'TX9' } },
    });
  });

  it('ignores an attempt event older than what it already shows', () => {
    const { bridge, sale } = setup();
    bridge.emit({
      kind: 'sale',
      sale: aSale({
        state: 'done',
        order: anOrder(),
        attempt: anAttempt({ phase: 'reversed', updated_at: T0 + 20 }),
      }),
    });
    bridge.emit({ kind: 'attempt', attempt: anAttempt({ phase: 'polling', updated_at: T0 + 10 }) });
    expect(sale.getState().sale?.attempt?.phase).toBe('reversed');
  });

  it('ignores attempts of other orders', () => {
    const { bridge, sale } = setup();
    bridge.emit({ kind: 'sale', sale: aSale({ state: 'charging', order: anOrder(), attempt: anAttempt() }) });
    bridge.emit({ kind: 'attempt', attempt: anAttempt({ out_trade_no: 'X', order_no: 'X', phase: 'paid' }) });
    expect(sale.getState().sale?.attempt?.phase).toBe('polling');
  });

  it('an attempt needing attention never blocks the next sale: it waits on the 待处理 list', () => {
    const { bridge, sale } = setup();
    bridge.emit({
      kind: 'sale',
      sale: aSale({
        state: 'done',
        order: anOrder(),
        attempt: anAttempt({ phase: 'needs_attention', updated_at: T0 + 2 }),
      }),
    });
    expect(selectSaleScreen(sale.getState())).toMatchObject({
      kind: 'outcome',
      outcome: { kind: 'attention' },
    });
    expect(selectCanStartNew(sale.getState())).toBe(true);
    sale.getState().newSale();
    expect(sale.getState().error).toBeNull();
    expect(selectSaleScreen(sale.getState()).kind).toBe('entry');
  });

  it('a running attempt still blocks a new sale (one live attempt per order)', () => {
    const { bridge, sale } = setup();
    bridge.emit({
      kind: 'sale',
      sale: aSale({ state: 'charging', order: anOrder(), attempt: anAttempt({ phase: 'polling' }) }),
    });
    expect(selectCanStartNew(sale.getState())).toBe(false);
    sale.getState().newSale();
    expect(sale.getState().error?.code).toBe('attempt_unresolved');
  });

  it('stops the live attempt by its order number only after confirmation', async () => {
    const { bridge, sale } = setup();
    bridge.emit({ kind: 'sale', sale: aSale({ state: 'charging', order: anOrder(), attempt: anAttempt() }) });
    sale.getState().requestStop();
    expect(bridge.callsOf('stopAttempt')).toEqual([]);
    await sale.getState().confirmStop();
    expect(bridge.callsOf('stopAttempt')).toEqual([{ out_trade_no: 'SO1001' }]);
    expect(sale.getState().sale?.attempt?.phase).toBe('reversing');
    expect(sale.getState().confirmingStop).toBe(false);
  });

  it('after a stop, charges the same amount and note again, straight to the scan prompt', async () => {
    const { bridge, sale } = setup();
    const stopped = anOrder({ total_fee: 880, note: 'table 2' });
    bridge.emit({
      kind: 'sale',
      sale: aSale({
        state: 'done',
        order: stopped,
        attempt: anAttempt({ phase: 'reversed', total_fee: 880 }),
      }),
    });
    expect(selectSaleScreen(sale.getState())).toMatchObject({
      kind: 'outcome',
      outcome: { kind: 'reversed' },
    });
    await sale.getState().chargeAgain();
    expect(bridge.callsOf('beginSale')).toEqual([{ total_fee: 880, note: 'table 2' }]);
    expect(selectSaleScreen(sale.getState()).kind).toBe('scan');
  });

  it('keeps a typed error from the service for the screen', async () => {
    const { bridge, sale } = setup();
    bridge.fail('beginSale', 'attempt_unresolved');
    sale.getState().press('5');
    await sale.getState().begin();
    expect(sale.getState().error?.code).toBe('attempt_unresolved');
    expect(sale.getState().busy).toBe(false);
  });

  it('records a cash sale and shows it as paid in cash', async () => {
    const { bridge, sale } = setup();
    bridge.on('recordCashSale', (r) => anOrder({ total_fee: r.total_fee, status: 1, tender: 'cash' }));
    sale.getState().press('3');
    await sale.getState().payCash();
    expect(bridge.callsOf('recordCashSale')).toEqual([{ total_fee: 300 }]);
    expect(selectSaleScreen(sale.getState())).toMatchObject({
      kind: 'outcome',
      outcome: { kind: 'paid', order: { tender: 'cash' } },
    });
  });

  it('shows a scan refused while no sale waits (e.g. no_sale) in the banner', () => {
    const { bridge, sale } = setup();
    bridge.emit({ kind: 'sale', sale: aSale() });
    bridge.emit({
      kind: 'scan',
      scan: {
        code_masked: '13••',
        source: 'hid',
        at: T0,
        ok: false,
        wallet: null,
        error: { code: 'no_sale', message: 'x' },
      },
    });
    expect(sale.getState().error?.code).toBe('no_sale');
  });

  it('resumes a sale from getSale after a reload', async () => {
    const { bridge, sale } = setup();
    bridge.on('getSale', () =>
      aSale({ state: 'charging', order: anOrder(), attempt: anAttempt({ deadline_at: 99 }) }),
    );
    await sale.getState().load();
    expect(selectSaleScreen(sale.getState())).toMatchObject({
      kind: 'charging',
      attempt: { deadline_at: 99 },
    });
  });
});
