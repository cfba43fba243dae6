/**
 * Push for payment-code charges (issue 20): Alipay trade.pay carries notify_url when public_url is
 * set, so a verified paid notification books a micropay attempt at once, through the same notify
 * handler and checks as QR orders (merchant, provider, amount). Polling goes on until then, and a
 * notification that fails a check changes nothing.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { NotifyReading, NotifyVerifier } from '../../core/ports/notify-verifier.ts';
import type { ServiceMerchants } from '../../core/service/merchants.ts';
import { createNotifyHandler, type NotifyHandler } from '../../core/service/notify/notify-handler.ts';
import { aliCode, createHarness, type Harness, settle } from './harness.ts';

let h: Harness;
let handle: NotifyHandler;

/** Reads every body as the JSON reading it holds: the signature check is the verifiers' own tests. */
const verifier: NotifyVerifier = {
  provider: 'alipay',
  read: (body) => JSON.parse(body) as NotifyReading,
  success: { status: 200, contentType: 'text/plain', body: 'success' },
  failure: (message) => ({ status: 400, contentType: 'text/plain', body: message }),
};
const merchants = {
  gatewayConfig: (pid: string, provider: string) =>
    (pid === 'm1' || pid === 'm2') && provider === 'alipay'
      ? { createNotifyVerifier: () => verifier }
      : undefined,
} as unknown as ServiceMerchants;

beforeEach(() => {
  h = createHarness();
  handle = createNotifyHandler({ engine: h.engine, merchants, logger: { info: () => {}, warn: () => {} } });
});
afterEach(() => h.dispose());

const queries = () => h.ali.calls.filter((c) => c.op === 'query').length;

/** A charge waiting for the customer's password, and the notification Alipay sends once they confirm. */
async function waitingForPassword() {
  const code = aliCode();
  h.ali.customers.set(code, 'password');
  const attempt = await h.engine.pay({ total_fee: 2500, subject: 'Lunch', auth_code: code });
  expect(attempt.phase).toBe('polling');
  h.ali.confirm(code);
  const reading: NotifyReading = {
    kind: 'paid',
    outTradeNo: attempt.outTradeNo,
    totalFee: 2500,
    transactionId: h.ali.trades.get(attempt.outTradeNo)!.transactionId,
  };
  return { attempt, reading };
}

describe('a verified paid notification for an Alipay payment-code charge', () => {
  it('books the attempt at once, without waiting for the next query, and runs the callback once', async () => {
    const { attempt, reading } = await waitingForPassword();
    const asked = queries();
    expect(handle('m1', 'alipay', JSON.stringify(reading)).body).toBe('success');
    // Booked in the handler's own turn: no query was needed.
    expect(h.journal.getAttempt(attempt.outTradeNo)).toMatchObject({
      phase: 'paid',
      transactionId: reading.transactionId,
    });
    expect(queries()).toBe(asked);
    expect(h.journal.getCallback(attempt.orderNo)?.source).toBe('notify');
    await settle(h);
    expect(queries()).toBe(asked);
    expect(h.callbackRuns.get(attempt.orderNo)).toBe(1);
    expect(h.engine.orderView(attempt.orderNo)!.status).toBe(1);
  });

  it('is refused when the amount differs: the attempt keeps polling and the query books it', async () => {
    const { attempt, reading } = await waitingForPassword();
    const answer = handle('m1', 'alipay', JSON.stringify({ ...reading, totalFee: 1 }));
    expect(answer.status).toBe(400);
    expect(h.journal.getAttempt(attempt.outTradeNo)!.phase).toBe('polling');
    await settle(h);
    expect(queries()).toBeGreaterThan(0);
    expect(h.journal.getAttempt(attempt.outTradeNo)!.phase).toBe('paid');
    expect(h.journal.getCallback(attempt.orderNo)?.source).toBe('query');
  });

  it("is refused when it names another merchant's route", async () => {
    const { attempt, reading } = await waitingForPassword();
    expect(handle('m2', 'alipay', JSON.stringify(reading)).status).toBe(400);
    expect(h.journal.getAttempt(attempt.outTradeNo)!.phase).toBe('polling');
  });
});
