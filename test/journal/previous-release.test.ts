/**
 * Upgrade: release 0.1.0's journal (test/fixtures/journal, written by that release after a power
 * cut) is opened through the start-up checks, migrated, and its open attempts are resumed by the
 * engine against the fake providers holding the same trades: the customer who was typing the
 * password pays (PAID), the attempt whose cancel went unanswered is reversed (REVERSED), the paid
 * one stays PAID, and the provider's ledger agrees.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CheckoutEngine } from '../../core/engine/checkout-engine.ts';
import { JOURNAL_MARKER, openJournal } from '../../core/journal/open-journal.ts';
import { directory } from '../engine/harness.ts';
import { FakeClock } from '../fakes/fake-clock.ts';
import { FakeGateway, type FakeTrade } from '../fakes/fake-gateway.ts';
import { dataDirWithPreviousRelease, removeScratch } from './journal-files.ts';

afterEach(removeScratch);

function trade(outTradeNo: string, authCode: string, totalFee: number, paid: boolean): FakeTrade {
  return {
    outTradeNo,
    authCode,
    state: paid ? 'paid' : 'paying',
    totalFee,
    captured: paid ? totalFee : 0,
    refunded: 0,
    transactionId: `T-${outTradeNo}`,
    refunds: new Map(),
    qr: false,
  };
}

describe("release 0.1.0's journal after a power cut", () => {
  it('is adopted and every open attempt ends PAID or REVERSED', async () => {
    const dataDir = dataDirWithPreviousRelease();
    const journal = openJournal(dataDir);
    expect(journal.migration.adopted).toBe(true);
    expect(existsSync(join(dataDir, JOURNAL_MARKER))).toBe(true);

    // The providers still hold what the old release left there.
    const wx = new FakeGateway('wxpay');
    const ali = new FakeGateway('alipay');
    wx.trades.set('FIX-PAID', trade('FIX-PAID', '134567890123456701', 1200, true));
    wx.trades.set('FIX-PAYING', trade('FIX-PAYING', '134567890123456703', 1500, false));
    ali.trades.set('FIX-REVERSE', trade('FIX-REVERSE', '284567890123456702', 800, false));

    const clock = new FakeClock(Date.UTC(2026, 10, 23, 2, 10, 0));
    const engine = new CheckoutEngine({
      journal,
      clock,
      merchants: directory([wx, ali]),
      callbacks: { '*': () => true },
    });
    expect(engine.recover()).toMatchObject({ attempts: 2 });
    await clock.advance(2000);
    wx.confirm('134567890123456703'); // the customer finally types the password
    await clock.runAll();
    await engine.idle();

    const phases = Object.fromEntries(
      ['FIX-PAID', 'FIX-PAYING', 'FIX-REVERSE'].map((o) => [o, journal.attemptsOf(o).map((a) => a.phase)]),
    );
    expect(phases).toEqual({ 'FIX-PAID': ['paid'], 'FIX-PAYING': ['paid'], 'FIX-REVERSE': ['reversed'] });
    expect(journal.getOrder('FIX-PAYING')).toMatchObject({ status: 1, transactionId: 'T-FIX-PAYING' });
    expect(journal.unresolvedAttempts()).toEqual([]);
    expect(wx.held('FIX-PAYING')).toBe(1500);
    expect(ali.held('FIX-REVERSE')).toBe(0);
    expect(ali.trades.get('FIX-REVERSE')?.state).toBe('reversed');
    // Old snapshots (no `v`) were read with their fields intact and rewritten in the current version.
    const stored = journal.db
      .prepare("SELECT state FROM attempts WHERE out_trade_no = 'FIX-PAYING'")
      .get() as {
      state: string;
    };
    expect(JSON.parse(stored.state)).toMatchObject({ v: 1, authCodeTail: '6703', totalFee: 1500 });
    await engine.shutdown();
    journal.close();
  });
});
