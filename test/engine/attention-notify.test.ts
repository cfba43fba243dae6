/**
 * A verified paid notification for an attempt that needs attention: the engine queries the provider
 * again and books the payment only when the query confirms it (a delayed notification can predate a
 * successful close or reversal, so the notification alone never books it).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_POLL_POLICIES } from '../../core/domain/poll-policy.ts';
import { createHarness, type Harness, settle } from './harness.ts';

let h: Harness;
beforeEach(() => {
  h = createHarness();
});
afterEach(() => h.dispose());

const sale = { total_fee: 1234, subject: 'Massage' };
const closes = DEFAULT_POLL_POLICIES.wxpay.closeMaxAttempts;

/** A QR attempt whose closes never reached WeChat: it ends in needs_attention close_failed. */
async function stuckQr(outTradeNo: string) {
  const attempt = await h.engine.startQr({ ...sale, out_trade_no: outTradeNo, provider: 'wxpay' });
  h.wx.fault('close', ...Array.from({ length: closes }, () => 'down' as const));
  await settle(h);
  const stuck = h.journal.getAttempt(attempt.outTradeNo)!;
  expect(stuck.phase).toBe('needs_attention');
  expect(stuck.attention?.code).toBe('close_failed');
  return stuck;
}

function notify(outTradeNo: string, totalFee = 1234) {
  return h.engine.notifyPaid(outTradeNo, {
    kind: 'paid',
    transactionId: h.wx.trades.get(outTradeNo)?.transactionId ?? '4200000000000000000000000001',
    totalFee,
  });
}

describe('a paid notification for an attempt needing attention', () => {
  it('queries the provider and books the payment it confirms, with one paid callback', async () => {
    const stuck = await stuckQr('QRA1');
    h.wx.scanQr(stuck.outTradeNo); // the customer pays the QR the terminal could not close
    const queriesBefore = h.wx.calls.filter((c) => c.op === 'query').length;

    notify(stuck.outTradeNo);
    await settle(h);

    expect(h.wx.calls.filter((c) => c.op === 'query').length).toBe(queriesBefore + 1);
    const booked = h.journal.getAttempt(stuck.outTradeNo)!;
    expect(booked.phase).toBe('paid');
    expect(booked.attention).toBeNull();
    expect(booked.transactionId).toBe(h.wx.trades.get(stuck.outTradeNo)!.transactionId);
    const order = h.engine.orderView('QRA1')!;
    expect(order.status).toBe(1);
    expect(h.callbackRuns.get('QRA1')).toBe(1);

    notify(stuck.outTradeNo); // WeChat repeats the notification: nothing changes, no second callback
    await settle(h);
    expect(h.callbackRuns.get('QRA1')).toBe(1);
  });

  it('leaves the attempt as it was when the query does not say paid (a stale notification)', async () => {
    const stuck = await stuckQr('QRA2');
    h.wx.trades.get(stuck.outTradeNo)!.state = 'closed'; // the close took effect after all

    notify(stuck.outTradeNo);
    await settle(h);

    expect(h.wx.calls.at(-1)).toEqual({ op: 'query', outTradeNo: stuck.outTradeNo });
    expect(h.journal.getAttempt(stuck.outTradeNo)).toEqual(stuck);
    expect(h.engine.orderView('QRA2')!.status).toBe(0);
    expect(h.callbackRuns.get('QRA2')).toBeUndefined();
  });

  it('leaves the attempt as it was when the provider cannot be reached', async () => {
    const stuck = await stuckQr('QRA3');
    h.wx.scanQr(stuck.outTradeNo);
    h.wx.fault('query', 'down');

    notify(stuck.outTradeNo);
    await settle(h);

    expect(h.journal.getAttempt(stuck.outTradeNo)!.phase).toBe('needs_attention');
    expect(h.engine.orderView('QRA3')!.status).toBe(0);
    expect(h.callbackRuns.get('QRA3')).toBeUndefined();
  });

  it('does not book a confirmed payment of another amount', async () => {
    const stuck = await stuckQr('QRA4');
    h.wx.scanQr(stuck.outTradeNo);
    h.wx.trades.get(stuck.outTradeNo)!.totalFee = 1;

    notify(stuck.outTradeNo);
    await settle(h);

    expect(h.journal.getAttempt(stuck.outTradeNo)!.phase).toBe('needs_attention');
    expect(h.engine.orderView('QRA4')!.status).toBe(0);
  });
});

describe('while the engine shuts down', () => {
  it('a paid notification starts no provider call', async () => {
    const stuck = await stuckQr('QRA5');
    h.wx.scanQr(stuck.outTradeNo);
    const calls = h.wx.calls.length;
    await h.engine.shutdown();

    notify(stuck.outTradeNo);
    await h.engine.idle();

    expect(h.wx.calls.length).toBe(calls);
    expect(h.journal.getAttempt(stuck.outTradeNo)!.phase).toBe('needs_attention');
  });
});
