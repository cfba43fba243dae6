import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_BODY_BYTES } from '../../core/sandbox/http-server.ts';
import { type RunningSandbox, startSandbox } from '../../core/sandbox/start-sandbox.ts';
import { control, issueCode, orderNo, post } from './helpers/sandbox-http.ts';
import { micropayFields, wxCall } from './helpers/wxpay-client.ts';

let sandbox: RunningSandbox;
const CLOCK_START = Date.UTC(2026, 10, 23, 2, 0, 0);

beforeAll(async () => {
  sandbox = await startSandbox({ clock: { now: () => CLOCK_START, sleep: async () => undefined } });
});
afterAll(async () => {
  await sandbox.close();
});

describe('/_sandbox control API', () => {
  it('health answers ok', async () => {
    expect(await control(sandbox.url, '/_sandbox/health')).toEqual({ status: 200, json: { ok: true } });
  });

  it('credentials tells a service joining by URL where secapi is and which public keys to use', async () => {
    const { status, json } = await control<{
      url: string;
      secapi_url: string;
      credentials: typeof sandbox.credentials;
    }>(sandbox.url, '/_sandbox/credentials');
    expect(status).toBe(200);
    expect(json).toEqual({
      url: sandbox.url,
      secapi_url: sandbox.secapiUrl,
      credentials: sandbox.credentials,
    });
  });

  it('refuses a bad wallet, behaviour or JSON with 400 and says which field', async () => {
    const badWallet = await control<{ message: string }>(sandbox.url, '/_sandbox/wallet/codes', {
      wallet: 'unionpay',
    });
    expect(badWallet.status).toBe(400);
    expect(badWallet.json.message).toContain('wallet');
    const badBehaviour = await control(sandbox.url, '/_sandbox/wallet/codes', {
      wallet: 'wxpay',
      behavior: 'rich',
    });
    expect(badBehaviour.status).toBe(400);
    const notJson = await post(`${sandbox.url}/_sandbox/wallet/codes`, '{', 'application/json');
    expect(notJson.status).toBe(400);
  });

  it('confirming or cancelling an unknown code is a 409, scanning an unknown QR too', async () => {
    expect(
      (await control(sandbox.url, '/_sandbox/wallet/confirm', { authCode: '130000000000000000' })).status,
    ).toBe(409);
    expect(
      (await control(sandbox.url, '/_sandbox/wallet/cancel', { authCode: '130000000000000000' })).status,
    ).toBe(409);
    expect(
      (await control(sandbox.url, '/_sandbox/wallet/scan', { qr: 'https://qr.alipay.com/nothing' })).status,
    ).toBe(409);
  });

  it('unknown paths are 404 and wrong methods 405', async () => {
    expect((await control(sandbox.url, '/_sandbox/nothing')).status).toBe(404);
    expect((await control(sandbox.url, '/_sandbox/trades', {})).status).toBe(405);
  });

  it('trades use the injected clock; time/advance moves only the sandbox clock', async () => {
    const no = orderNo();
    await wxCall(
      sandbox.url,
      '/wxpay/pay/micropay',
      sandbox.credentials,
      micropayFields(no, await issueCode(sandbox.url, 'wxpay')),
    );
    const { json } = await control<{ trades: { out_trade_no: string; created_at: string }[] }>(
      sandbox.url,
      '/_sandbox/trades',
    );
    expect(json.trades.find((t) => t.out_trade_no === no)?.created_at).toBe(
      new Date(CLOCK_START).toISOString(),
    );
    const advanced = await control<{ offset_ms: number; now: string }>(
      sandbox.url,
      '/_sandbox/time/advance',
      { ms: 1500 },
    );
    expect(advanced.json.now).toBe(new Date(CLOCK_START + advanced.json.offset_ms).toISOString());
    expect((await control(sandbox.url, '/_sandbox/time/advance', { ms: -1 })).status).toBe(400);
  });

  it('in-process ledger and HTTP show the same truth', async () => {
    const { authCode } = sandbox.ledger.issueCode({ wallet: 'wxpay', behavior: 'instant' });
    const no = orderNo();
    await wxCall(sandbox.url, '/wxpay/pay/micropay', sandbox.credentials, micropayFields(no, authCode, 321));
    expect(sandbox.ledger.trades().find((t) => t.out_trade_no === no)).toMatchObject({ captured_fen: 321 });
  });
});

describe('request limits', () => {
  it('answers an oversized WeChat body with the provider error shape, and keeps serving', async () => {
    const huge = `<xml><body>${'x'.repeat(MAX_BODY_BYTES + 10)}</body></xml>`;
    const reply = await post(`${sandbox.url}/wxpay/pay/micropay`, huge, 'text/xml');
    expect(reply.status).toBe(413);
    expect(reply.text).toContain('<return_code>FAIL</return_code>');
    expect((await control(sandbox.url, '/_sandbox/health')).status).toBe(200);
  });

  it('unknown provider paths get their provider shape, unknown roots a 404', async () => {
    const wx = await post(`${sandbox.url}/wxpay/pay/nothing`, '<xml></xml>', 'text/xml');
    expect(wx.status).toBe(404);
    expect(wx.text).toContain('<return_code>FAIL</return_code>');
    expect((await post(`${sandbox.url}/elsewhere`, '', 'text/plain')).status).toBe(404);
  });
});
