/**
 * Durable writes (COMMITs and autocommit statements, each an fsync under synchronous=FULL) per
 * payment, counted by the journal itself: a paid payment costs the charge's intent, its outcome
 * (with the order's new state and the owed paid callback, the callback's run claimed in it) and the
 * callback's end. Every extra provider call costs its intent and its outcome, nothing more.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { aliCode, createHarness, type Harness, settle, wxCode } from './harness.ts';

let h: Harness;
beforeEach(() => {
  h = createHarness();
});
afterEach(() => h.dispose());

const sale = { total_fee: 1234, subject: 'Coffee' };

describe('durable writes per payment', () => {
  it('an instant WeChat payment with its paid callback costs 3', async () => {
    const before = h.journal.durableWrites;
    const attempt = await h.engine.pay({ ...sale, auth_code: wxCode() });
    await settle(h);
    expect(h.journal.getAttempt(attempt.outTradeNo)!.phase).toBe('paid');
    expect(h.callbackRuns.get(attempt.orderNo)).toBe(1);
    expect(h.journal.getCallback(attempt.orderNo)).toMatchObject({ state: 'done', runs: 1 });
    expect(h.journal.durableWrites - before).toBe(3);
  });

  it('an instant Alipay payment costs 3 too', async () => {
    const before = h.journal.durableWrites;
    const attempt = await h.engine.pay({ ...sale, auth_code: aliCode() });
    await settle(h);
    expect(h.journal.getAttempt(attempt.outTradeNo)!.phase).toBe('paid');
    expect(h.journal.durableWrites - before).toBe(3);
  });

  it('a customer who confirms after one query costs 2 more: the query intent and its outcome', async () => {
    const code = wxCode();
    h.wx.customers.set(code, 'password');
    const before = h.journal.durableWrites;
    const attempt = await h.engine.pay({ ...sale, auth_code: code });
    expect(attempt.phase).toBe('polling');
    h.wx.confirm(code);
    await settle(h);
    expect(h.journal.getAttempt(attempt.outTradeNo)!.phase).toBe('paid');
    expect(h.wx.calls.filter((c) => c.op === 'query')).toHaveLength(1);
    expect(h.journal.durableWrites - before).toBe(5);
  });

  it('8 payments at once share their callbacks\' "done" commit: fewer than 3 writes each', async () => {
    const before = h.journal.durableWrites;
    const attempts = await Promise.all(
      Array.from({ length: 8 }, () => h.engine.pay({ ...sale, auth_code: wxCode() })),
    );
    await settle(h);
    for (const attempt of attempts) {
      expect(h.journal.getAttempt(attempt.outTradeNo)!.phase).toBe('paid');
      expect(h.callbackRuns.get(attempt.orderNo)).toBe(1);
      expect(h.journal.getCallback(attempt.orderNo)).toMatchObject({ state: 'done', runs: 1 });
    }
    // 8 intents and 8 outcomes (each before or after a provider call), the 8 "done" rows together.
    expect(h.journal.durableWrites - before).toBe(17);
  });
});
