/**
 * The store-refund operations (findStoreOrder, storeRefund) under the local API's hostile-browser
 * rules, like every operation: a foreign Origin, a text/plain body (a form post with no preflight)
 * and a rebound Host are refused before anything reaches the store hub; a plain loopback call may
 * look a sale up but never refund without the supervisor's PIN or a key with `refund`.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ServiceHarness, startServiceHarness } from '../service/service-harness.ts';
import { postJson, raw } from './local-api-helpers.ts';

let hub: Server;
let h: ServiceHarness;
/** What the fake store hub was asked for a sale or a refund. */
const hubAsked: string[] = [];

beforeAll(async () => {
  hub = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const path = (req.url ?? '').split('?')[0]!;
      if (path === '/api/terminal/orders' || path === '/api/terminal/refunds') hubAsked.push(path);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(path === '/api/terminal/orders' ? '{"ok":true,"orders":[]}' : '{"ok":true}');
    });
  });
  await new Promise<void>((resolve) => hub.listen(0, '127.0.0.1', resolve));
  const hubUrl = `http://127.0.0.1:${(hub.address() as AddressInfo).port}`;
  h = await startServiceHarness({
    config: { terminal_id: 'T9', hub: { url: hubUrl, token: 'spt_test_token_0123456789abcdef' } },
  });
});
afterAll(async () => {
  await h?.close();
  await new Promise<void>((resolve) => hub.close(() => resolve()));
});

const find = { order_no: 'T8X1' };
const refund = { terminal_id: 'T8', order_no: 'T8X1', refund_fee: 500, request_id: 'evil-0000000001' };

describe('store refunds and a hostile browser', () => {
  it.each([
    ['findStoreOrder', find],
    ['storeRefund', refund],
  ])('%s: a foreign Origin, a text/plain body and a rebound Host reach no hub', async (op, body) => {
    const foreign = await postJson(h.server.url, op, body, { origin: 'http://evil.example' });
    expect(foreign.status).toBe(403);
    const form = await raw(
      h.server.url,
      'POST',
      `/api/${op}`,
      { 'content-type': 'text/plain', origin: 'http://evil.example' },
      JSON.stringify(body),
    );
    expect(form.status).toBe(415);
    const rebound = await postJson(h.server.url, op, body, { host: 'evil.example' });
    expect(rebound.status).toBe(421); // Misdirected: not a name this till answers to
    expect(hubAsked).toEqual([]);
  });

  it('a plain loopback call looks a sale up, but refunds nothing without the PIN', async () => {
    const looked = await postJson(h.server.url, 'findStoreOrder', find);
    expect(looked.json).toMatchObject({ ok: true, value: { orders: [] } });
    const refused = await postJson(h.server.url, 'storeRefund', refund);
    expect(refused.json?.ok).toBe(false);
    expect(['permission_denied', 'pin_required', 'pin_change_required']).toContain(refused.json?.error?.code);
    expect(hubAsked).toEqual(['/api/terminal/orders']);
  });
});
