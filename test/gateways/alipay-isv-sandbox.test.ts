/**
 * Alipay service-provider (ISV) mode end to end against the sandbox (docs/protocols.md §4): the
 * sandbox app is the ISV of one authorising merchant. The adapter configured with that merchant's
 * app_auth_token pays, queries, cancels, refunds and creates QR orders for it; the trades are the
 * merchant's, invisible to the ISV's own account; a wrong token is refused and never paid; the
 * paid notification names the merchant (auth_app_id) and only its config accepts it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAlipayBillSource } from '../../core/gateways/alipay/alipay-bill-source.ts';
import { parseAlipayConfig } from '../../core/gateways/alipay/alipay-config.ts';
import { createAlipayGateway } from '../../core/gateways/alipay/alipay-gateway.ts';
import { createAlipayNotifyVerifier } from '../../core/gateways/alipay/alipay-notify.ts';
import type { PaymentGateway } from '../../core/ports/payment-gateway.ts';
import { buildNotification } from '../../core/sandbox/notifications.ts';
import { loadSandboxKeys } from '../../core/sandbox/sandbox-credentials.ts';
import {
  sandboxAlipayIsvConfig,
  sandboxProviderConfigs,
} from '../../core/sandbox/sandbox-provider-configs.ts';
import { type RunningSandbox, startSandbox } from '../../core/sandbox/start-sandbox.ts';
import { chargeFreshCode, confirmPassword, nextOutTradeNo } from './sandbox-helpers.ts';

let sandbox: RunningSandbox;
let isv: PaymentGateway;
let own: PaymentGateway;

beforeAll(async () => {
  sandbox = await startSandbox();
  isv = createAlipayGateway(parseAlipayConfig(sandboxAlipayIsvConfig(sandbox)));
  own = createAlipayGateway(parseAlipayConfig(sandboxProviderConfigs(sandbox).alipay));
});
afterAll(() => sandbox.close());

const charge = (behaviour: 'instant' | 'password', fee: number, gw = isv) =>
  chargeFreshCode(sandbox, gw, { wallet: 'alipay', prefix: 'ISV', subject: 'ISV tea' }, behaviour, fee);

describe('alipay ISV against the sandbox', () => {
  it("pays for the authorising merchant; the trade is the merchant's, not the ISV's own", async () => {
    const { outTradeNo, outcome } = await charge('instant', 1234);
    expect(outcome).toMatchObject({ kind: 'paid', totalFee: 1234 });
    expect(sandbox.ledger.find('alipay', outTradeNo)?.echo.auth_app_id).toBe(
      sandbox.credentials.alipay.auth_app_id,
    );
    expect(await isv.query({ outTradeNo })).toMatchObject({ kind: 'paid', totalFee: 1234 });
    expect(await own.query({ outTradeNo })).toMatchObject({ kind: 'not_found' });
  });

  it('password wait, then paid; cancel reverses; refunds and their query carry the token', async () => {
    const waiting = await charge('password', 500);
    expect(waiting.outcome).toMatchObject({ kind: 'pending' });
    await confirmPassword(sandbox, waiting.authCode);
    expect(await isv.query({ outTradeNo: waiting.outTradeNo })).toMatchObject({ kind: 'paid' });

    const outRefundNo = nextOutTradeNo('ISVR');
    const refund = { outTradeNo: waiting.outTradeNo, outRefundNo, totalFee: 500, refundFee: 200 };
    expect(await isv.refund(refund)).toMatchObject({ kind: 'succeeded' });
    expect(await isv.queryRefund({ outTradeNo: waiting.outTradeNo, outRefundNo })).toMatchObject({
      kind: 'succeeded',
    });
    expect(sandbox.ledger.find('alipay', waiting.outTradeNo)?.refunded_fen).toBe(200);

    const second = await charge('instant', 90);
    expect(await isv.reverse({ outTradeNo: second.outTradeNo })).toMatchObject({ kind: 'reversed' });
    expect(sandbox.ledger.find('alipay', second.outTradeNo)?.state).toBe('reversed');
  });

  it('QR order and close for the merchant', async () => {
    const outTradeNo = nextOutTradeNo('ISVQ');
    expect(await isv.precreate({ outTradeNo, totalFee: 300, subject: 'QR' })).toMatchObject({
      kind: 'created',
    });
    expect(sandbox.ledger.find('alipay', outTradeNo)?.echo.auth_app_id).toBe(
      sandbox.credentials.alipay.auth_app_id,
    );
    expect(await isv.close({ outTradeNo })).toEqual({ kind: 'closed' });
  });

  it('a token the merchant never gave is refused (20001): unknown, never paid', async () => {
    const stranger = createAlipayGateway(
      parseAlipayConfig({ ...sandboxAlipayIsvConfig(sandbox), app_auth_token: '202611BBnotours' }),
    );
    const { outTradeNo, outcome } = await charge('instant', 100, stranger);
    // 20001 is not among the codes Alipay calls final for a payment: unknown (query, then cancel).
    expect(outcome).toMatchObject({ kind: 'unknown', detail: expect.stringMatching(/20001/) });
    expect(sandbox.ledger.find('alipay', outTradeNo)).toBeUndefined();
  });

  it("the paid notification names the merchant: the ISV config accepts it, the ISV's own config does not", async () => {
    const { outTradeNo } = await charge('instant', 777);
    const trade = sandbox.ledger.find('alipay', outTradeNo)!;
    const { credentials, serverKeys } = loadSandboxKeys();
    const note = buildNotification(trade, credentials, serverKeys.alipayPlatformPrivateKey);
    expect(new URLSearchParams(note.body).get('auth_app_id')).toBe(credentials.alipay.auth_app_id);
    const accepted = createAlipayNotifyVerifier(parseAlipayConfig(sandboxAlipayIsvConfig(sandbox)));
    expect(accepted.read(note.body)).toMatchObject({ kind: 'paid', outTradeNo, totalFee: 777 });
    const ownVerifier = createAlipayNotifyVerifier(parseAlipayConfig(sandboxProviderConfigs(sandbox).alipay));
    expect(ownVerifier.read(note.body)).toEqual({
      kind: 'rejected',
      reason: 'notification is for another merchant (auth_app_id)',
    });
  });

  it("the ISV's bill for the merchant holds the merchant's trades only; the ISV's own bill not those", async () => {
    const merchants = await charge('instant', 4321);
    const owns = await charge('instant', 1234, own);
    const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
    const read = async (config: Record<string, unknown>) => {
      const bill = await createAlipayBillSource(parseAlipayConfig(config)).fetchBill(today);
      if (bill.kind !== 'bill') throw new Error(bill.kind);
      const numbers: string[] = [];
      for await (const row of bill.rows) numbers.push(row.outTradeNo);
      return numbers;
    };
    const merchantBill = await read(sandboxAlipayIsvConfig(sandbox));
    expect(merchantBill).toContain(merchants.outTradeNo);
    expect(merchantBill).not.toContain(owns.outTradeNo);
    const ownBill = await read(sandboxProviderConfigs(sandbox).alipay);
    expect(ownBill).toContain(owns.outTradeNo);
    expect(ownBill).not.toContain(merchants.outTradeNo);
  });
});
