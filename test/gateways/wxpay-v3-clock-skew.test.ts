/**
 * APIv3 replies whose Wechatpay-Timestamp is more than five minutes from our clock are refused
 * (docs/protocols.md §3, "Clock skew"): such a reply never ends a trade. When its signature does
 * verify, the fault is the clocks, not the reply, and it is reported as `clock_skew` so the status
 * bar can tell the cashier to fix the terminal's clock; a badly signed reply stays `bad_signature`.
 */
import { describe, expect, it } from 'vitest';
import { v3Nonce, v3ReplyMessage, v3Sign } from '../../core/gateways/shared/v3-sign.ts';
import { parseWxpayV3Config } from '../../core/gateways/wxpay-v3/wxpay-v3-config.ts';
import { mapCodepayReply } from '../../core/gateways/wxpay-v3/wxpay-v3-outcomes.ts';
import { verifyWxpayV3Reply } from '../../core/gateways/wxpay-v3/wxpay-v3-transport.ts';
import { loadSandboxKeys } from '../../core/sandbox/sandbox-credentials.ts';
import { sandboxProviderConfigs } from '../../core/sandbox/sandbox-provider-configs.ts';

const { credentials, serverKeys } = loadSandboxKeys();
const config = parseWxpayV3Config(
  sandboxProviderConfigs({ url: 'http://127.0.0.1:9', secapiUrl: 'https://127.0.0.1:9', credentials })
    .wxpay_v3,
);
const NOW = Date.UTC(2026, 10, 30, 8, 0, 0);
const PAID = JSON.stringify({
  appid: credentials.wxpay_v3.appid,
  mchid: credentials.wxpay_v3.mchid,
  out_trade_no: 'SKEW1',
  transaction_id: '4200000000202611300000000001',
  trade_state: 'SUCCESS',
  amount: { total: 100, currency: 'CNY' },
});

function signedAt(timestampMs: number, body = PAID, key = serverKeys.wxpayV3SigningKey) {
  const timestamp = String(Math.floor(timestampMs / 1000));
  const nonce = v3Nonce();
  return {
    kind: 'response' as const,
    status: 200,
    body,
    headers: {
      'wechatpay-serial': credentials.wxpay_v3.public_key_id,
      'wechatpay-timestamp': timestamp,
      'wechatpay-nonce': nonce,
      'wechatpay-signature': v3Sign(v3ReplyMessage(timestamp, nonce, body), key),
    },
  };
}

describe('wxpay_v3 reply timestamps', () => {
  it('a paid reply signed 4 minutes ago is verified and paid', () => {
    const reply = verifyWxpayV3Reply(config, signedAt(NOW - 4 * 60_000), NOW);
    expect(mapCodepayReply(reply, 'SKEW1', 100)).toMatchObject({ kind: 'paid', totalFee: 100 });
  });

  it.each([
    ['behind', -6 * 60_000],
    ['ahead', 6 * 60_000],
  ])('a well-signed paid reply 6 minutes %s is clock_skew: unknown, never paid', (_, offset) => {
    const reply = verifyWxpayV3Reply(config, signedAt(NOW + offset), NOW);
    expect(reply).toMatchObject({ kind: 'unknown', reason: 'clock_skew' });
    expect(mapCodepayReply(reply, 'SKEW1', 100).kind).toBe('unknown');
  });

  it('a skewed reply that also fails its signature is bad_signature, not a clock warning', () => {
    const forged = signedAt(NOW + 6 * 60_000);
    const tampered = { ...forged, body: forged.body.replace('"total":100', '"total":1') };
    expect(verifyWxpayV3Reply(config, tampered, NOW)).toMatchObject({
      kind: 'unknown',
      reason: 'bad_signature',
    });
  });
});
