/**
 * A WeChat APIv3 notification whose signature verifies but whose Wechatpay-Timestamp is more than 5
 * minutes from our clock is refused (WeChat retries it) and raises the same clock warning a skewed
 * signed reply raises (`clock_warning`, code `clock_skew`, docs/protocols.md §3 "Notifications"):
 * otherwise a terminal whose clock drifted would refuse every notification in silence. A forged one
 * (bad signature) never raises it; a notification on time clears it.
 */
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { v3EncryptResource, v3Nonce, v3ReplyMessage, v3Sign } from '../../core/gateways/shared/v3-sign.ts';
import { loadSandboxKeys } from '../../core/sandbox/sandbox-credentials.ts';
import { type ServiceHarness, startServiceHarness } from './service-harness.ts';

const { credentials, serverKeys } = loadSandboxKeys();
const SEVEN_MINUTES = 7 * 60_000;

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** WeChat's envelope for an unpaid order (nothing to book), signed at `timestampMs`. */
function notification(timestampMs: number, key = serverKeys.wxpayV3SigningKey) {
  const v3 = credentials.wxpay_v3;
  const trade = {
    appid: v3.appid,
    mchid: v3.mchid,
    out_trade_no: 'CLOCK1',
    trade_state: 'NOTPAY',
    amount: { total: 100, currency: 'CNY' },
  };
  const resource = v3EncryptResource(JSON.stringify(trade), v3.apiv3_key, 'transaction');
  const body = JSON.stringify({
    id: v3Nonce(),
    event_type: 'TRANSACTION.SUCCESS',
    resource_type: 'encrypt-resource',
    resource: { original_type: 'transaction', ...resource },
  });
  const timestamp = String(Math.floor(timestampMs / 1000));
  const nonce = v3Nonce();
  return {
    body,
    headers: {
      'content-type': 'application/json',
      'wechatpay-serial': v3.public_key_id,
      'wechatpay-timestamp': timestamp,
      'wechatpay-nonce': nonce,
      'wechatpay-signature': v3Sign(v3ReplyMessage(timestamp, nonce, body), key),
    },
  };
}

describe('clock warning from APIv3 notifications', () => {
  let h: ServiceHarness;
  beforeAll(async () => {
    const port = await freePort();
    h = await startServiceHarness({
      port,
      config: {
        public_url: `http://127.0.0.1:${port}/`,
        merchants: [{ pid: 'shop-v3', gateways: [{ provider: 'wxpay_v3', sandbox: true }] }],
      },
    });
    // An order the notification can name: the handler checks the attempt after the signature.
    const created = await h.call('createPayment', {
      needQRcode: true,
      provider: 'wxpay_v3',
      data: { out_trade_no: 'CLOCK1', total_fee: 100, subject: 'Tea', pid: 'shop-v3' },
    });
    expect(created.status).toBe(200);
  });
  afterAll(() => h?.close());

  async function notify(signed: ReturnType<typeof notification>): Promise<number> {
    const response = await fetch(`${h.server.url}/notify/shop-v3/wxpay_v3`, {
      method: 'POST',
      headers: signed.headers,
      body: signed.body,
    });
    await response.text();
    return response.status;
  }

  async function clockWarning(): Promise<{ code: string; message: string } | undefined> {
    const response = await fetch(`${h.server.url}/api/health`);
    const health = (await response.json()) as { clock_warning?: { code: string; message: string } };
    return health.clock_warning ?? undefined;
  }

  it('a forged notification 7 minutes off is refused and raises nothing', async () => {
    // Signed with a key that is not WeChat's (the merchant's own): the signature does not verify.
    const forged = notification(Date.now() + SEVEN_MINUTES, credentials.wxpay_v3.private_key);
    expect(await notify(forged)).toBe(400);
    expect(await clockWarning()).toBeUndefined();
  });

  it('a well-signed notification 7 minutes ahead is refused and raises clock_skew', async () => {
    expect(await notify(notification(Date.now() + SEVEN_MINUTES))).toBe(400);
    const warning = await clockWarning();
    expect(warning?.code).toBe('clock_skew');
    expect(warning?.message).toMatch(/shop-v3\/wxpay_v3: notification timestamp 7 min ahead of our clock/);
  });

  it('a notification on time clears it', async () => {
    expect(await notify(notification(Date.now()))).toBe(204);
    expect(await clockWarning()).toBeUndefined();
  });
});
