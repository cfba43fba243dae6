/**
 * A verified paid notification that arrives while the attempt's reversal or close is under way, or
 * after it ended. The money must end in ONE state at the provider and in the journal, the order never
 * says paid for money that went back, and the notify handler's log line says what really happened.
 *
 * - QR closing (the display was cancelled, the close waits for WeChat's 5 minutes) and the customer
 *   paid anyway: a close cannot undo a payment, so the notification books it at once, and no close
 *   is sent.
 * - Micropay reversing (Alipay pushes trade.pay results): the reversal goes on and refunds the
 *   payment; the order stays unpaid, the timeline shows the notification and the refund.
 * - An attempt already reversed: acknowledged, nothing changes, the log says it was reversed.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { NotifyReading, NotifyVerifier } from '../../core/ports/notify-verifier.ts';
import type { ServiceMerchants } from '../../core/service/merchants.ts';
import { createNotifyHandler, type NotifyHandler } from '../../core/service/notify/notify-handler.ts';
import { aliCode, createHarness, type Harness, settle } from './harness.ts';

let h: Harness;
let handle: NotifyHandler;
let lines: { level: 'info' | 'warn'; message: string; fields: Record<string, unknown> | undefined }[];

/** Reads every body as the JSON reading it holds: the signature checks are the verifiers' own tests. */
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
  const log = (level: 'info' | 'warn') => (message: string, fields?: Record<string, unknown>) =>
    lines.push({ level, message, fields });
  const merchants = {
    gatewayConfig: (_pid: string, provider: string) =>
      provider === 'wxpay' || provider === 'alipay'
        ? { createNotifyVerifier: () => jsonVerifier(provider) }
        : undefined,
  } as unknown as ServiceMerchants;
  handle = createNotifyHandler({
    engine: h.engine,
    merchants,
    logger: { info: log('info'), warn: log('warn') },
  });
});
afterEach(() => h.dispose());

function notifyPaid(provider: 'wxpay' | 'alipay', outTradeNo: string, totalFee: number) {
  const gateway = provider === 'wxpay' ? h.wx : h.ali;
  const pid = h.engine.journal.getAttempt(outTradeNo)!.pid;
  const reading: NotifyReading = {
    kind: 'paid',
    outTradeNo,
    totalFee,
    transactionId: gateway.trades.get(outTradeNo)!.transactionId,
  };
  return handle(pid, provider, JSON.stringify(reading));
}

const lastLine = () => lines.at(-1)!;

describe('a paid notification while the close or reversal is under way', () => {
  it('QR closing: the payment is booked at once and kept; no close is sent', async () => {
    const attempt = await h.engine.startQr({ total_fee: 1500, subject: 'Massage', provider: 'wxpay' });
    h.engine.stop(attempt.outTradeNo); // the display was cancelled: close, once WeChat allows it
    await h.clock.advance(1000);
    expect(h.journal.getAttempt(attempt.outTradeNo)!.phase).toBe('closing');
    h.wx.scanQr(attempt.outTradeNo); // the customer had scanned and pays anyway

    expect(notifyPaid('wxpay', attempt.outTradeNo, 1500).body).toBe('SUCCESS');

    expect(h.journal.getAttempt(attempt.outTradeNo)!.phase).toBe('paid');
    expect(lastLine()).toMatchObject({ message: 'notify booked', fields: { phase: 'paid' } });
    await settle(h);
    expect(h.wx.calls.filter((c) => c.op === 'close')).toEqual([]);
    expect(h.wx.held(attempt.outTradeNo)).toBe(1500);
    expect(h.engine.orderView(attempt.orderNo)!.status).toBe(1);
    expect(h.callbackRuns.get(attempt.orderNo)).toBe(1);
  });

  it('micropay reversing: the reversal refunds the payment; the order never says paid', async () => {
    const code = aliCode();
    h.ali.customers.set(code, 'password');
    const first = await h.engine.pay({ auth_code: code, total_fee: 2600, subject: 'Tea' });
    expect(first.phase).toBe('polling');
    h.ali.fault('reverse', 'down'); // the first reversal does not get through: it is retried
    h.engine.stop(first.outTradeNo);
    await h.clock.flush();
    expect(h.journal.getAttempt(first.outTradeNo)).toMatchObject({ phase: 'reversing', reverseCount: 0 });
    h.ali.confirm(code); // the customer confirms the password after all

    expect(notifyPaid('alipay', first.outTradeNo, 2600).body).toBe('SUCCESS');

    const during = h.journal.getAttempt(first.outTradeNo)!;
    expect(during.phase).toBe('reversing');
    expect(h.engine.orderView(first.orderNo)!.status).toBe(0);
    expect(lastLine().message).toBe('notify acknowledged, not booked: a reversal is under way');
    expect(lastLine().fields).toMatchObject({ phase: 'reversing' });
    // The timeline records that the provider said paid while the reversal ran.
    const timeline = h.engine.orderDetail(first.orderNo).timeline.map((e) => `${e.op}: ${e.summary}`);
    expect(timeline.some((line) => line.startsWith('notified_paid: notify: paid'))).toBe(true);

    await settle(h);
    const final = h.journal.getAttempt(first.outTradeNo)!;
    expect(final).toMatchObject({ phase: 'reversed', reverseAction: 'refund' });
    expect(h.ali.held(first.outTradeNo)).toBe(0);
    expect(h.engine.orderView(first.orderNo)!.status).not.toBe(1);
    expect(h.callbackRuns.get(first.orderNo)).toBeUndefined();

    // WeChat and Alipay repeat notifications: the reversed attempt stays reversed, and the log says so.
    expect(notifyPaid('alipay', first.outTradeNo, 2600).body).toBe('SUCCESS');
    expect(h.journal.getAttempt(first.outTradeNo)).toEqual(final);
    expect(lastLine().message).toBe('notify acknowledged, not booked: the payment was already reversed');
    expect(h.callbackRuns.get(first.orderNo)).toBeUndefined();
  });

  it('an attempt that ended closed: nothing is booked; the provider is asked first, and the log warns', async () => {
    const attempt = await h.engine.startQr({ total_fee: 700, subject: 'Massage', provider: 'alipay' });
    h.engine.stop(attempt.outTradeNo);
    await settle(h);
    const closed = h.journal.getAttempt(attempt.outTradeNo)!;
    expect(closed.phase).toBe('closed');

    // Not acknowledged until the provider's query answered (test/engine/paid-after-final.test.ts).
    expect(notifyPaid('alipay', attempt.outTradeNo, 700).body).not.toBe('SUCCESS');
    expect(lastLine().level).toBe('warn');
    expect(lastLine().message).toMatch(
      /not acknowledged yet: the attempt had ended closed, the provider is queried/,
    );
    await settle(h);
    // The provider says closed: the repeat is acknowledged and the attempt stays closed.
    expect(notifyPaid('alipay', attempt.outTradeNo, 700).body).toBe('SUCCESS');
    expect(lastLine().message).toMatch(
      /not booked: the attempt had ended closed and the provider's query says so/,
    );

    expect(h.journal.getAttempt(attempt.outTradeNo)).toEqual(closed);
    expect(h.engine.orderView(attempt.orderNo)!.status).not.toBe(1);
    expect(h.callbackRuns.get(attempt.orderNo)).toBeUndefined();
  });
});
