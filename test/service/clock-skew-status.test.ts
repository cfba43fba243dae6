/**
 * The clock-skew warning (issue 15): a provider answered with a correctly signed reply whose
 * timestamp is more than five minutes from the terminal's clock (WeChat Pay APIv3 refuses to trust
 * it, docs/protocols.md §3). The reply stays unknown; the status shows `clock_warning` with code
 * `clock_skew` until a reply is trusted again, so the cashier fixes the clock instead of wondering why
 * every payment is uncertain.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../../core/common/error-codes.ts';
import { ProviderHealth } from '../../core/service/provider-health.ts';
import { en } from '../../renderer/src/i18n/en.ts';
import { zhCN } from '../../renderer/src/i18n/zh-cn.ts';
import { FakeClock } from '../fakes/fake-clock.ts';
import { FakeGateway } from '../fakes/fake-gateway.ts';

let health: ProviderHealth;
let v3: FakeGateway;
beforeEach(() => {
  health = new ProviderHealth(new FakeClock());
  v3 = new FakeGateway('wxpay_v3');
});
afterEach(() => health.stop());

const SKEWED = {
  reply: {
    kind: 'unknown',
    reason: 'clock_skew',
    detail: 'HTTP 200 reply timestamp 7 min ahead of our clock',
  },
} as const;

describe('clock-skew warning in the status', () => {
  it('is absent until a correctly signed reply is too far from our clock; the provider stays up', async () => {
    const tracked = health.track('shop', v3);
    expect(health.clockWarning()).toBeNull();
    v3.fault('query', SKEWED);
    expect(await tracked.query({ outTradeNo: 'Q1' })).toMatchObject({
      kind: 'unknown',
      reason: 'clock_skew',
    });
    expect(health.clockWarning()).toEqual({
      code: 'clock_skew',
      message: 'shop/wxpay_v3: HTTP 200 reply timestamp 7 min ahead of our clock',
    });
    expect(health.views()[0]!.reachability).toBe('up');
  });

  it('clears once a reply is trusted again, not on a network failure', async () => {
    const tracked = health.track('shop', v3);
    v3.fault('query', SKEWED, 'down');
    await tracked.query({ outTradeNo: 'Q1' });
    await tracked.query({ outTradeNo: 'Q2' });
    expect(health.clockWarning()?.code).toBe('clock_skew');
    await tracked.query({ outTradeNo: 'Q3' });
    expect(health.clockWarning()).toBeNull();
  });

  it('clock_skew is a known error code with text in both catalogs', () => {
    expect(ERROR_CODES).toContain('clock_skew');
    expect(zhCN['error.clock_skew']).toMatch(/时间/);
    expect(en['error.clock_skew']).toMatch(/clock/i);
  });
});
