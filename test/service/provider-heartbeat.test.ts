/** Providers are probed in the background while up, so a cut shows as 无法连接 within one interval. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PROVIDER_HEARTBEAT_MS, ProviderHealth } from '../../core/service/provider-health.ts';
import { FakeClock } from '../fakes/fake-clock.ts';
import { FakeGateway } from '../fakes/fake-gateway.ts';

let clock: FakeClock;
let health: ProviderHealth;
let wx: FakeGateway;
beforeEach(() => {
  clock = new FakeClock();
  health = new ProviderHealth(clock);
  wx = new FakeGateway('wxpay');
  health.track('m1', wx);
});
afterEach(() => health.stop());

const queries = () => wx.calls.filter((c) => c.op === 'query').length;

describe('provider heartbeat', () => {
  it('is a few seconds, not the 20 s an outage went unnoticed', () => {
    expect(PROVIDER_HEARTBEAT_MS).toBeLessThanOrEqual(10_000);
  });

  it('a cut while idle turns the provider down within one interval, with no payment needed', async () => {
    const changes: string[] = [];
    health.onChange((view) => changes.push(view.reachability));
    health.startHeartbeat();
    await clock.advance(PROVIDER_HEARTBEAT_MS);
    expect(health.views()[0]!.reachability).toBe('up');
    wx.offline = true;
    await clock.advance(PROVIDER_HEARTBEAT_MS);
    expect(health.isDown('m1', 'wxpay')).toBe(true);
    expect(changes).toEqual(['up', 'down']);
  });

  it('does not probe a provider that answered a real call within the interval', async () => {
    const tracked = health.track('m1', wx);
    health.startHeartbeat();
    await clock.advance(PROVIDER_HEARTBEAT_MS - 1);
    await tracked.query({ outTradeNo: 'REAL1' });
    const before = queries();
    await clock.advance(1);
    expect(queries()).toBe(before);
  });
});

describe('provider heartbeat and PAYJS', () => {
  it('never probes PAYJS while it is up: PAYJS blacklists callers that check often', async () => {
    const payjs = new FakeGateway('payjs');
    health.track('m2', payjs);
    health.startHeartbeat();
    await clock.advance(PROVIDER_HEARTBEAT_MS * 6);
    expect(payjs.calls.filter((c) => c.op === 'query')).toHaveLength(0);
    expect(queries()).toBeGreaterThan(0);
  });
});
