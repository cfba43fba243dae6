/**
 * `poll_schedules` overrides (config.json) may tune polling, but never lower WeChat's 15 s floor
 * before a reverse (docs/protocols.md §2): the merchant directory clamps it, and an engine built on
 * that directory does not reverse a WeChat charge sooner, even when told `reverse_after_ms: 0`.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { CheckoutEngine } from '../../core/engine/checkout-engine.ts';
import { SqliteJournal } from '../../core/journal/sqlite-journal.ts';
import { ServiceConfigSchema } from '../../core/service/config/service-config.ts';
import { buildMerchants } from '../../core/service/merchants.ts';
import { FakeClock } from '../fakes/fake-clock.ts';
import { FakeGateway } from '../fakes/fake-gateway.ts';
import { fixture } from '../gateways/wxpay-fixtures.ts';

const wxpayEntry = {
  provider: 'wxpay',
  appid: 'wxd930ea5d5a258f4f',
  mch_id: '10000100',
  key: '192006250b4c09247ec02edce69f6a2d',
  base_url: 'https://api.mch.weixin.qq.com',
  cert_pem: fixture('client-cert.pem'),
  key_pem: fixture('client-key.pem'),
};

function merchantsWith(pollSchedules: Record<string, unknown>, clock = new FakeClock()) {
  const config = ServiceConfigSchema.parse({
    merchants: [{ pid: 'shop', gateways: [wxpayEntry] }],
    poll_schedules: pollSchedules,
  });
  const fake = new FakeGateway('wxpay');
  const merchants = buildMerchants(config, null, clock, () => fake);
  return { merchants, fake, policies: merchants.get('shop')!.policies };
}

describe('poll_schedules overrides and the WeChat reverse floor', () => {
  it('clamps a lower WeChat reverse_after_ms to 15 s, but not the other providers', () => {
    const { policies } = merchantsWith({
      wxpay: { reverse_after_ms: 1000 },
      alipay: { reverse_after_ms: 1000 },
      payjs: { reverse_after_ms: 500 },
    });
    expect(policies.wxpay.reverseNotBeforeMs).toBe(15_000);
    expect(policies.alipay.reverseNotBeforeMs).toBe(1000);
    expect(policies.payjs.reverseNotBeforeMs).toBe(500);
  });

  it('keeps a WeChat reverse_after_ms above the floor as written, and the floor when only the delays change', () => {
    expect(merchantsWith({ wxpay: { reverse_after_ms: 20_000 } }).policies.wxpay.reverseNotBeforeMs).toBe(
      20_000,
    );
    const onlyDelays = merchantsWith({ wxpay: { query_delays_ms: [1000, 1000] } }).policies.wxpay;
    expect(onlyDelays.queryDelaysMs).toEqual([1000, 1000]);
    expect(onlyDelays.reverseNotBeforeMs).toBe(15_000);
  });

  describe('an engine on the configured directory', () => {
    let journal: SqliteJournal | undefined;
    afterEach(() => journal?.close());

    it('does not reverse a WeChat charge sooner than 15 s after it, with reverse_after_ms 0', async () => {
      const clock = new FakeClock();
      const { merchants, fake } = merchantsWith(
        { wxpay: { query_delays_ms: [1000, 1000], reverse_after_ms: 0 } },
        clock,
      );
      const reverseAt: number[] = [];
      const reverse = fake.reverse.bind(fake);
      fake.reverse = (order) => {
        reverseAt.push(clock.now());
        return reverse(order);
      };
      journal = new SqliteJournal(':memory:');
      const engine = new CheckoutEngine({ journal, clock, merchants });
      const code = '134567890123456789';
      fake.customers.set(code, 'password'); // never confirms
      const chargedAt = clock.now();
      const attempt = await engine.pay({ total_fee: 500, subject: 'Tea', auth_code: code });
      await clock.runAll();
      await engine.idle();
      expect(journal.getAttempt(attempt.outTradeNo)!.phase).toBe('reversed');
      expect(fake.calls.filter((c) => c.op === 'query').length).toBeGreaterThanOrEqual(2);
      expect(reverseAt.length).toBeGreaterThan(0);
      expect(reverseAt[0]! - chargedAt).toBeGreaterThanOrEqual(15_000);
    });
  });
});
