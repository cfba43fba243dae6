import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConflictError, NotFoundError, RecognitionError, ValidationError } from '../../core/common/errors.ts';
import { queryPayment } from '../../core/service/api/query-payment.ts';
import { aliCode, createHarness, type Harness, settle, wxCode } from './harness.ts';

let h: Harness;
beforeEach(() => {
  h = createHarness();
});
afterEach(() => h.dispose());

const sale = { total_fee: 1234, subject: 'Coffee' };

describe('charging a payment code', () => {
  it('books an instant WeChat payment as paid and runs its callback once', async () => {
    const attempt = await h.engine.pay({ ...sale, auth_code: wxCode() });
    expect(attempt.phase).toBe('paid');
    await settle(h);
    const order = h.engine.orderView(attempt.orderNo)!;
    expect(order.status).toBe(1);
    expect(order.tender).toBe('wxpay');
    expect(order.transaction_id).toBe(h.wx.trades.get(attempt.outTradeNo)!.transactionId);
    expect(h.callbackRuns.get(attempt.orderNo)).toBe(1);
    expect(order.callback).toMatchObject({ state: 'done', user_order_success: true, source: 'query' });
  });

  it('routes an Alipay code to the Alipay gateway', async () => {
    const attempt = await h.engine.pay({ ...sale, auth_code: aliCode() });
    expect(attempt.provider).toBe('alipay');
    expect(h.ali.held(attempt.outTradeNo)).toBe(1234);
  });

  it('polls while the customer enters the password, then books the payment', async () => {
    const code = wxCode();
    h.wx.customers.set(code, 'password');
    const attempt = await h.engine.pay({ ...sale, auth_code: code });
    expect(attempt.phase).toBe('polling');
    await h.clock.advance(6000);
    h.wx.confirm(code);
    await h.clock.advance(3000);
    const state = await h.engine.waitForAttempt(attempt.outTradeNo);
    expect(state.phase).toBe('paid');
    expect(h.wx.calls.filter((c) => c.op === 'reverse')).toHaveLength(0);
  });

  it('reverses when the customer never confirms, not sooner than 15 s after the WeChat charge', async () => {
    const code = wxCode();
    h.wx.customers.set(code, 'password');
    const attempt = await h.engine.pay({ ...sale, auth_code: code });
    const start = h.clock.now();
    await settle(h);
    const state = h.journal.getAttempt(attempt.outTradeNo)!;
    expect(state.phase).toBe('reversed');
    expect(h.wx.trades.get(attempt.outTradeNo)!.state).toBe('reversed');
    const queries = h.wx.calls.filter((c) => c.op === 'query').length;
    expect(queries).toBeGreaterThan(5);
    expect(queries).toBeLessThanOrEqual(20);
    expect(state.updatedAt - start).toBeGreaterThanOrEqual(15_000);
  });

  it('treats a lost reply as unknown: queries and finds the money taken', async () => {
    h.wx.fault('micropay', 'lost');
    const attempt = await h.engine.pay({ ...sale, auth_code: wxCode() });
    expect(attempt.phase).toBe('polling');
    await settle(h);
    expect(h.journal.getAttempt(attempt.outTradeNo)!.phase).toBe('paid');
    expect(h.engine.orderView(attempt.orderNo)!.status).toBe(1);
  });

  it('keeps querying when the order is not found yet, then books it', async () => {
    h.wx.fault('micropay', 'lost');
    h.wx.notFoundQueries = 2;
    const attempt = await h.engine.pay({ ...sale, auth_code: wxCode() });
    await settle(h);
    expect(h.journal.getAttempt(attempt.outTradeNo)!.phase).toBe('paid');
  });

  it('reverses a charge that never reached the provider and ends with nothing taken', async () => {
    h.wx.fault('micropay', 'down');
    const attempt = await h.engine.pay({ ...sale, auth_code: wxCode() });
    await settle(h);
    expect(h.journal.getAttempt(attempt.outTradeNo)!.phase).toBe('reversed');
    expect(h.wx.held(attempt.outTradeNo)).toBe(0);
  });

  it('fails definitively on insufficient funds without querying', async () => {
    const code = wxCode();
    h.wx.customers.set(code, 'insufficient');
    const attempt = await h.engine.pay({ ...sale, auth_code: code });
    expect(attempt.phase).toBe('failed');
    expect(attempt.failure?.code).toBe('NOTENOUGH');
    await settle(h);
    expect(h.wx.calls.map((c) => c.op)).toEqual(['micropay']);
  });

  it("takes the reversal path at once on the cashier's stop", async () => {
    const code = aliCode();
    h.ali.customers.set(code, 'password');
    const attempt = await h.engine.pay({ ...sale, auth_code: code });
    h.engine.stop(attempt.orderNo);
    await h.clock.advance(10);
    expect(h.ali.calls.some((c) => c.op === 'reverse')).toBe(true);
    await settle(h);
    expect(h.journal.getAttempt(attempt.outTradeNo)!.phase).toBe('reversed');
    expect(h.ali.held(attempt.outTradeNo)).toBe(0);
  });

  it('repeats the reversal while the provider says retry, bounded, then asks a human', async () => {
    const code = aliCode();
    h.ali.customers.set(code, 'password');
    h.ali.reverseRetries = 100;
    const attempt = await h.engine.pay({ ...sale, auth_code: code });
    h.engine.stop(attempt.orderNo);
    await settle(h);
    const state = h.journal.getAttempt(attempt.outTradeNo)!;
    expect(state.phase).toBe('needs_attention');
    expect(state.attention?.code).toBe('reversal_exhausted');
    expect(h.ali.calls.filter((c) => c.op === 'reverse')).toHaveLength(3);
  });

  it('confirms a reversal by query', async () => {
    const code = aliCode();
    h.ali.customers.set(code, 'password');
    h.ali.reverseRetries = 1;
    const attempt = await h.engine.pay({ ...sale, auth_code: code });
    h.engine.stop(attempt.orderNo);
    await settle(h);
    const ops = h.ali.calls.map((c) => c.op);
    expect(ops.slice(-3)).toEqual(['reverse', 'reverse', 'query']);
    expect(h.journal.getAttempt(attempt.outTradeNo)!.phase).toBe('reversed');
  });

  it('reverses a paid reply whose amount differs from the order', async () => {
    h.wx.fault('micropay', { reply: { kind: 'paid', transactionId: 'X', totalFee: 1 } });
    const attempt = await h.engine.pay({ ...sale, auth_code: wxCode() });
    expect(attempt.phase).toBe('reversing');
    expect(attempt.failure?.code).toBe('amount_mismatch');
    await settle(h);
    expect(h.journal.getAttempt(attempt.outTradeNo)!.phase).toBe('reversed');
    expect(h.wx.held(attempt.outTradeNo)).toBe(0);
  });

  it('asks a human after the provider stays unreachable while reversing, and resumes when it is back', async () => {
    const code = wxCode();
    h.wx.customers.set(code, 'password');
    const attempt = await h.engine.pay({ ...sale, auth_code: code });
    h.wx.offline = true;
    await settle(h);
    expect(h.journal.getAttempt(attempt.outTradeNo)!.attention?.code).toBe('provider_unreachable');
    h.wx.offline = false;
    expect(h.engine.retryUnreachable('wxpay')).toBe(1);
    await settle(h);
    expect(h.journal.getAttempt(attempt.outTradeNo)!.phase).toBe('reversed');
    expect(h.wx.held(attempt.outTradeNo)).toBe(0);
  });
});

describe('single flight', () => {
  it('refuses a new scan for an order whose attempt is unresolved', async () => {
    const code = wxCode();
    h.wx.customers.set(code, 'password');
    const first = await h.engine.pay({ ...sale, out_trade_no: 'ORDER1', auth_code: code });
    await expect(
      h.engine.pay({ ...sale, out_trade_no: 'ORDER1', auth_code: wxCode() }),
    ).rejects.toMatchObject({
      code: 'attempt_unresolved',
    });
    expect(h.journal.attemptsOf(first.orderNo)).toHaveLength(1);
  });

  it('lets a failed order be paid with a fresh code under a new out_trade_no', async () => {
    const bad = wxCode();
    h.wx.customers.set(bad, 'insufficient');
    const first = await h.engine.pay({ ...sale, out_trade_no: 'ORDER2', auth_code: bad });
    expect(first.phase).toBe('failed');
    const second = await h.engine.pay({ ...sale, out_trade_no: 'ORDER2', auth_code: wxCode() });
    expect(second.outTradeNo).toBe('ORDER2_2');
    expect(second.phase).toBe('paid');
  });

  it('never charges the same payment code twice within 60 s', async () => {
    const code = wxCode();
    await h.engine.pay({ ...sale, auth_code: code });
    await expect(h.engine.pay({ ...sale, auth_code: code })).rejects.toBeInstanceOf(ConflictError);
    expect(h.wx.calls.filter((c) => c.op === 'micropay')).toHaveLength(1);
  });

  it('refuses a paid order', async () => {
    await h.engine.pay({ ...sale, out_trade_no: 'PAID1', auth_code: wxCode() });
    await expect(h.engine.pay({ ...sale, out_trade_no: 'PAID1', auth_code: wxCode() })).rejects.toMatchObject(
      {
        code: 'order_already_paid',
      },
    );
  });
});

describe('bad input writes nothing', () => {
  const cases: [string, Record<string, unknown>, string][] = [
    ['a negative amount', { total_fee: -5 }, 'amount_not_positive'],
    ['a fractional amount', { total_fee: 12.5 }, 'amount_not_integer'],
    ['zero', { total_fee: 0 }, 'amount_not_positive'],
    ['an unknown merchant', { pid: 'nobody' }, 'merchant_unknown'],
    ['an over-long subject', { subject: 'x'.repeat(129) }, 'subject_too_long'],
    ['a product barcode', { auth_code: '6901234567892' }, 'code_is_product_barcode'],
    ['a UnionPay code', { auth_code: '6212345678901234567' }, 'wallet_not_supported'],
    ['an order number with spaces', { out_trade_no: 'a b' }, 'out_trade_no_invalid'],
  ];
  for (const [what, patch, code] of cases) {
    it(`refuses ${what} with ${code}`, async () => {
      const error = await h.engine
        .pay({ ...sale, auth_code: wxCode(), ...patch } as never)
        .catch((e: unknown) => e);
      expect(error).toMatchObject({ code });
      expect([ValidationError, RecognitionError, NotFoundError].some((k) => error instanceof k)).toBe(true);
      expect(h.journal.listOrders({ offset: 0, limit: 10 }).total).toBe(0);
      expect(h.wx.calls).toHaveLength(0);
    });
  }
});

describe('paid callbacks', () => {
  it('run once when both a notify and a query report the payment', async () => {
    const attempt = await h.engine.startQr({ ...sale, out_trade_no: 'QR1' });
    expect(attempt.phase).toBe('awaiting_scan');
    h.wx.scanQr(attempt.outTradeNo);
    h.engine.notifyPaid(attempt.outTradeNo, {
      kind: 'paid',
      transactionId: h.wx.trades.get(attempt.outTradeNo)!.transactionId,
      totalFee: 1234,
    });
    await settle(h);
    expect(h.callbackRuns.get('QR1')).toBe(1);
    expect(h.engine.orderView('QR1')!.callback?.source).toBe('notify');
  });

  it('retry a throwing callback and keep its error visible', async () => {
    h.dispose();
    let calls = 0;
    h = createHarness({
      callbacks: {
        goods: () => {
          calls++;
          if (calls < 3) throw new Error('warehouse offline');
          return true;
        },
      },
    });
    const attempt = await h.engine.pay({ ...sale, auth_code: wxCode() });
    await h.clock.flush();
    expect(h.engine.orderView(attempt.orderNo)!.callback).toMatchObject({
      state: 'retrying',
      last_error: 'warehouse offline',
    });
    await settle(h);
    expect(calls).toBe(3);
    expect(h.engine.orderView(attempt.orderNo)!.callback).toMatchObject({
      state: 'done',
      user_order_success: true,
      runs: 3,
    });
  });

  it('queryPayment with await_notify waits until the callback has run', async () => {
    const code = wxCode();
    h.wx.customers.set(code, 'password');
    const attempt = await h.engine.pay({ ...sale, auth_code: code });
    const query = queryPayment(h.engine, {
      out_trade_no: attempt.orderNo,
      await_notify: true,
      await_max_time: 20,
    });
    await h.clock.advance(4000);
    h.wx.confirm(code);
    await h.clock.advance(4000);
    const result = await query;
    expect(result).toMatchObject({
      orderPaid: true,
      user_order_success: true,
      status: 1,
      out_trade_no: attempt.orderNo,
    });
  });

  it('queryPayment with await_notify gives up after await_max_time', async () => {
    const code = wxCode();
    h.wx.customers.set(code, 'password');
    const attempt = await h.engine.pay({ ...sale, auth_code: code });
    const query = queryPayment(h.engine, {
      out_trade_no: attempt.orderNo,
      await_notify: true,
      await_max_time: 5,
    });
    await h.clock.advance(5500);
    const result = await query;
    expect(result.orderPaid).toBe(false);
    expect(result.status).toBe(0);
  });
});

describe('refunds', () => {
  it('refunds partly then fully, cumulative, statuses 2 then 3', async () => {
    const attempt = await h.engine.pay({ ...sale, auth_code: wxCode() });
    const first = await h.engine.refunds.refund({ out_trade_no: attempt.orderNo, refund_fee: 234 });
    expect(first.status).toBe('succeeded');
    expect(h.engine.orderView(attempt.orderNo)!.status).toBe(2);
    await expect(
      h.engine.refunds.refund({ out_trade_no: attempt.orderNo, refund_fee: 1001 }),
    ).rejects.toMatchObject({
      code: 'refund_exceeds_paid',
    });
    const rest = await h.engine.refunds.refund({ out_trade_no: attempt.orderNo });
    expect(rest.refundFee).toBe(1000);
    const order = h.engine.orderView(attempt.orderNo)!;
    expect(order.status).toBe(3);
    expect(order.refunded_fee).toBe(1234);
    expect(h.wx.held(attempt.outTradeNo)).toBe(0);
  });

  it('reuses out_refund_no after a lost reply so the money is refunded once', async () => {
    const attempt = await h.engine.pay({ ...sale, auth_code: wxCode() });
    h.wx.fault('refund', 'lost');
    const pending = h.engine.refunds.refund({
      out_trade_no: attempt.orderNo,
      refund_fee: 500,
      out_refund_no: 'RF1',
    });
    await h.clock.runAll();
    const record = await pending;
    expect(record.status).toBe('succeeded');
    expect(h.wx.trades.get(attempt.outTradeNo)!.refunded).toBe(500);
    const again = await h.engine.refunds.refund({
      out_trade_no: attempt.orderNo,
      refund_fee: 500,
      out_refund_no: 'RF1',
    });
    expect(again.status).toBe('succeeded');
    expect(h.wx.trades.get(attempt.outTradeNo)!.refunded).toBe(500);
  });

  it('a repeated full refund (its reply lost) gets the first refund back, not order_fully_refunded', async () => {
    const attempt = await h.engine.pay({ ...sale, auth_code: wxCode() });
    const first = await h.engine.refunds.refund({
      out_trade_no: attempt.orderNo,
      refund_fee: 1234,
      out_refund_no: 'RFALL',
    });
    expect(h.engine.orderView(attempt.orderNo)!.status).toBe(3);
    const again = await h.engine.refunds.refund({
      out_trade_no: attempt.orderNo,
      refund_fee: 1234,
      out_refund_no: 'RFALL',
    });
    expect(again).toMatchObject({ outRefundNo: 'RFALL', status: 'succeeded', refundFee: first.refundFee });
    expect(h.wx.trades.get(attempt.outTradeNo)!.refunded).toBe(1234);
    // A new refund number on the same order is still refused.
    await expect(
      h.engine.refunds.refund({ out_trade_no: attempt.orderNo, refund_fee: 1, out_refund_no: 'RFNEW' }),
    ).rejects.toMatchObject({ code: 'order_fully_refunded' });
  });

  it('keeps following a refund still processing after the quick rounds, and books it when done', async () => {
    const attempt = await h.engine.pay({ ...sale, auth_code: wxCode() });
    // Accepted but not finished (WeChat's PROCESSING, e.g. a refund to a bank card): the quick
    // rounds (about two minutes) see it processing, and so does the first slow follow-up.
    const processing = { reply: { kind: 'processing', refundId: 'R-RF2' } } as const;
    h.wx.fault('refund', processing);
    h.wx.fault('queryRefund', ...Array.from({ length: 12 }, () => processing));
    const asked = h.engine.refunds.refund({
      out_trade_no: attempt.orderNo,
      refund_fee: 500,
      out_refund_no: 'RF2',
    });
    await h.clock.advance(125_000);
    expect((await asked).status).toBe('pending');
    expect(h.engine.orderView(attempt.orderNo)!.refunded_fee).toBe(0);
    await h.clock.advance(60_000 + 125_000);
    expect(h.journal.getRefund('RF2')).toMatchObject({ status: 'succeeded', refundId: 'R-RF2' });
    expect(h.engine.orderView(attempt.orderNo)).toMatchObject({ status: 2, refunded_fee: 500 });
    expect(h.wx.trades.get(attempt.outTradeNo)!.refunded).toBe(500);
  });

  it('a pending refund does not hold up shutdown: its state is journaled for the next start', async () => {
    const attempt = await h.engine.pay({ ...sale, auth_code: wxCode() });
    const processing = { reply: { kind: 'processing' } } as const;
    h.wx.fault('refund', processing);
    h.wx.fault('queryRefund', ...Array.from({ length: 100 }, () => processing));
    const asked = h.engine.refunds.refund({
      out_trade_no: attempt.orderNo,
      refund_fee: 500,
      out_refund_no: 'RF3',
    });
    await h.clock.advance(10_000); // in the quick rounds, waiting on the clock between two queries
    const stopped = await Promise.race([
      h.engine.shutdown().then(() => 'stopped'),
      new Promise((resolve) => setTimeout(() => resolve('still waiting'), 2000)),
    ]);
    expect(stopped).toBe('stopped');
    expect((await asked).status).toBe('pending');
    expect(h.journal.pendingRefunds().map((r) => r.outRefundNo)).toEqual(['RF3']);
  });

  it('refuses refunds of an unpaid order', async () => {
    const order = h.engine.createOrder({ ...sale });
    await expect(h.engine.refunds.refund({ out_trade_no: order.orderNo })).rejects.toMatchObject({
      code: 'order_not_paid',
    });
  });
});

describe('QR mode', () => {
  it('closes the QR order at the provider when it expires unpaid', async () => {
    const attempt = await h.engine.startQr({ ...sale, time_expire: h.clock.now() + 60_000 });
    expect(attempt.qrCode).toContain('weixin://');
    await settle(h);
    expect(h.journal.getAttempt(attempt.outTradeNo)!.phase).toBe('closed');
    expect(h.wx.trades.get(attempt.outTradeNo)!.state).toBe('closed');
  });

  it('books a QR payment found by polling (the notify was lost)', async () => {
    const attempt = await h.engine.startQr({ ...sale });
    await h.clock.advance(5000);
    h.wx.scanQr(attempt.outTradeNo);
    await h.clock.advance(3000);
    expect(h.journal.getAttempt(attempt.outTradeNo)!.phase).toBe('paid');
  });
});
