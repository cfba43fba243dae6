/**
 * Two tills on one merchant account that number their orders the same way (or one till whose
 * journal was lost) send a second customer's charge under an out_trade_no the provider has already
 * been paid for. WeChat answers ORDERPAID and Alipay ACQ.TRADE_HAS_SUCCESS: the provider did not
 * charge the second customer. If the terminal took that for "unknown" it would query, find the FIRST
 * customer's payment, and either book the second customer as paid without charging them (same amount)
 * or reverse the first customer's payment (another amount). The real adapters against the sandbox,
 * two engines with their own journals: the second attempt fails, the first payment stays whole.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CheckoutEngine } from '../../core/engine/checkout-engine.ts';
import { SqliteJournal } from '../../core/journal/sqlite-journal.ts';
import { type RunningSandbox, startSandbox } from '../../core/sandbox/start-sandbox.ts';
import { ServiceConfigSchema } from '../../core/service/config/service-config.ts';
import { buildMerchants } from '../../core/service/merchants.ts';
import { VirtualClock } from './virtual-clock.ts';

let dir: string;
let sandbox: RunningSandbox;
let clock: VirtualClock;
const journals: SqliteJournal[] = [];

function till(): CheckoutEngine {
  const journal = new SqliteJournal(join(dir, `journal-${journals.length}.sqlite`));
  journals.push(journal);
  const merchants = buildMerchants(ServiceConfigSchema.parse({}), sandbox, clock);
  return new CheckoutEngine({ journal, clock, merchants });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'scanpay-reused-no-'));
  clock = new VirtualClock();
  sandbox = await startSandbox({ clock });
});
afterAll(async () => {
  for (const journal of journals) journal.close();
  await sandbox.close();
  rmSync(dir, { recursive: true, force: true });
});

describe.each([
  ['wxpay', 'ORDERPAID'],
  ['alipay', 'ACQ.TRADE_HAS_SUCCESS'],
] as const)('%s: a second customer charged under an order number already paid', (wallet, code) => {
  it.each([
    ['the same amount', 500],
    ['another amount', 800],
  ])(
    'with %s: fails at once, charges nobody twice, never touches the first payment',
    async (_, secondFee) => {
      const orderNo = `SHOP-${wallet}-${secondFee}`;
      const first = sandbox.ledger.issueCode({ wallet, behavior: 'instant' }).authCode;
      const tillA = till();
      const paid = await tillA.pay({
        out_trade_no: orderNo,
        total_fee: 500,
        subject: 'Tea',
        auth_code: first,
      });
      expect((await tillA.waitForAttempt(paid.outTradeNo)).phase).toBe('paid');

      const second = sandbox.ledger.issueCode({ wallet, behavior: 'instant' }).authCode;
      const tillB = till();
      const attempt = await tillB.pay({
        out_trade_no: orderNo,
        total_fee: secondFee,
        subject: 'Tea',
        auth_code: second,
      });
      const final = await tillB.waitForAttempt(attempt.outTradeNo);
      await tillB.idle();
      expect(final.phase).toBe('failed');
      expect(JSON.stringify(final)).toContain(code);
      expect(tillB.orderView(orderNo)?.status).toBe(0);

      const trades = sandbox.ledger.trades().filter((t) => t.out_trade_no === orderNo);
      expect(trades).toHaveLength(1);
      expect(trades[0]).toMatchObject({ total_fee: 500, captured_fen: 500, refunded_fen: 0 });
      expect(trades[0]!.state).not.toMatch(/REVERSED|REVOKED|CLOSED|REFUND/i);
    },
  );
});
