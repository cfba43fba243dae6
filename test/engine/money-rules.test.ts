/**
 * The engine's money rules, each pinned by a test that goes red when the rule is broken (issue 13's
 * planted bugs): a throwing adapter is unknown, a payment code is refused for 60 s, a paid or
 * refunded order is never charged again, closeOrder never closes an order whose money may be held,
 * and a throwing paid callback is retried a bounded number of times, across restarts too.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_POLL_POLICIES } from '../../core/domain/poll-policy.ts';
import { CheckoutEngine } from '../../core/engine/checkout-engine.ts';
import { SqliteJournal } from '../../core/journal/sqlite-journal.ts';
import { queryPayment } from '../../core/service/api/query-payment.ts';
import { ProviderHealth } from '../../core/service/provider-health.ts';
import { FakeClock } from '../fakes/fake-clock.ts';
import { FakeGateway } from '../fakes/fake-gateway.ts';
import { createHarness, type Harness, settle, wxCode } from './harness.ts';

let h: Harness;
beforeEach(() => {
  h = createHarness();
});
afterEach(() => h.dispose());

const sale = { total_fee: 1234, subject: 'Coffee' };
const ops = (gateway: Harness['wx'], op: string) => gateway.calls.filter((c) => c.op === op).length;

describe('an adapter that throws during a call', () => {
  it('micropay throws after the provider took the money: unknown, then booked paid by query', async () => {
    h.wx.fault('micropay', 'throws');
    const attempt = await h.engine.pay({ ...sale, auth_code: wxCode() });
    expect(attempt.phase).not.toBe('failed');
    expect(attempt.phase).toBe('polling');
    await settle(h);
    const final = h.journal.getAttempt(attempt.outTradeNo)!;
    expect(final.phase).toBe('paid');
    expect(h.engine.orderView(attempt.orderNo)!.status).toBe(1);
    expect(h.wx.held(attempt.outTradeNo)).toBe(1234);
    expect(ops(h.wx, 'query')).toBeGreaterThanOrEqual(1);
  });

  it('micropay throws while the customer confirms: never failed, the attempt ends reversed with nothing held', async () => {
    const code = wxCode();
    h.wx.customers.set(code, 'password');
    h.wx.fault('micropay', 'throws');
    const attempt = await h.engine.pay({ ...sale, auth_code: code });
    expect(attempt.phase).toBe('polling');
    await settle(h);
    expect(h.journal.getAttempt(attempt.outTradeNo)!.phase).toBe('reversed');
    expect(ops(h.wx, 'reverse')).toBeGreaterThanOrEqual(1);
    expect(h.wx.held(attempt.outTradeNo)).toBe(0);
    const steps = h.engine.orderDetail(attempt.orderNo).timeline.map((t) => t.summary);
    expect(steps.some((s) => s.startsWith('unknown (network)'))).toBe(true);
  });

  it('a throwing query keeps the attempt polling, and a later query books the payment', async () => {
    const code = wxCode();
    h.wx.customers.set(code, 'password');
    h.wx.fault('query', 'throws', 'throws');
    const attempt = await h.engine.pay({ ...sale, auth_code: code });
    await h.clock.advance(8000);
    expect(h.journal.getAttempt(attempt.outTradeNo)!.phase).toBe('polling');
    h.wx.confirm(code);
    await settle(h);
    expect(h.journal.getAttempt(attempt.outTradeNo)!.phase).toBe('paid');
    expect(ops(h.wx, 'reverse')).toBe(0);
  });
});

describe('a refund call that throws after the provider refunded', () => {
  it('is unknown, then confirmed by the refund query: refunded once, booked succeeded', async () => {
    const attempt = await h.engine.pay({ ...sale, out_trade_no: 'RT1', auth_code: wxCode() });
    h.wx.fault('refund', 'throws');
    const asked = h.engine.refunds.refund({ out_trade_no: 'RT1', refund_fee: 300, out_refund_no: 'RTR1' });
    await h.clock.runAll();
    expect(await asked).toMatchObject({ status: 'succeeded' });
    expect(ops(h.wx, 'queryRefund')).toBeGreaterThanOrEqual(1);
    expect(h.wx.trades.get(attempt.outTradeNo)!.refunded).toBe(300);
    expect(h.engine.orderView('RT1')).toMatchObject({ status: 2, refunded_fee: 300 });
  });
});

describe('a throwing adapter behind the service’s ProviderHealth decorator', () => {
  it('still reaches the engine as unknown: the payment is found by query and booked', async () => {
    const clock = new FakeClock();
    const fake = new FakeGateway('wxpay');
    const health = new ProviderHealth(clock);
    const merchant = {
      pid: 'm1',
      gateways: [health.track('m1', fake)],
      policies: DEFAULT_POLL_POLICIES,
    };
    const journal = new SqliteJournal(':memory:');
    try {
      const engine = new CheckoutEngine({
        journal,
        clock,
        merchants: {
          defaultPid: 'm1',
          get: (pid) => (pid === 'm1' ? merchant : undefined),
          all: () => [merchant],
        },
      });
      fake.fault('micropay', 'throws');
      const attempt = await engine.pay({ ...sale, auth_code: wxCode() });
      expect(attempt.phase).toBe('polling');
      await clock.runAll();
      await engine.idle();
      expect(journal.getAttempt(attempt.outTradeNo)!.phase).toBe('paid');
      expect(fake.held(attempt.outTradeNo)).toBe(1234);
    } finally {
      health.stop();
      journal.close();
    }
  });
});

describe('the same payment code within 60 s', () => {
  it('is refused 59 s after its charge and accepted 61 s after it, on the injected clock', async () => {
    const code = wxCode();
    const first = await h.engine.pay({ ...sale, auth_code: code });
    expect(first.phase).toBe('paid');

    await h.clock.advance(59_000);
    await expect(h.engine.pay({ ...sale, auth_code: code })).rejects.toMatchObject({
      code: 'auth_code_reused',
      details: { out_trade_no: first.orderNo },
    });
    expect(ops(h.wx, 'micropay')).toBe(1);
    expect(h.journal.listOrders({ offset: 0, limit: 10 }).total).toBe(1);

    await h.clock.advance(2_000);
    const second = await h.engine.pay({ ...sale, auth_code: code });
    expect(second.orderNo).not.toBe(first.orderNo);
    expect(ops(h.wx, 'micropay')).toBe(2);
  });

  it('is refused even for the order whose first charge with it failed', async () => {
    const code = wxCode();
    h.wx.customers.set(code, 'insufficient');
    const first = await h.engine.pay({ ...sale, out_trade_no: 'SAME1', auth_code: code });
    expect(first.phase).toBe('failed');
    await h.clock.advance(30_000);
    await expect(h.engine.pay({ ...sale, out_trade_no: 'SAME1', auth_code: code })).rejects.toMatchObject({
      code: 'auth_code_reused',
    });
    expect(h.journal.attemptsOf('SAME1')).toHaveLength(1);
  });
});

describe('a refunded order is never charged again', () => {
  for (const [what, refundFee, status] of [
    ['partly refunded (status 2)', 234, 2],
    ['fully refunded (status 3)', undefined, 3],
  ] as const) {
    it(`refuses a new scan or QR for a ${what} order`, async () => {
      await h.engine.pay({ ...sale, out_trade_no: 'RF', auth_code: wxCode() });
      await h.engine.refunds.refund({
        out_trade_no: 'RF',
        ...(refundFee === undefined ? {} : { refund_fee: refundFee }),
      });
      expect(h.engine.orderView('RF')!.status).toBe(status);

      await expect(h.engine.pay({ ...sale, out_trade_no: 'RF', auth_code: wxCode() })).rejects.toMatchObject({
        code: 'order_already_paid',
      });
      await expect(h.engine.startQr({ ...sale, out_trade_no: 'RF' })).rejects.toMatchObject({
        code: 'order_already_paid',
      });
      await expect(async () => h.engine.closeOrder('RF')).rejects.toMatchObject({
        code: 'order_already_paid',
      });
      // A merchant asking whether to charge again must hear "paid".
      expect(await queryPayment(h.engine, { out_trade_no: 'RF' })).toMatchObject({ orderPaid: true, status });
      expect(h.journal.attemptsOf('RF')).toHaveLength(1);
      expect(ops(h.wx, 'micropay')).toBe(1);
      expect(ops(h.wx, 'precreate')).toBe(0);
      expect(h.engine.orderView('RF')!.status).toBe(status);
    });
  }
});

describe('closeOrder while money may be held', () => {
  it('leaves open an order whose reversal could not reach the provider, so the reversal still resumes', async () => {
    const code = wxCode();
    h.wx.customers.set(code, 'password');
    const attempt = await h.engine.pay({ ...sale, out_trade_no: 'HELD1', auth_code: code });
    h.wx.confirm(code); // the customer paid, but the terminal never hears of it
    h.wx.offline = true;
    await settle(h);
    expect(h.journal.getAttempt(attempt.outTradeNo)!.phase).toBe('needs_attention');
    expect(h.wx.held(attempt.outTradeNo)).toBe(1234);

    const view = h.engine.closeOrder('HELD1');
    expect(view.status).toBe(0);
    expect(h.journal.getOrder('HELD1')!.status).toBe(0);
    expect(h.journal.getAttempt(attempt.outTradeNo)!.phase).toBe('needs_attention');

    h.wx.offline = false;
    expect(h.engine.retryUnreachable('wxpay')).toBe(1);
    await settle(h);
    // The reversal resumes and gives the customer's money back; only then is nothing held.
    expect(h.journal.getAttempt(attempt.outTradeNo)!.phase).toBe('reversed');
    expect(h.wx.held(attempt.outTradeNo)).toBe(0);
  });

  it('leaves open an order whose reversal the provider kept asking to repeat', async () => {
    const code = wxCode();
    h.wx.customers.set(code, 'password');
    h.wx.reverseRetries = 100;
    const attempt = await h.engine.pay({ ...sale, out_trade_no: 'HELD2', auth_code: code });
    h.engine.stop('HELD2');
    await settle(h);
    expect(h.journal.getAttempt(attempt.outTradeNo)!.attention?.code).toBe('reversal_exhausted');

    expect(h.engine.closeOrder('HELD2').status).toBe(0);
    expect(h.journal.getOrder('HELD2')!.status).toBe(0);
  });

  it('does close an unpaid order with no attempt', () => {
    h.engine.createOrder({ ...sale, out_trade_no: 'OPEN1' });
    expect(h.engine.closeOrder('OPEN1').status).toBe(-1);
  });
});

describe('a paid callback that keeps throwing', () => {
  it('is run at most callbackMaxRuns (8) times, stays visible, and is not run again after a restart', async () => {
    h.dispose();
    let calls = 0;
    h = createHarness({
      callbacks: {
        '*': () => {
          calls++;
          throw new Error('receiver down');
        },
      },
    });
    const attempt = await h.engine.pay({ ...sale, auth_code: wxCode() });
    await settle(h);
    expect(calls).toBe(8);
    expect(h.engine.orderView(attempt.orderNo)!.callback).toMatchObject({
      state: 'retrying',
      runs: 8,
      last_error: 'receiver down',
      user_order_success: null,
    });

    const engine = h.restart();
    engine.recover();
    await settle(h);
    expect(calls).toBe(8);
    expect(h.engine.orderView(attempt.orderNo)!.status).toBe(1);
  });
});

describe('paid callback retries', () => {
  it("wait the capped back-off with the jitter drawn from the engine's injected random", async () => {
    h.dispose();
    h = createHarness({
      callbacks: {
        '*': () => {
          throw new Error('receiver down');
        },
      },
      random: () => 0.5,
    });
    const attempt = await h.engine.pay({ ...sale, auth_code: wxCode() });
    const callbackAfterRuns = (runs: number) =>
      vi.waitFor(() => {
        const record = h.journal.getCallback(attempt.orderNo);
        expect(record?.runs).toBe(runs);
        expect(record?.state).toBe('retrying');
        return record!;
      });
    const first = await callbackAfterRuns(1);
    // 1000 ms after the first failure, less half of its 20 % jitter.
    expect(first.nextRunAt - first.updatedAt).toBe(900);
    await h.clock.advance(900);
    const second = await callbackAfterRuns(2);
    expect(second.nextRunAt - second.updatedAt).toBe(1800);
  });
});
