/**
 * A verified paid notification for an attempt that had already ended closed or failed: the provider
 * holds the customer's money while the journal says the sale did not happen. After a confirming query
 * the attempt goes to the 待处理 list (attention `paid_after_final`) and nothing is booked; only the
 * supervisor's settle books it (the goods went out) or refunds it (they did not). Until the query's
 * answer is journaled the notification is not acknowledged, so the provider sends it again and a
 * crash in between loses nothing. A forged notification changes nothing.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { v2Sign } from '../../core/gateways/shared/v2-sign.ts';
import { createWxpayNotifyVerifier } from '../../core/gateways/wxpay/wxpay-notify.ts';
import { buildWxpayXml } from '../../core/gateways/wxpay/wxpay-xml.ts';
import type { NotifyReading, NotifyVerifier } from '../../core/ports/notify-verifier.ts';
import type { ServiceMerchants } from '../../core/service/merchants.ts';
import { createNotifyHandler, type NotifyHandler } from '../../core/service/notify/notify-handler.ts';
import type { FakeGateway } from '../fakes/fake-gateway.ts';
import { wxpayTestConfig } from '../gateways/wxpay-fixtures.ts';
import { aliCode, createHarness, type Harness, settle, wxCode } from './harness.ts';

let h: Harness;
let handle: NotifyHandler;
let lines: { level: 'info' | 'warn'; message: string }[];
let handlerMerchants: ServiceMerchants;

/** Reads every body as the JSON reading it holds, except WeChat's: the real v2 verifier checks its sign. */
function jsonVerifier(provider: 'wxpay' | 'alipay'): NotifyVerifier {
  return {
    provider,
    read: (body) => JSON.parse(body) as NotifyReading,
    success: { status: 200, contentType: 'text/plain', body: 'SUCCESS' },
    failure: (message) => ({ status: 400, contentType: 'text/plain', body: message }),
  };
}

beforeEach(() => {
  h = createHarness();
  lines = [];
  const log = (level: 'info' | 'warn') => (message: string) => lines.push({ level, message });
  handlerMerchants = {
    gatewayConfig: (_pid: string, provider: string) => {
      if (provider === 'alipay') return { createNotifyVerifier: () => jsonVerifier('alipay') };
      if (provider === 'wxpay')
        return {
          createNotifyVerifier: () =>
            createWxpayNotifyVerifier(wxpayTestConfig('https://api.mch.weixin.qq.com')),
        };
      return undefined;
    },
  } as unknown as ServiceMerchants;
  handle = createNotifyHandler({
    engine: h.engine,
    merchants: handlerMerchants,
    logger: { info: log('info'), warn: log('warn') },
  });
});
afterEach(() => h.dispose());

const who = { by: '店长 李', reason: '顾客出示了扣款记录' };

function aliNotify(outTradeNo: string, totalFee: number) {
  const trade = h.ali.trades.get(outTradeNo)!;
  const reading: NotifyReading = { kind: 'paid', outTradeNo, totalFee, transactionId: trade.transactionId };
  return handle('m1', 'alipay', JSON.stringify(reading));
}

/** An Alipay QR order the cashier cancelled: closed in our journal; then the provider holds the money. */
async function closedButPaid(): Promise<{ outTradeNo: string; orderNo: string }> {
  const attempt = await h.engine.startQr({ total_fee: 700, subject: 'Massage', provider: 'alipay' });
  h.engine.stop(attempt.outTradeNo);
  await settle(h);
  expect(h.journal.getAttempt(attempt.outTradeNo)!.phase).toBe('closed');
  providerHolds(h.ali, attempt.outTradeNo, 700);
  return { outTradeNo: attempt.outTradeNo, orderNo: attempt.orderNo };
}

/** The provider holds the money for a trade our journal ended (a failed charge keeps no fake trade: plant one). */
function providerHolds(gateway: FakeGateway, outTradeNo: string, totalFee: number) {
  const trade = gateway.trades.get(outTradeNo) ?? {
    outTradeNo,
    authCode: null,
    state: 'paid' as const,
    totalFee,
    captured: totalFee,
    refunded: 0,
    transactionId: `LATE-${outTradeNo}`,
    refunds: new Map<string, number>(),
    qr: false,
  };
  trade.state = 'paid';
  trade.captured = totalFee;
  gateway.trades.set(outTradeNo, trade);
  return trade;
}

function steps(orderNo: string): string[] {
  return h.journal.timeline(orderNo).map((s) => `${s.op}: ${s.summary}`);
}

describe('a paid notification for an attempt that had ended closed or failed', () => {
  it('confirmed by the query: the attempt needs a person (paid_after_final); nothing is booked', async () => {
    const { outTradeNo, orderNo } = await closedButPaid();
    const statusBefore = h.engine.orderView(orderNo)!.status;

    // Not acknowledged before the provider's query is answered and journaled: the provider retries.
    expect(aliNotify(outTradeNo, 700).status).not.toBe(200);
    await settle(h);
    expect(aliNotify(outTradeNo, 700).body).toBe('SUCCESS');

    const after = h.journal.getAttempt(outTradeNo)!;
    expect(after.phase).toBe('needs_attention');
    expect(after.attention?.code).toBe('paid_after_final');
    expect(after.transactionId).toBeNull();
    expect(h.engine.orderView(orderNo)!.status).toBe(statusBefore);
    expect(h.callbackRuns.get(orderNo)).toBeUndefined();
    expect(h.journal.unresolvedAttempts().map((a) => a.outTradeNo)).toContain(outTradeNo);
    expect(steps(orderNo).join('\n')).toMatch(/paid_after_final: .*closed/);
    expect(lines.some((l) => l.level === 'warn' && /ended closed/.test(l.message))).toBe(true);
    expect(h.ali.calls.filter((c) => c.op === 'query' && c.outTradeNo === outTradeNo).length).toBeGreaterThan(
      0,
    );
  });

  it('the provider denies it (still closed): the attempt stays as it was', async () => {
    const attempt = await h.engine.startQr({ total_fee: 700, subject: 'Massage', provider: 'alipay' });
    h.engine.stop(attempt.outTradeNo);
    await settle(h);
    const closed = h.journal.getAttempt(attempt.outTradeNo)!;

    expect(aliNotify(attempt.outTradeNo, 700).status).not.toBe(200);
    await settle(h);
    // The provider's word is "closed": its repeat is acknowledged without a second query.
    const queries = h.ali.calls.filter((c) => c.op === 'query').length;
    expect(aliNotify(attempt.outTradeNo, 700).body).toBe('SUCCESS');
    await settle(h);
    expect(h.ali.calls.filter((c) => c.op === 'query').length).toBe(queries);

    expect(h.journal.getAttempt(attempt.outTradeNo)).toEqual(closed);
  });

  it('the provider does not answer: the notification is not lost, the attempt still needs a person', async () => {
    const { outTradeNo } = await closedButPaid();
    h.ali.offline = true;
    aliNotify(outTradeNo, 700);
    await settle(h);
    const after = h.journal.getAttempt(outTradeNo)!;
    expect(after.phase).toBe('needs_attention');
    expect(after.attention?.code).toBe('paid_after_final');
  });

  it('a crash before the query answered loses nothing: the provider repeats it and the next run lists it', async () => {
    const { outTradeNo } = await closedButPaid();
    h.ali.fault('query', 'lost'); // the query never answers before the power goes
    expect(aliNotify(outTradeNo, 700).status).not.toBe(200);
    h.restart().recover();
    handle = createNotifyHandler({
      engine: h.engine,
      merchants: handlerMerchants,
      logger: { info: () => {}, warn: () => {} },
    });
    expect(h.journal.getAttempt(outTradeNo)!.phase).toBe('closed');

    expect(aliNotify(outTradeNo, 700).status).not.toBe(200); // the provider's repeat
    await settle(h);
    expect(h.journal.getAttempt(outTradeNo)!.attention?.code).toBe('paid_after_final');
    expect(aliNotify(outTradeNo, 700).body).toBe('SUCCESS');
  });

  it('a failed micropay the provider later says paid reaches the list too', async () => {
    const code = aliCode();
    h.ali.customers.set(code, 'insufficient');
    const attempt = await h.engine.pay({ auth_code: code, total_fee: 2600, subject: 'Tea' });
    await settle(h);
    expect(h.journal.getAttempt(attempt.outTradeNo)!.phase).toBe('failed');
    providerHolds(h.ali, attempt.outTradeNo, 2600);

    aliNotify(attempt.outTradeNo, 2600);
    await settle(h);
    expect(h.journal.getAttempt(attempt.outTradeNo)!.attention?.code).toBe('paid_after_final');
  });

  it('a repeated notification or a retry never books it silently', async () => {
    const { outTradeNo, orderNo } = await closedButPaid();
    aliNotify(outTradeNo, 700);
    await settle(h);
    aliNotify(outTradeNo, 700);
    await settle(h);
    expect(h.journal.getAttempt(outTradeNo)!.phase).toBe('needs_attention');
    expect(() => h.engine.retry(orderNo)).toThrow(expect.objectContaining({ code: 'paid_after_final' }));
    await settle(h);
    expect(h.journal.getAttempt(outTradeNo)!.phase).toBe('needs_attention');
    expect(h.ali.held(outTradeNo)).toBe(700);
    expect(h.callbackRuns.get(orderNo)).toBeUndefined();
  });

  it('settled book_paid (the goods went out): the order is paid and the paid callback runs', async () => {
    const { outTradeNo, orderNo } = await closedButPaid();
    aliNotify(outTradeNo, 700);
    await settle(h);
    await h.engine.settleAttention(orderNo, { action: 'book_paid', ...who });
    await settle(h);
    expect(h.journal.getAttempt(outTradeNo)!.phase).toBe('paid');
    expect(h.engine.orderView(orderNo)!.status).toBe(1);
    expect(h.callbackRuns.get(orderNo)).toBe(1);
  });

  it('settled mark_refund (nothing was sold): refunded in full, no paid callback, order not paid', async () => {
    const { outTradeNo, orderNo } = await closedButPaid();
    aliNotify(outTradeNo, 700);
    await settle(h);
    await expect(h.engine.settleAttention(orderNo, { action: 'close_unpaid', ...who })).rejects.toMatchObject(
      {
        code: 'settle_not_confirmed',
      },
    );
    await h.engine.settleAttention(orderNo, { action: 'mark_refund', ...who });
    await settle(h);
    expect(h.ali.held(outTradeNo)).toBe(0);
    const order = h.engine.orderView(orderNo)!;
    expect(order.refunded_fee).toBe(700);
    expect(order.status).not.toBe(1);
    expect(h.callbackRuns.get(orderNo)).toBeUndefined();
    expect(steps(orderNo).join('\n')).toMatch(/settle_mark_refund: .*店长 李/);
  });

  it('the order was since paid by another attempt: booking it too is refused', async () => {
    const code = aliCode();
    h.ali.customers.set(code, 'insufficient');
    const first = await h.engine.pay({
      out_trade_no: 'DUP1',
      auth_code: code,
      total_fee: 900,
      subject: 'Tea',
    });
    await settle(h);
    expect(h.journal.getAttempt(first.outTradeNo)!.phase).toBe('failed');
    const again = aliCode();
    h.ali.customers.set(again, 'instant');
    await h.engine.pay({ out_trade_no: 'DUP1', auth_code: again, total_fee: 900, subject: 'Tea' });
    await settle(h);
    expect(h.engine.orderView('DUP1')!.status).toBe(1);
    providerHolds(h.ali, first.outTradeNo, 900);
    aliNotify(first.outTradeNo, 900);
    await settle(h);
    expect(h.journal.getAttempt(first.outTradeNo)!.attention?.code).toBe('paid_after_final');

    // Booking it too would count one sale twice; refunding through the order would touch the other payment.
    for (const action of ['book_paid', 'mark_refund'] as const)
      await expect(h.engine.settleAttention('DUP1', { action, ...who })).rejects.toMatchObject({
        code: 'paid_twice',
      });
    expect(h.ali.held(first.outTradeNo)).toBe(900);
    expect(h.journal.getAttempt(first.outTradeNo)!.phase).toBe('needs_attention');
  });

  it('a forged WeChat notification (bad signature) for a failed attempt changes nothing', async () => {
    const code = wxCode();
    h.wx.customers.set(code, 'insufficient');
    const attempt = await h.engine.pay({ auth_code: code, total_fee: 1500, subject: 'Tea' });
    await settle(h);
    const failed = h.journal.getAttempt(attempt.outTradeNo)!;
    expect(failed.phase).toBe('failed');
    const trade = providerHolds(h.wx, attempt.outTradeNo, 1500);
    const queriesBefore = h.wx.calls.filter((c) => c.op === 'query').length;
    const fields = {
      return_code: 'SUCCESS',
      result_code: 'SUCCESS',
      appid: 'wxd930ea5d5a258f4f',
      mch_id: '10000100',
      nonce_str: 'abcdef0123456789',
      total_fee: '1500',
      transaction_id: trade.transactionId,
      out_trade_no: attempt.outTradeNo,
      time_end: '20261123180000',
    };
    const forged = buildWxpayXml({
      ...fields,
      sign: v2Sign(fields, 'not-the-merchant-key-000000000000', 'MD5'),
    });

    expect(handle('m1', 'wxpay', forged).status).not.toBe(200);
    await settle(h);

    expect(h.journal.getAttempt(attempt.outTradeNo)).toEqual(failed);
    expect(h.wx.calls.filter((c) => c.op === 'query').length).toBe(queriesBefore);
    expect(lines.at(-1)).toMatchObject({ level: 'warn', message: 'notify rejected' });
  });
});
