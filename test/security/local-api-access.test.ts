/**
 * The local API under attack from this machine (findings 1–4 of the security review): a hostile web
 * page (CSRF, DNS rebinding), a caller that simply leaves the PIN out, and requests that come
 * through the reverse proxy that `public_url` suggests. Each test was red before its fix.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiServer } from '../../core/service/http/api-server.ts';
import { type ServiceHarness, startServiceHarness } from '../service/service-harness.ts';
import { postJson, raw } from './local-api-helpers.ts';

const REFUND_KEY = 'refund-key-0123456789abcdef';
const PAY_KEY = 'pay-only-key-0123456789abcdef';

let h: ServiceHarness;
beforeAll(async () => {
  h = await startServiceHarness({
    config: {
      public_url: 'https://pay.example.com/kiosk',
      server: {
        allowed_hosts: ['till.shop.lan'],
        api_keys: [
          { id: 'erp', key: REFUND_KEY, permissions: ['pay', 'query', 'refund'] },
          { id: 'web', key: PAY_KEY, permissions: ['pay', 'query'] },
        ],
      },
    },
  });
});
afterAll(async () => {
  await h?.close();
});

const errorCode = (reply: { json: { error?: { code?: string } } }) => reply.json?.error?.code;

async function paidOrder(outTradeNo: string, fee = 500): Promise<void> {
  const code = await h.walletCode('wxpay', 'instant');
  const created = await postJson(h.server.url, 'createPayment', {
    data: { out_trade_no: outTradeNo, total_fee: fee, subject: 'Tea', auth_code: code },
  });
  expect(created.status).toBe(200);
}

async function refundedFen(outTradeNo: string): Promise<number> {
  const truth = await h.sandbox('/_sandbox/trades');
  return truth.trades.find((t: { out_trade_no: string }) => t.out_trade_no === outTradeNo).refunded_fen;
}

async function sessionOf(url: string): Promise<string> {
  const page = await raw(url, 'GET', '/');
  const match = /<meta name="scanpay-session" content="([^"]+)"/.exec(page.text);
  expect(match, 'the served page carries the UI session').not.toBeNull();
  return match![1]!;
}

describe('finding 1: a refund always needs a supervisor PIN or a key with refund', () => {
  it('refuses a loopback refund that leaves the pin field out, and no money moves', async () => {
    await paidOrder('SEC1');
    const refund = await postJson(h.server.url, 'refund', { out_trade_no: 'SEC1' });
    expect(refund.status).toBe(403);
    expect(errorCode(refund)).toBe('permission_denied');
    expect(await refundedFen('SEC1')).toBe(0);
  });

  it('refuses a plain loopback refund even with the right PIN: only the cashier UI takes a PIN', async () => {
    const refund = await postJson(h.server.url, 'refund', { out_trade_no: 'SEC1', pin: '0000' });
    expect(refund.status).toBe(403);
    expect(errorCode(refund)).toBe('permission_denied');
    expect(await refundedFen('SEC1')).toBe(0);
  });

  it('refuses the cashier UI’s refund without a PIN and with a wrong one', async () => {
    const session = await sessionOf(h.server.url);
    const bare = await postJson(
      h.server.url,
      'refund',
      { out_trade_no: 'SEC1' },
      { 'x-scanpay-session': session },
    );
    expect(bare.status).toBe(401);
    expect(errorCode(bare)).toBe('pin_required');
    const wrong = await postJson(
      h.server.url,
      'refund',
      { out_trade_no: 'SEC1', pin: '9999' },
      { 'x-scanpay-session': session },
    );
    expect(errorCode(wrong)).toBe('pin_invalid');
    expect(await refundedFen('SEC1')).toBe(0);
  });

  it('lets a key with the refund permission refund without a PIN, and refuses a key without it', async () => {
    const payOnly = await postJson(
      h.server.url,
      'refund',
      { out_trade_no: 'SEC1', refund_fee: 100 },
      { authorization: `Bearer ${PAY_KEY}` },
    );
    expect(payOnly.status).toBe(403);
    expect(errorCode(payOnly)).toBe('permission_denied');
    const wrongKey = await postJson(
      h.server.url,
      'refund',
      { out_trade_no: 'SEC1', refund_fee: 100 },
      { authorization: 'Bearer not-a-key-of-this-terminal' },
    );
    expect(wrongKey.status).toBe(401);
    expect(errorCode(wrongKey)).toBe('api_key_invalid');
    const refund = await postJson(
      h.server.url,
      'refund',
      { out_trade_no: 'SEC1', refund_fee: 100 },
      { authorization: `Bearer ${REFUND_KEY}` },
    );
    expect(refund.status).toBe(200);
    expect(await refundedFen('SEC1')).toBe(100);
  });
});

describe('finding 2: another web page cannot drive the API (CSRF)', () => {
  it('refuses a text/plain POST, which browsers send without a preflight, and the sale is untouched', async () => {
    const before = await postJson(h.server.url, 'getSale', {});
    const forged = await raw(
      h.server.url,
      'POST',
      '/api/beginSale',
      { 'content-type': 'text/plain', origin: 'http://evil.example' },
      JSON.stringify({ total_fee: 999900 }),
    );
    expect(forged.status).toBe(415);
    expect(errorCode(forged)).toBe('content_type_not_json');
    const noOrigin = await raw(
      h.server.url,
      'POST',
      '/api/beginSale',
      { 'content-type': 'text/plain' },
      JSON.stringify({ total_fee: 999900 }),
    );
    expect(noOrigin.status).toBe(415);
    expect((await postJson(h.server.url, 'getSale', {})).json).toEqual(before.json);
  });

  it('refuses a JSON request that carries a foreign Origin, for writes and reads', async () => {
    const evil = { origin: 'http://evil.example' };
    const begin = await postJson(h.server.url, 'beginSale', { total_fee: 999900 }, evil);
    expect(begin.status).toBe(403);
    expect(errorCode(begin)).toBe('origin_not_allowed');
    const otherPort = await postJson(
      h.server.url,
      'beginSale',
      { total_fee: 999900 },
      { origin: 'http://127.0.0.1:1' },
    );
    expect(otherPort.status).toBe(403);
    const read = await raw(h.server.url, 'GET', '/api/orders', evil);
    expect(read.status).toBe(403);
    const own = await postJson(h.server.url, 'getSale', {}, { origin: h.server.url });
    expect(own.status).toBe(200);
  });

  it('never lets a plain loopback call change the settings or the PIN', async () => {
    const change = await postJson(h.server.url, 'updateSettings', { pin: '0000', new_pin: '24681357' });
    expect(change.status).toBe(403);
    expect(errorCode(change)).toBe('permission_denied');
    const settings = await postJson(h.server.url, 'getSettings', {});
    expect(settings.json.value.pin_set).toBe(false);
  });

  it('keeps the README’s curl flow: a plain loopback JSON call can pay, query and begin a sale', async () => {
    const sale = await postJson(h.server.url, 'beginSale', { total_fee: 1200 });
    expect(sale.status).toBe(200);
    await postJson(h.server.url, 'cancelSale', {});
    const query = await postJson(h.server.url, 'queryPayment', { out_trade_no: 'SEC1' });
    expect(query.status).toBe(200);
  });

  it('keeps CORS closed and sends CSP and no-store on API answers', async () => {
    const preflight = await raw(h.server.url, 'OPTIONS', '/api/refund', {
      origin: 'http://evil.example',
      'access-control-request-method': 'POST',
    });
    expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
    const answer = await postJson(h.server.url, 'getSale', {});
    expect(answer.headers['cache-control']).toBe('no-store');
    expect(answer.headers['content-security-policy']).toMatch(/default-src 'none'/);
  });
});

describe('finding 3: a DNS-rebinding page is not the service’s origin', () => {
  for (const path of ['/api/orders', '/api/orders.csv', '/api/events', '/api/health', '/']) {
    it(`answers 421 to a foreign Host on ${path}`, async () => {
      const reply = await raw(h.server.url, 'GET', path, {
        host: `rebind.evil.example:${new URL(h.server.url).port}`,
      });
      expect(reply.status).toBe(421);
      expect(errorCode(reply)).toBe('host_not_allowed');
      expect(reply.text).not.toContain('scanpay-session');
    });
  }

  it('accepts its own names: 127.0.0.1, localhost, [::1] and the configured allowed_hosts', async () => {
    const port = new URL(h.server.url).port;
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`, 'till.shop.lan']) {
      const reply = await raw(h.server.url, 'GET', '/api/health', { host });
      expect(reply.status, host).toBe(200);
    }
  });
});

describe('finding 4: requests through the reverse proxy are not loopback', () => {
  it('asks a forwarded request (X-Forwarded-For from an untrusted proxy) for a token', async () => {
    const reply = await raw(h.server.url, 'GET', '/api/orders', { 'x-forwarded-for': '203.0.113.9' });
    expect(reply.status).toBe(401);
    expect(errorCode(reply)).toBe('token_required');
  });

  it('asks a request for public_url’s host for a token even without forwarding headers', async () => {
    const reply = await raw(h.server.url, 'GET', '/api/orders', { host: 'pay.example.com' });
    expect(reply.status).toBe(401);
    expect(errorCode(reply)).toBe('token_required');
    const write = await raw(
      h.server.url,
      'POST',
      '/api/beginSale',
      { host: 'pay.example.com', 'content-type': 'application/json' },
      '{"total_fee":100}',
    );
    expect(write.status).toBe(401);
  });

  it('believes X-Forwarded-For only from a configured trusted proxy', async () => {
    const trusting = await startApiServer({
      service: h.service,
      host: '127.0.0.1',
      port: 0,
      trustedProxies: ['127.0.0.1'],
    });
    try {
      const local = await raw(trusting.url, 'GET', '/api/orders', { 'x-forwarded-for': '127.0.0.1' });
      expect(local.status).toBe(200);
      const remote = await raw(trusting.url, 'GET', '/api/orders', {
        'x-forwarded-for': '127.0.0.1, 198.51.100.7',
      });
      expect(remote.status).toBe(401);
    } finally {
      await trusting.close();
    }
  });
});
