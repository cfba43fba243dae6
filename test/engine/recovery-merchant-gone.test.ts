/**
 * A merchant removed from config.json while one of its attempts was still open: start-up must not
 * throw (the till never stops), the attempt waits for a person with its own reason code and loses
 * nothing, and once the merchant is configured again a restart resumes it where it stood.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_POLL_POLICIES } from '../../core/domain/poll-policy.ts';
import { CheckoutEngine } from '../../core/engine/checkout-engine.ts';
import type { MerchantDirectory, MerchantGateways } from '../../core/engine/engine-deps.ts';
import { SqliteJournal } from '../../core/journal/sqlite-journal.ts';
import { FakeClock } from '../fakes/fake-clock.ts';
import { FakeGateway } from '../fakes/fake-gateway.ts';
import { wxCode } from './harness.ts';

function directoryOf(merchants: MerchantGateways[]): MerchantDirectory {
  return {
    defaultPid: merchants[0]!.pid,
    get: (pid) => merchants.find((m) => m.pid === pid),
    all: () => merchants,
  };
}

let dir: string;
let dbPath: string;
let clock: FakeClock;
let shopWx: FakeGateway;
let goneWx: FakeGateway;
const open: SqliteJournal[] = [];
const shop = () => ({ pid: 'shop', gateways: [shopWx], policies: DEFAULT_POLL_POLICIES });
const gone = () => ({ pid: 'gone', gateways: [goneWx], policies: DEFAULT_POLL_POLICIES });

function startEngine(merchants: MerchantGateways[]): CheckoutEngine {
  const journal = new SqliteJournal(dbPath);
  open.push(journal);
  return new CheckoutEngine({ journal, clock, merchants: directoryOf(merchants) });
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'scanpay-merchant-gone-'));
  dbPath = join(dir, 'journal.sqlite');
  clock = new FakeClock();
  shopWx = new FakeGateway('wxpay');
  goneWx = new FakeGateway('wxpay');
});
afterEach(() => {
  for (const journal of open.splice(0)) journal.close();
  rmSync(dir, { recursive: true, force: true });
});

/** An attempt of merchant `gone` left polling (the customer is still typing the password) by a stop. */
async function leaveOpenAttempt(): Promise<{ outTradeNo: string; code: string }> {
  const first = startEngine([shop(), gone()]);
  const code = wxCode();
  goneWx.customers.set(code, 'password');
  const attempt = await first.pay({ total_fee: 880, subject: 'Tea', pid: 'gone', auth_code: code });
  expect(attempt.phase).toBe('polling');
  await first.shutdown();
  open.pop()!.close();
  return { outTradeNo: attempt.outTradeNo, code };
}

describe('recovery when an open attempt belongs to a merchant no longer configured', () => {
  it('starts, parks the attempt as needing attention with its own reason, and keeps selling', async () => {
    const { outTradeNo } = await leaveOpenAttempt();
    const engine = startEngine([shop()]);
    const report = engine.recover();
    expect(report.attempts).toBe(0);
    const parked = engine.orderDetail(outTradeNo).attempts[0]!;
    expect(parked.phase).toBe('needs_attention');
    expect(parked.attention?.code).toBe('merchant_not_configured');
    expect(parked.attention?.message).toContain('gone');
    expect(engine.unresolved().map((a) => a.out_trade_no)).toEqual([outTradeNo]);
    // Nothing was sent to the provider on its behalf, and nothing was lost.
    expect(goneWx.calls.filter((c) => c.op !== 'micropay')).toEqual([]);
    expect(goneWx.held(outTradeNo)).toBe(0);

    const sale = await engine.pay({ total_fee: 100, subject: 'Cake', auth_code: wxCode() });
    expect(sale.phase).toBe('paid');
    expect(shopWx.held(sale.outTradeNo)).toBe(100);
    await engine.shutdown();
  });

  it('resumes the parked attempt normally once the merchant is configured again', async () => {
    const { outTradeNo, code } = await leaveOpenAttempt();
    const without = startEngine([shop()]);
    without.recover();
    await without.shutdown();
    open.pop()!.close();

    goneWx.confirm(code); // the customer typed the password meanwhile: the money is held
    const engine = startEngine([shop(), gone()]);
    expect(engine.recover().attempts).toBe(1);
    await clock.runAll();
    await engine.idle();
    const resumed = await engine.waitForAttempt(outTradeNo);
    expect(resumed.phase).toBe('paid');
    expect(resumed.attention).toBeNull();
    expect(engine.orderView(outTradeNo)?.status).toBe(1);
    expect(goneWx.held(outTradeNo)).toBe(880);
  });

  it('a restart still without the merchant leaves the attempt parked, not reversed or lost', async () => {
    const { outTradeNo } = await leaveOpenAttempt();
    for (let restart = 0; restart < 2; restart++) {
      const engine = startEngine([shop()]);
      expect(() => engine.recover()).not.toThrow();
      expect(engine.orderDetail(outTradeNo).attempts[0]?.attention?.code).toBe('merchant_not_configured');
      await engine.shutdown();
      open.pop()!.close();
    }
    expect(goneWx.calls.filter((c) => c.op !== 'micropay')).toEqual([]);
  });
});
