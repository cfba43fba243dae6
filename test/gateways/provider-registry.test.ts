/**
 * One descriptor per provider (core/gateways/registry.ts): every name the contract knows has one,
 * and the service's merchant directory, notification verifiers and sandbox configs all come from it.
 */
import { describe, expect, it } from 'vitest';
import { PROVIDER_NAMES } from '../../core/common/providers.ts';
import { DEFAULT_POLL_POLICIES } from '../../core/domain/poll-policy.ts';
import { PROVIDER_REGISTRY, providerDescriptor } from '../../core/gateways/registry.ts';
import { loadSandboxKeys } from '../../core/sandbox/sandbox-credentials.ts';
import { sandboxProviderConfigs } from '../../core/sandbox/sandbox-provider-configs.ts';
import { FakeClock } from '../fakes/fake-clock.ts';

const sandbox = {
  url: 'http://127.0.0.1:1',
  secapiUrl: 'https://127.0.0.1:2',
  credentials: loadSandboxKeys().credentials,
};

describe('provider registry', () => {
  it('has exactly one descriptor per provider name, under its own name', () => {
    expect(Object.keys(PROVIDER_REGISTRY).sort()).toEqual([...PROVIDER_NAMES].sort());
    for (const name of PROVIDER_NAMES) expect(PROVIDER_REGISTRY[name].name).toBe(name);
  });

  it.each(PROVIDER_NAMES)(
    '%s: the sandbox config builds a gateway and a verifier of that provider',
    (name) => {
      const descriptor = PROVIDER_REGISTRY[name];
      const raw = descriptor.sandboxConfig(sandbox);
      expect(raw).toEqual(sandboxProviderConfigs(sandbox)[name]);
      const configured = descriptor.configure(raw);
      expect(configured.provider).toBe(name);
      const gateway = configured.createGateway({ clock: new FakeClock(0) });
      expect(gateway.provider).toBe(name);
      expect(gateway.wallets).toContain(gateway.qrWallet);
      expect(configured.createNotifyVerifier().provider).toBe(name);
      expect(descriptor.pollPolicy).toBe(DEFAULT_POLL_POLICIES[name]);
    },
  );

  it('pays a QR from the provider’s own wallet: Alipay from Alipay, WeChat Pay and PAYJS from WeChat', () => {
    const wallet = (name: (typeof PROVIDER_NAMES)[number]) =>
      PROVIDER_REGISTRY[name].configure(PROVIDER_REGISTRY[name].sandboxConfig(sandbox)).createGateway({
        clock: new FakeClock(0),
      }).qrWallet;
    expect([wallet('wxpay'), wallet('alipay'), wallet('payjs')]).toEqual(['wxpay', 'alipay', 'wxpay']);
  });

  it('says only WeChat Pay needs a notify_url for QR orders, and not once it has one', () => {
    const wx = PROVIDER_REGISTRY.wxpay;
    const withoutUrl = wx.configure(wx.sandboxConfig(sandbox));
    expect(withoutUrl.qrProblem).toMatch(/^notify_url: /);
    const withUrl = wx.configure({ ...wx.sandboxConfig(sandbox), notify_url: 'https://pay.example.com/n' });
    expect(withUrl.qrProblem).toBeUndefined();
    const ali = PROVIDER_REGISTRY.alipay;
    expect(ali.configure(ali.sandboxConfig(sandbox)).qrProblem).toBeUndefined();
  });

  it('refuses an unknown provider with a config error naming it', () => {
    for (const provider of ['stripe', undefined, 'toString']) {
      expect(() => providerDescriptor(provider)).toThrow(
        expect.objectContaining({
          code: 'gateway_provider_unknown',
          message: `unknown provider ${String(provider)}`,
        }),
      );
    }
  });
});
