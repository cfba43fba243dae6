/**
 * "Reconcile now" on a day that has not ended yet (the 对账 screen lets a supervisor pick today)
 * checks only the sales made so far. That run must not count as the day reconciled: the daily run
 * still reconciles the whole day once it is over, or every sale after the early run would never be
 * checked (PAYJS, whose orders are checked one by one, answers for an unfinished day at once).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { SqliteJournal } from '../../core/journal/sqlite-journal.ts';
import type { PaymentGateway } from '../../core/ports/payment-gateway.ts';
import { ServiceConfigSchema } from '../../core/service/config/service-config.ts';
import { buildMerchants } from '../../core/service/merchants.ts';
import {
  type ServiceReconciliation,
  startServiceReconciliation,
} from '../../core/service/reconcile-targets.ts';
import { FakeClock } from '../fakes/fake-clock.ts';

const HOUR = 3_600_000;
/** 2026-11-20 15:00 Beijing. */
const AFTERNOON = Date.UTC(2026, 10, 20, 7, 0, 0);
const DAY = '2026-11-20';

let reconciliation: ServiceReconciliation | undefined;
const journals: SqliteJournal[] = [];
afterEach(async () => {
  await reconciliation?.stop();
  reconciliation = undefined;
  for (const journal of journals.splice(0)) journal.close();
});

describe('a day reconciled before it ended', () => {
  it('is reconciled again by the daily run once it is over', async () => {
    const clock = new FakeClock(AFTERNOON);
    const journal = new SqliteJournal(':memory:');
    journals.push(journal);
    // A sale this morning, so the day is one the daily run looks at.
    journal.db
      .prepare(
        `INSERT INTO orders (order_no, pid, total_fee, subject, type, status, tender, provider, paid_out_trade_no, paid_at, created_at, updated_at)
       VALUES ('A1', 'shop', 100, 'Tea', 'sale', 1, 'wxpay', 'payjs', 'A1_1', ?, ?, ?)`,
      )
      .run(AFTERNOON - 5 * HOUR, AFTERNOON - 5 * HOUR, AFTERNOON - 5 * HOUR);
    const config = ServiceConfigSchema.parse({
      merchants: [
        { pid: 'shop', gateways: [{ provider: 'payjs', mchid: '1500000001', key: 'k'.repeat(32) }] },
      ],
    });
    const gateway = {
      provider: 'payjs',
      wallets: ['wxpay'],
      query: async () => ({ kind: 'not_found', providerCode: 'none' }),
    } as unknown as PaymentGateway;
    const merchants = buildMerchants(config, null, clock, () => gateway);
    const logger = { info: () => {} };
    reconciliation = startServiceReconciliation({
      journal,
      merchants,
      clock,
      config: config.reconcile,
      logger,
    });

    const early = await reconciliation.runDate(DAY);
    expect(early.status['shop/payjs']).toEqual({ status: 'done' });
    expect(reconciliation.store.run('shop', 'payjs', DAY)?.tries).toBe(1);

    // The next morning after the daily time (10:30 Beijing).
    await clock.advance(21 * HOUR);
    expect(reconciliation.store.run('shop', 'payjs', DAY)?.tries).toBe(2);
  });
});
