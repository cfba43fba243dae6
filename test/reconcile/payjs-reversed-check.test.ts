/**
 * PAYJS has no bill: reconciliation checks each attempt of the day (order-check-source.ts). PAYJS's
 * check has no refunded or closed state, so a charge the terminal reversed answers "status 0 after
 * a charge", which the adapter reads as unknown. For an attempt the journal holds as reversed that
 * answer agrees with the journal; it must not make the whole day unreadable for ever (every
 * PAYJS day with one reversed sale would never be reconciled). A reversed attempt PAYJS still
 * holds as paid is reported, and a transport failure still leaves the day unreadable.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parsePayjsConfig } from '../../core/gateways/payjs/payjs-config.ts';
import { createPayjsGateway } from '../../core/gateways/payjs/payjs-gateway.ts';
import type { BillRow } from '../../core/ports/bill-source.ts';
import type { Clock } from '../../core/ports/clock.ts';
import type { PaymentGateway } from '../../core/ports/payment-gateway.ts';
import { createOrderCheckSource } from '../../core/reconcile/order-check-source.ts';
import type { DayAttempt } from '../../core/reconcile/reconcile-store.ts';
import { type RunningSandbox, startSandbox } from '../../core/sandbox/start-sandbox.ts';
import { issueCode, nextOutTradeNo, setFaults } from '../gateways/sandbox-helpers.ts';

let sandbox: RunningSandbox;
let gateway: PaymentGateway;
const clock: Clock = { now: () => 0, sleep: async () => {} };

beforeAll(async () => {
  sandbox = await startSandbox();
  const payjs = sandbox.credentials.payjs;
  gateway = createPayjsGateway(
    parsePayjsConfig({
      provider: 'payjs',
      mchid: payjs.mchid,
      key: payjs.key,
      base_url: `${sandbox.url}/payjs/api`,
      timeouts: { micropay_ms: 3000, other_ms: 3000 },
    }),
    { clock },
  );
});
afterAll(() => sandbox.close());

async function paidAttempt(phase: string): Promise<DayAttempt> {
  const outTradeNo = nextOutTradeNo('RV');
  const authCode = await issueCode(sandbox, 'wxpay', 'instant');
  const outcome = await gateway.micropay({ outTradeNo, authCode, totalFee: 700, subject: 'Tea' });
  if (outcome.kind !== 'paid') throw new Error(outcome.kind);
  return {
    outTradeNo,
    totalFee: 700,
    phase,
    transactionId: null,
    providerOrderId: outcome.providerOrderId ?? null,
  };
}

/** The reference the engine reverses by: our number and PAYJS's. */
const refOf = (a: DayAttempt) => ({
  outTradeNo: a.outTradeNo,
  ...(a.providerOrderId ? { providerOrderId: a.providerOrderId } : {}),
});

async function readRows(attempts: readonly DayAttempt[]): Promise<BillRow[]> {
  const source = createOrderCheckSource(gateway, { clock, minIntervalMs: 0, attemptsOfDay: () => attempts });
  const bill = await source.fetchBill('2026-11-20');
  if (bill.kind !== 'bill') throw new Error(bill.kind);
  const rows: BillRow[] = [];
  for await (const row of bill.rows) rows.push(row);
  return rows;
}

describe('PAYJS order checks of reversed attempts', () => {
  it('a charge the terminal reversed is no money held, and the day is still read', async () => {
    const reversed = await paidAttempt('reversed');
    expect(await gateway.reverse(refOf(reversed))).toEqual({ kind: 'reversed' });
    const paid = await paidAttempt('paid');
    const rows = await readRows([reversed, paid]);
    expect(rows.map((r) => [r.outTradeNo, r.amountFen])).toEqual([[paid.outTradeNo, 700]]);
  });

  it('a reversed attempt PAYJS holds as paid is a row (the matcher reports it)', async () => {
    const stillPaid = await paidAttempt('reversed');
    const rows = await readRows([stillPaid]);
    expect(rows.map((r) => [r.outTradeNo, r.status])).toEqual([[stillPaid.outTradeNo, 'success']]);
  });

  it('a reversed attempt whose check is lost leaves the day unreadable', async () => {
    const reversed = await paidAttempt('reversed');
    expect(await gateway.reverse(refOf(reversed))).toEqual({ kind: 'reversed' });
    await setFaults(sandbox, { http_500_rate: 1 });
    try {
      await expect(readRows([reversed])).rejects.toThrow(/check of/);
    } finally {
      await setFaults(sandbox, {});
    }
  });
});
