/**
 * Stored attempt snapshots are parsed, not cast: defaults for fields an older release did not
 * write, unknown fields kept, and a row that cannot be read parks its attempt for a human with the
 * reason, the raw text kept, and recovery carrying on with the others.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterEach, describe, expect, it } from 'vitest';
import { submittedAttempt } from '../../core/domain/attempt-state.ts';
import { CheckoutEngine } from '../../core/engine/checkout-engine.ts';
import {
  encodeSnapshot,
  parseSnapshot,
  SNAPSHOT_VERSION,
  UNREADABLE_SNAPSHOT,
} from '../../core/journal/attempt-snapshot.ts';
import { SqliteJournal } from '../../core/journal/sqlite-journal.ts';
import { startKioskService } from '../../core/service/kiosk-service.ts';
import { directory } from '../engine/harness.ts';
import { FakeClock } from '../fakes/fake-clock.ts';
import { FakeGateway } from '../fakes/fake-gateway.ts';
import { dataDirWithPreviousRelease, removeScratch } from './journal-files.ts';

afterEach(removeScratch);

const identity = {
  outTradeNo: 'A1-1',
  orderNo: 'A1',
  attemptIndex: 1,
  pid: 'm1',
  provider: 'wxpay',
  wallet: 'wxpay',
  mode: 'micropay',
  phase: 'polling',
  totalFee: 500,
  createdAt: 1_000,
  updatedAt: 2_000,
} as const;

describe('parseSnapshot', () => {
  it('gives a failure stored before decline reasons one: other for a provider code, none for ours', () => {
    const read = (failure: unknown) => {
      const reading = parseSnapshot(JSON.stringify({ ...identity, phase: 'failed', failure }));
      if (!reading.ok) throw new Error(reading.reason);
      return reading.state.failure;
    };
    expect(read({ code: 'NOTENOUGH', message: 'balance' })).toEqual({
      code: 'NOTENOUGH',
      message: 'balance',
      reason: 'other',
    });
    expect(read({ code: 'amount_mismatch', message: 'm' })).toEqual({
      code: 'amount_mismatch',
      message: 'm',
      reason: null,
    });
    expect(read({ code: 'X', message: 'm', reason: 'added_by_a_later_release' })?.reason).toBe('other');
    expect(read({ code: 'NOTENOUGH', message: 'm', reason: 'insufficient_funds' })?.reason).toBe(
      'insufficient_funds',
    );
  });

  it('fills the defaults of fields an older snapshot lacks, never leaving them undefined', () => {
    const reading = parseSnapshot(JSON.stringify(identity));
    expect(reading.ok).toBe(true);
    if (!reading.ok) return;
    expect(reading.version).toBe(0);
    expect(reading.state).toMatchObject({
      chargedAt: 1_000,
      nextActionAt: 0,
      deadlineAt: null,
      queryCount: 0,
      reverseCount: 0,
      unknownCount: 0,
      closeCount: 0,
      awaitingConfirm: false,
      stopRequested: false,
      transactionId: null,
      reverseAction: null,
      attention: null,
      authCodeTail: null,
    });
    for (const [key, value] of Object.entries(reading.state)) expect(value, key).not.toBeUndefined();
    expect(reading.state).not.toHaveProperty('v');
  });

  it('keeps fields it does not know (a provider order id added by another release) through a round trip', () => {
    const state = { ...submittedAttempt({ ...identity, deadlineAt: null }, 1_000), providerOrderId: 'PJ123' };
    const text = encodeSnapshot(state);
    expect(JSON.parse(text).v).toBe(SNAPSHOT_VERSION);
    const reading = parseSnapshot(text);
    expect(reading).toMatchObject({
      ok: true,
      version: SNAPSHOT_VERSION,
      state: { providerOrderId: 'PJ123' },
    });
  });

  it.each([
    ['not JSON', '{"outTradeNo":', /not JSON/],
    ['a missing amount', JSON.stringify({ ...identity, totalFee: undefined }), /totalFee/],
    ['a fractional amount', JSON.stringify({ ...identity, totalFee: 5.5 }), /totalFee/],
    ['an unknown phase', JSON.stringify({ ...identity, phase: 'maybe' }), /phase/],
    ['a newer snapshot version', JSON.stringify({ ...identity, v: SNAPSHOT_VERSION + 1 }), /newer/],
  ])('reports %s with a reason, without throwing', (_label, text, reason) => {
    const reading = parseSnapshot(text);
    expect(reading.ok).toBe(false);
    if (!reading.ok) expect(reading.reason).toMatch(reason);
  });
});

describe('an unreadable row in the journal', () => {
  it('parks its attempt for a human with the reason, keeps the raw text, and recovery resumes the others', async () => {
    const dir = dataDirWithPreviousRelease();
    const journal = new SqliteJournal(join(dir, 'journal.sqlite'));
    const garbage = '{"outTradeNo":"FIX-REVERSE","phase":"reversing","totalFee":"eight hundred"';
    journal.db.prepare("UPDATE attempts SET state = ? WHERE out_trade_no = 'FIX-REVERSE'").run(garbage);

    const parked = journal.getAttempt('FIX-REVERSE');
    expect(parked).toMatchObject({
      outTradeNo: 'FIX-REVERSE',
      orderNo: 'FIX-REVERSE',
      phase: 'needs_attention',
      // Salvaged from the order row and the intent step, not invented.
      provider: 'alipay',
      wallet: 'alipay',
      mode: 'micropay',
      pid: 'm1',
      totalFee: 800,
      attention: { code: UNREADABLE_SNAPSHOT },
    });
    expect(parked?.attention?.message).toMatch(/FIX-REVERSE.*not JSON/);
    expect(journal.unreadableSnapshots()).toEqual([
      { outTradeNo: 'FIX-REVERSE', reason: expect.stringMatching(/not JSON/), foundAt: expect.any(Number) },
    ]);
    const kept = journal.db
      .prepare("SELECT state FROM unreadable_snapshots WHERE out_trade_no = 'FIX-REVERSE'")
      .get() as { state: string };
    expect(kept.state).toBe(garbage);

    const wx = new FakeGateway('wxpay');
    const ali = new FakeGateway('alipay');
    wx.trades.set('FIX-PAYING', {
      outTradeNo: 'FIX-PAYING',
      authCode: '134567890123456703',
      state: 'paid',
      totalFee: 1500,
      captured: 1500,
      refunded: 0,
      transactionId: 'T9',
      refunds: new Map(),
      qr: false,
    });
    const clock = new FakeClock();
    const engine = new CheckoutEngine({ journal, clock, merchants: directory([wx, ali]), callbacks: {} });
    // The parked attempt is not driven (no call reaches Alipay); the readable one is.
    expect(engine.recover()).toMatchObject({ attempts: 1 });
    await clock.runAll();
    await engine.idle();
    expect(journal.attemptsOf('FIX-PAYING')[0]?.phase).toBe('paid');
    expect(ali.calls).toEqual([]);
    expect(journal.unresolvedAttempts().map((a) => [a.outTradeNo, a.phase])).toEqual([
      ['FIX-REVERSE', 'needs_attention'],
    ]);
    await engine.shutdown();
    journal.close();
  });

  it('keeps a final attempt final: an unreadable paid row stays paid (never offered for reversal), flagged', () => {
    const dir = dataDirWithPreviousRelease();
    const journal = new SqliteJournal(join(dir, 'journal.sqlite'));
    journal.db.prepare("UPDATE attempts SET state = 'garbage' WHERE out_trade_no = 'FIX-PAID'").run();
    expect(journal.getAttempt('FIX-PAID')).toMatchObject({
      phase: 'paid',
      provider: 'wxpay',
      totalFee: 1200,
      transactionId: 'T1',
      paidFee: 1200,
      attention: { code: UNREADABLE_SNAPSHOT },
    });
    expect(journal.unresolvedAttempts().map((a) => a.outTradeNo)).not.toContain('FIX-PAID');
    journal.close();
  });

  it('the service names the unreadable row in its log at start and shows it as needing attention', async () => {
    const dataDir = dataDirWithPreviousRelease();
    const db = new DatabaseSync(join(dataDir, 'journal.sqlite'));
    db.prepare("UPDATE attempts SET state = '{' WHERE out_trade_no = 'FIX-PAYING'").run();
    db.close();
    // The fixture's merchant, on the built-in sandbox.
    const gateways = [
      { provider: 'wxpay', sandbox: true },
      { provider: 'alipay', sandbox: true },
    ];
    writeFileSync(join(dataDir, 'config.json'), JSON.stringify({ merchants: [{ pid: 'm1', gateways }] }));
    const service = await startKioskService({ dataDir });
    try {
      const health = await service.api.health({});
      expect(health.needs_attention).toBe(1);
      const log = readFileSync(join(dataDir, 'logs', 'scanpay.log'), 'utf8');
      expect(log).toMatch(
        /"message":"journal row unreadable: attempt kept for a human","out_trade_no":"FIX-PAYING","reason":"not JSON/,
      );
    } finally {
      await service.stop();
    }
  });
});
