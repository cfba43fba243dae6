/**
 * The notify handler hands a verified paid notification for an attempt needing attention to the
 * engine, which queries the provider and books the payment only if the query confirms it
 * (test/engine/attention-notify.test.ts covers the engine's side).
 */
import { afterEach, beforeEach, expect, it } from 'vitest';
import { DEFAULT_POLL_POLICIES } from '../../core/domain/poll-policy.ts';
import type { NotifyReading, NotifyVerifier } from '../../core/ports/notify-verifier.ts';
import type { ServiceMerchants } from '../../core/service/merchants.ts';
import { createNotifyHandler } from '../../core/service/notify/notify-handler.ts';
import { createHarness, type Harness, settle } from '../engine/harness.ts';

let h: Harness;
beforeEach(() => {
  h = createHarness();
});
afterEach(() => h.dispose());

/** Reads every body as the JSON reading it holds: the signature check is the verifiers' own tests. */
const verifier: NotifyVerifier = {
  provider: 'wxpay',
  read: (body) => JSON.parse(body) as NotifyReading,
  success: { status: 200, contentType: 'text/plain', body: 'SUCCESS' },
  failure: (message) => ({ status: 400, contentType: 'text/plain', body: message }),
};
const merchants = {
  gatewayConfig: (pid: string, provider: string) =>
    pid === 'm1' && provider === 'wxpay' ? { createNotifyVerifier: () => verifier } : undefined,
} as unknown as ServiceMerchants;

it('books a QR payment whose close failed once the provider confirms it', async () => {
  const handle = createNotifyHandler({
    engine: h.engine,
    merchants,
    logger: { info: () => {}, warn: () => {} },
  });
  const attempt = await h.engine.startQr({ total_fee: 1500, subject: 'Massage', provider: 'wxpay' });
  const closes = DEFAULT_POLL_POLICIES.wxpay.closeMaxAttempts;
  h.wx.fault('close', ...Array.from({ length: closes }, () => 'down' as const));
  await settle(h);
  expect(h.journal.getAttempt(attempt.outTradeNo)!.attention?.code).toBe('close_failed');
  h.wx.scanQr(attempt.outTradeNo);

  const reading: NotifyReading = {
    kind: 'paid',
    outTradeNo: attempt.outTradeNo,
    totalFee: 1500,
    transactionId: h.wx.trades.get(attempt.outTradeNo)!.transactionId,
  };
  const answer = handle('m1', 'wxpay', JSON.stringify(reading));
  await settle(h);

  expect(answer.body).toBe('SUCCESS');
  expect(h.journal.getAttempt(attempt.outTradeNo)!.phase).toBe('paid');
  expect(h.engine.orderView(attempt.orderNo)!.status).toBe(1);
  expect(h.callbackRuns.get(attempt.orderNo)).toBe(1);
});
