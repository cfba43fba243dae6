/** The one back-off every retry loop uses, and the schedules kept as data beside PollPolicy. */
import { describe, expect, it } from 'vitest';
import { DEFAULT_POLL_POLICIES, reverseFloorMs, unknownBackoffMs } from '../../core/domain/poll-policy.ts';
import {
  backoffMs,
  CALLBACK_RETRY,
  REFUND_TIMING,
  WXPAY_REVERSE_FLOOR_MS,
} from '../../core/domain/timing.ts';

const plain = { initialMs: 1000, maxMs: 30_000 };

describe('backoffMs', () => {
  it('waits initialMs after the first failure and doubles per failure up to the cap', () => {
    expect([1, 2, 3, 4, 5, 6, 7].map((n) => backoffMs(plain, n))).toEqual([
      1000, 2000, 4000, 8000, 16_000, 30_000, 30_000,
    ]);
  });

  it('treats zero or negative failures as the first and never overflows on huge counts', () => {
    expect(backoffMs(plain, 0)).toBe(1000);
    expect(backoffMs(plain, -3)).toBe(1000);
    expect(backoffMs(plain, 10_000)).toBe(30_000);
  });

  it('draws jitter from the injected random, below the capped delay and never above it', () => {
    const jittered = { ...plain, jitter: 0.2 };
    expect(backoffMs(jittered, 3, () => 0)).toBe(4000);
    expect(backoffMs(jittered, 3, () => 0.5)).toBe(3600);
    expect(backoffMs(jittered, 3, () => 0.999_999)).toBe(3200);
    expect(backoffMs(jittered, 50, () => 0.5)).toBe(27_000);
    // A random source out of range cannot push the delay past the cap or below the floor.
    expect(backoffMs(jittered, 3, () => -4)).toBe(4000);
    expect(backoffMs(jittered, 3, () => 7)).toBe(3200);
  });

  it('draws no jitter unless a random source is given, so the attempt machine stays deterministic', () => {
    expect(backoffMs({ ...plain, jitter: 0.5 }, 2)).toBe(2000);
  });
});

describe('schedules as data', () => {
  it('unknown replies back off by the poll policy through the same function', () => {
    const wx = DEFAULT_POLL_POLICIES.wxpay;
    expect(unknownBackoffMs(wx, 1)).toBe(wx.unknownBackoffInitialMs);
    expect(unknownBackoffMs(wx, 40)).toBe(wx.unknownBackoffMaxMs);
  });

  it('WeChat reverses no sooner than its floor, and the default policy is at the floor', () => {
    expect(WXPAY_REVERSE_FLOOR_MS).toBe(15_000);
    expect(reverseFloorMs('wxpay')).toBe(WXPAY_REVERSE_FLOOR_MS);
    expect(DEFAULT_POLL_POLICIES.wxpay.reverseNotBeforeMs).toBe(WXPAY_REVERSE_FLOOR_MS);
    expect(reverseFloorMs('alipay')).toBe(0);
    expect(reverseFloorMs('payjs')).toBe(0);
  });

  it('the quick refund rounds stay within about 90 s before slow follow-ups take over', () => {
    let total = 0;
    for (let round = 1; round < REFUND_TIMING.quickRounds; round++) {
      total += backoffMs(REFUND_TIMING.quickBackoff, round);
    }
    expect(total).toBeGreaterThan(60_000);
    expect(total).toBeLessThanOrEqual(120_000);
    expect(REFUND_TIMING.followUpMs.every((ms, i, all) => i === 0 || ms >= all[i - 1]!)).toBe(true);
  });

  it('a throwing paid callback is retried a bounded number of times with a capped back-off', () => {
    expect(CALLBACK_RETRY.maxRuns).toBeGreaterThan(1);
    expect(backoffMs(CALLBACK_RETRY.backoff, 100, () => 0)).toBe(CALLBACK_RETRY.backoff.maxMs);
  });
});
