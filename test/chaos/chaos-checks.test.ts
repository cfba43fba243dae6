import { describe, expect, it } from 'vitest';
import type { AttemptView, OrderDetailView } from '../../core/common/contract/views.ts';
import type { TradeView } from '../../core/sandbox/ledger-types.ts';
import { type CheckInput, checkChaos } from './chaos-checks.ts';

function attempt(orderNo: string, suffix: string, patch: Partial<AttemptView> = {}): AttemptView {
  return {
    out_trade_no: `${orderNo}${suffix}`,
    order_no: orderNo,
    attempt_index: 1,
    pid: 'sandbox',
    provider: 'alipay',
    wallet: 'alipay',
    mode: 'micropay',
    phase: 'paid',
    total_fee: 1000,
    created_at: 0,
    updated_at: 0,
    deadline_at: null,
    transaction_id: 'T1',
    qr_code: null,
    stop_requested: false,
    failure: null,
    attention: null,
    query_count: 0,
    reverse_count: 0,
    ...patch,
  };
}

function order(
  orderNo: string,
  attempts: AttemptView[],
  patch: Partial<OrderDetailView> = {},
): OrderDetailView {
  const paid = attempts.find((a) => a.phase === 'paid');
  return {
    out_trade_no: orderNo,
    pid: 'sandbox',
    total_fee: 1000,
    subject: 'Chaos sale',
    type: 'goods',
    custom: null,
    status: paid ? 1 : -1,
    tender: 'alipay',
    provider: 'alipay',
    transaction_id: null,
    paid_out_trade_no: paid?.out_trade_no ?? null,
    paid_at: null,
    refunded_fee: 0,
    refunds: [],
    callback: paid
      ? { state: 'done', user_order_success: true, source: 'query', runs: 1, last_error: null }
      : null,
    cashier: null,
    shift_id: null,
    note: null,
    created_at: 0,
    updated_at: 0,
    live_attempt: null,
    attempts,
    timeline: [],
    ...patch,
  };
}

function trade(
  outTradeNo: string,
  captured: number,
  refunded = 0,
  patch: Partial<TradeView> = {},
): TradeView {
  return {
    provider: 'alipay',
    out_trade_no: outTradeNo,
    transaction_id: 'T1',
    state: captured > 0 ? 'paid' : 'closed',
    total_fee: 1000,
    captured_fen: captured,
    refunded_fen: refunded,
    created_at: '',
    paid_at: null,
    refunds: [],
    ...patch,
  };
}

/** One paid order, one failed order: everything agrees. */
function healthy(): CheckInput {
  return {
    orders: [order('A', [attempt('A', '01')]), order('B', [attempt('B', '01', { phase: 'failed' })])],
    trades: [trade('A01', 1000), trade('B01', 0, 0, { state: 'payment_failed' })],
    acknowledged: new Set(['A', 'B']),
    deliveries: new Map([['A', 1]]),
    badSignatures: 0,
    maxReverseCount: 5,
  };
}

describe('checkChaos', () => {
  it('passes a run where journal, sandbox and receiver agree, with its figures', () => {
    const result = checkChaos(healthy());
    expect(result.violations).toEqual([]);
    expect(result.figures).toMatchObject({ orders: 2, paidOrders: 1, heldFen: 1000, deliveredOrders: 1 });
  });

  it('flags an acknowledged order left polling', () => {
    const input = healthy();
    const result = checkChaos({
      ...input,
      orders: [input.orders[0]!, order('B', [attempt('B', '01', { phase: 'polling' })])],
    });
    expect(result.violations).toEqual(['B01: left in phase polling (acknowledged order)']);
  });

  it('flags money the sandbox holds but the journal does not', () => {
    const input = healthy();
    const result = checkChaos({ ...input, trades: [trade('A01', 1000), trade('B01', 1000)] });
    expect(result.violations).toHaveLength(1);
    expect(result.violations[0]).toMatch(/^B: journal holds 0 fen, sandbox 1000/);
  });

  it('flags a refund the journal booked but the sandbox never made', () => {
    const input = healthy();
    const refunded = order('A', [attempt('A', '01')], { refunded_fee: 400, status: 2 });
    const result = checkChaos({ ...input, orders: [refunded, input.orders[1]!] });
    expect(result.violations.join('\n')).toContain('A: journal holds 600 fen, sandbox 1000');
  });

  it('flags an order charged twice', () => {
    const input = healthy();
    const twice = order('A', [attempt('A', '01'), attempt('A', '02', { attempt_index: 2 })]);
    const result = checkChaos({
      ...input,
      orders: [twice, input.orders[1]!],
      trades: [trade('A01', 1000), trade('A02', 1000)],
    });
    expect(result.violations).toContain('A: charged twice (2 paid attempts)');
    expect(result.violations).toContain('A: 2 sandbox trades hold money');
  });

  it('flags a sandbox trade no journal attempt explains', () => {
    const input = healthy();
    const result = checkChaos({ ...input, trades: [...input.trades, trade('Z01', 1000)] });
    expect(result.violations).toEqual(['sandbox trade alipay/Z01 has no journal attempt']);
  });

  it('flags a lost callback, one for an unpaid order, and a forged one; counts duplicates as a figure', () => {
    const input = healthy();
    expect(checkChaos({ ...input, deliveries: new Map() }).violations).toEqual([
      'A: paid callback marked done but never delivered',
    ]);
    expect(
      checkChaos({
        ...input,
        deliveries: new Map([
          ['A', 1],
          ['B', 1],
        ]),
      }).violations,
    ).toEqual(['B: callback delivered for an unpaid order']);
    expect(checkChaos({ ...input, badSignatures: 2 }).violations).toEqual([
      '2 callback deliveries with a bad signature',
    ]);
    const duplicated = checkChaos({ ...input, deliveries: new Map([['A', 3]]) });
    expect(duplicated.violations).toEqual([]);
    expect(duplicated.figures.duplicateDeliveries).toBe(2);
  });

  it('flags a reversal repeated beyond the policy maximum', () => {
    const input = healthy();
    const looping = order('B', [attempt('B', '01', { phase: 'reversed', reverse_count: 6 })]);
    const result = checkChaos({
      ...input,
      orders: [input.orders[0]!, looping],
      trades: [trade('A01', 1000)],
    });
    expect(result.violations).toEqual(['B01: reversed 6 times (policy max 5)']);
  });

  it('reports needs_attention with agreeing money, and fails it when the money disagrees', () => {
    const input = healthy();
    const stuck = order('B', [
      attempt('B', '01', { phase: 'needs_attention', attention: { code: 'x', message: 'ask' } }),
    ]);
    const agreeing = checkChaos({ ...input, orders: [input.orders[0]!, stuck] });
    expect(agreeing.violations).toEqual([]);
    expect(agreeing.attention).toEqual(['B01: needs_attention x ask']);
    const disagreeing = checkChaos({
      ...input,
      orders: [input.orders[0]!, stuck],
      trades: [trade('A01', 1000), trade('B01', 1000)],
    });
    expect(disagreeing.violations).toContain('B01: needs_attention x ask and its money disagrees');
  });

  it('reports a PAYJS charge flagged provider_order_id_missing as attention whatever PAYJS holds', () => {
    const input = healthy();
    const lost = (code: string) =>
      order('B', [
        attempt('B', '01', {
          provider: 'payjs',
          phase: 'needs_attention',
          attention: { code, message: 'no payjs_order_id' },
        }),
      ]);
    const flagged = checkChaos({
      ...input,
      orders: [input.orders[0]!, lost('provider_order_id_missing')],
      trades: [trade('A01', 1000), trade('B01', 1000, 0, { provider: 'payjs' })],
    });
    expect(flagged.violations).toEqual([]);
    expect(flagged.attention).toEqual(['B01: needs_attention provider_order_id_missing no payjs_order_id']);
    const other = checkChaos({
      ...input,
      orders: [input.orders[0]!, lost('reversal_refused')],
      trades: [trade('A01', 1000), trade('B01', 1000, 0, { provider: 'payjs' })],
    });
    expect(other.violations.join('\n')).toContain('B01: needs_attention reversal_refused');
  });

  it('treats a pending PAYJS refund as the known defect only when the money matches an outcome', () => {
    const refundPending = (refunded: number) =>
      checkChaos({
        ...healthy(),
        orders: [
          order('A', [attempt('A', '01', { provider: 'payjs' })], {
            provider: 'payjs',
            refunds: [
              {
                out_refund_no: 'AR0',
                refund_fee: 1000,
                status: 'pending',
                reason: null,
                created_at: 0,
                updated_at: 0,
                failure: null,
              },
            ],
          }),
        ],
        trades: [trade('A01', 1000, refunded, { provider: 'payjs' })],
        acknowledged: new Set(['A']),
      });
    expect(refundPending(1000).violations).toEqual([]);
    expect(refundPending(1000).knownDefects).toHaveLength(1);
    expect(refundPending(0).violations).toEqual([]);
    const wrong = refundPending(300).violations;
    expect(wrong).toContain('A: refund of 1000 fen still pending');
    expect(wrong.join('\n')).toContain('A: journal holds 1000 fen, sandbox 700');
  });

  it('flags an acknowledged order missing from the journal', () => {
    const input = healthy();
    const result = checkChaos({ ...input, acknowledged: new Set(['A', 'B', 'C']) });
    expect(result.violations).toEqual(['C: acknowledged but missing from the journal']);
  });
});
