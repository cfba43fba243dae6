/** The local API end to end over real HTTP against the sandbox gateway (real adapters, real signatures). */
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiServer } from '../../core/service/http/api-server.ts';
import { type ServiceHarness, startServiceHarness } from './service-harness.ts';

const REFUND_KEY = 'api-test-refund-key-0123456789';
const asRefunder = { authorization: `Bearer ${REFUND_KEY}` };

let h: ServiceHarness;
beforeAll(async () => {
  h = await startServiceHarness({
    config: { server: { api_keys: [{ id: 'books', key: REFUND_KEY, permissions: ['query', 'refund'] }] } },
  });
});
afterAll(async () => {
  await h?.close();
});

describe('createPayment → queryPayment → refund → queryRefund', () => {
  it('charges an instant WeChat customer, runs the callback, refunds in two parts', async () => {
    const code = await h.walletCode('wxpay', 'instant');
    const created = await h.call('createPayment', {
      data: { out_trade_no: 'API1', total_fee: 1000, subject: 'Tea', type: 'goods', auth_code: code },
    });
    expect(created.status).toBe(200);
    // vk-uni-pay's flat answer: code 0, the fields at the top level.
    expect(created.body).toMatchObject({
      code: 0,
      out_trade_no: 'API1',
      provider: 'wxpay',
      pay_type: 'micropay',
      attempt: { phase: 'paid' },
    });

    const queried = await h.call('queryPayment', {
      out_trade_no: 'API1',
      await_notify: true,
      await_max_time: 5,
      pay_order_info: true,
    });
    expect(queried.body).toMatchObject({ code: 0, orderPaid: true, user_order_success: true, status: 1 });
    expect(queried.body.payOrder.callback).toMatchObject({ state: 'done', source: 'query' });

    const partial = await h.call(
      'refund',
      { out_trade_no: 'API1', refund_fee: 300, refund_desc: 'one cup' },
      asRefunder,
    );
    expect(partial.body).toMatchObject({
      code: 0,
      status: 'succeeded',
      refund_fee: 300,
      order: { status: 2 },
    });
    const rest = await h.call('refund', { out_trade_no: 'API1' }, asRefunder);
    expect(rest.body).toMatchObject({
      status: 'succeeded',
      refund_fee: 700,
      order: { status: 3, refunded_fee: 1000 },
    });
    const tooMuch = await h.call('refund', { out_trade_no: 'API1', refund_fee: 1 }, asRefunder);
    expect(tooMuch.status).toBe(409);
    expect(tooMuch.body).toMatchObject({ code: 409, error_code: 'order_fully_refunded' });
    expect(tooMuch.body.msg.length).toBeGreaterThan(3);

    const refunds = await h.call('queryRefund', { out_trade_no: 'API1' });
    expect(refunds.body.code).toBe(0);
    expect(refunds.body.refunds.map((r: { refund_fee: number }) => r.refund_fee)).toEqual([300, 700]);

    const truth = await h.sandbox('/_sandbox/trades');
    const trade = truth.trades.find((t: { out_trade_no: string }) => t.out_trade_no === 'API1');
    expect(trade).toMatchObject({ captured_fen: 1000, refunded_fen: 1000 });
  });

  it('waits for an Alipay customer who types the password, then reports paid', async () => {
    const code = await h.walletCode('alipay', 'password');
    const created = await h.call('createPayment', {
      data: { out_trade_no: 'API2', total_fee: 2500, subject: 'Lunch', auth_code: code },
    });
    expect(created.body.attempt.phase).toBe('polling');
    const query = h.call('queryPayment', { out_trade_no: 'API2', await_notify: true, await_max_time: 20 });
    await h.sandbox('/_sandbox/wallet/confirm', { authCode: code });
    const result = await query;
    expect(result.body).toMatchObject({ code: 0, orderPaid: true, status: 1, user_order_success: true });
    expect(result.body.transaction_id).toMatch(/^\d+/);
  });

  it('reports insufficient funds as a definite failure and lets the order be paid with a new code', async () => {
    const poor = await h.walletCode('wxpay', 'insufficient_funds');
    const failed = await h.call('createPayment', {
      data: { out_trade_no: 'API3', total_fee: 800, subject: 'x', auth_code: poor },
    });
    expect(failed.body.attempt).toMatchObject({
      phase: 'failed',
      failure: { code: 'NOTENOUGH', reason: 'insufficient_funds' },
    });
    const good = await h.walletCode('wxpay', 'instant');
    const paid = await h.call('createPayment', {
      data: { out_trade_no: 'API3', total_fee: 800, subject: 'x', auth_code: good },
    });
    expect(paid.body.attempt).toMatchObject({ phase: 'paid', out_trade_no: 'API3_2' });
  });

  it('creates a QR order the customer pays by scanning (IoT mode)', async () => {
    const created = await h.call('createPayment', {
      needQRcode: true,
      provider: 'alipay',
      data: { out_trade_no: 'QR1', total_fee: 1500, subject: 'Massage 15 min' },
    });
    expect(created.body).toMatchObject({ code: 0, pay_type: 'native', needQRcode: true });
    expect(created.body.qrcodeImage).toMatch(/^data:image\/png;base64,/);
    await h.sandbox('/_sandbox/wallet/scan', {
      qr: created.body.orderInfo.code_url,
      behavior: 'instant',
    });
    const result = await h.call('queryPayment', {
      out_trade_no: 'QR1',
      await_notify: true,
      await_max_time: 10,
    });
    expect(result.body).toMatchObject({ code: 0, orderPaid: true, status: 1 });
  });

  it('exports the filtered orders as a CSV download, the same rows the list gives', async () => {
    const response = await fetch(`${h.server.url}/api/orders.csv?status=3`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(response.headers.get('content-disposition')).toMatch(
      /^attachment; filename="scanpay-orders-T01-\d{8}-\d{4}\.csv"$/,
    );
    const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(await response.arrayBuffer());
    expect(text.startsWith('\ufeffout_trade_no,')).toBe(true);
    const rows = parse(text.slice(1), { columns: true }) as Record<string, string>[];
    const listed = await (await fetch(`${h.server.url}/api/orders?status=3&page_size=200`)).json();
    expect(rows.map((r) => r.out_trade_no).sort()).toEqual(
      listed.value.orders.map((o: { out_trade_no: string }) => o.out_trade_no).sort(),
    );
    expect(rows.find((r) => r.out_trade_no === 'API1')).toMatchObject({
      status: 'refunded',
      total_yuan: '10.00',
      refunded_yuan: '10.00',
      net_yuan: '0.00',
      tender: 'wxpay',
    });
    const exported = await h.call('exportOrders', { status: 3 });
    expect(exported.body.value.count).toBe(rows.length);
    const bad = await fetch(`${h.server.url}/api/orders.csv?status=7`);
    expect(bad.status).toBe(400);
    expect((await bad.json()).code).toBe('validation_failed');
  });

  it('lists orders with filters and paging', async () => {
    const response = await fetch(`${h.server.url}/api/orders?status=3&page_size=10`);
    const body = await response.json();
    expect(body.value.orders.map((o: { out_trade_no: string }) => o.out_trade_no)).toContain('API1');
    expect(body.value.orders.every((o: { status: number }) => o.status === 3)).toBe(true);
  });
});

describe('validation errors', () => {
  const cases: [string, string, unknown, number, string][] = [
    [
      'a fractional amount',
      'createPayment',
      { data: { total_fee: 1.5, subject: 'x', auth_code: '134567890123456789' } },
      400,
      'validation_failed',
    ],
    [
      'a negative amount',
      'createPayment',
      { data: { total_fee: -1, subject: 'x' } },
      400,
      'validation_failed',
    ],
    [
      'an unknown field',
      'createPayment',
      { data: { total_fee: 1, subject: 'x', price: 1 } },
      400,
      'validation_failed',
    ],
    [
      'a product barcode',
      'createPayment',
      { data: { total_fee: 100, subject: 'x', auth_code: '6901234567892' } },
      400,
      'code_is_product_barcode',
    ],
    [
      'a UnionPay code',
      'createPayment',
      { data: { total_fee: 100, subject: 'x', auth_code: '6212345678901234567' } },
      400,
      'wallet_not_supported',
    ],
    [
      'an unknown merchant',
      'createPayment',
      { data: { total_fee: 100, subject: 'x', pid: 'nope', auth_code: '134567890123456780' } },
      404,
      'merchant_unknown',
    ],
    [
      // The QR display's pair marker: an API caller forging two orders that name each other would
      // have the second one paid refunded automatically, without the refund permission.
      'the QR display pair marker in custom',
      'createPayment',
      {
        needQRcode: true,
        data: { out_trade_no: 'PAIRA', total_fee: 100, subject: 'x', custom: { qr_pair: 'PAIRB' } },
      },
      400,
      'validation_failed',
    ],
    ['an unknown order', 'queryPayment', { out_trade_no: 'NOPE' }, 404, 'order_not_found'],
    [
      'await_max_time out of range',
      'queryPayment',
      { out_trade_no: 'API1', await_max_time: 99 },
      400,
      'validation_failed',
    ],
    ['an unknown operation', 'payEverything', {}, 404, 'operation_unknown'],
    ['a body that is not JSON', 'queryPayment', '{"out_trade_no":', 400, 'body_invalid'],
  ];
  for (const [what, op, body, status, code] of cases) {
    it(`refuses ${what} with ${status} ${code}`, async () => {
      const before = (await h.call('listOrders', {})).body.value.total;
      const response = await h.call(op, body);
      expect(response.status).toBe(status);
      expect(response.body.error).toMatchObject({ code });
      if (op === 'payEverything') expect(response.body).toMatchObject({ ok: false, code });
      // vk-uni-pay's operations answer flat: a non-zero numeric code, msg and the stable error_code.
      else expect(response.body).toMatchObject({ code: status, error_code: code });
      expect((response.body.msg ?? response.body.message).length).toBeGreaterThan(3);
      expect((await h.call('listOrders', {})).body.value.total).toBe(before);
    });
  }
});

describe('access token', () => {
  it('refuses to bind a non-loopback address without a token', async () => {
    await expect(startApiServer({ service: h.service, host: '0.0.0.0', port: 0 })).rejects.toMatchObject({
      code: 'access_token_required',
    });
  });

  it('refuses non-loopback clients without the token, on the API and the event stream', async () => {
    const token = 'a-long-enough-token-1234';
    const remote = await startApiServer({
      service: h.service,
      host: '127.0.0.1',
      port: 0,
      accessToken: token,
      clientAddress: () => '192.168.10.20',
    });
    try {
      const bare = await fetch(`${remote.url}/api/health`);
      expect(bare.status).toBe(401);
      const wrong = await fetch(`${remote.url}/api/health`, { headers: { authorization: 'Bearer nope' } });
      expect(wrong.status).toBe(401);
      const events = await fetch(`${remote.url}/api/events`);
      expect(events.status).toBe(401);
      const good = await fetch(`${remote.url}/api/health`, { headers: { authorization: `Bearer ${token}` } });
      expect(good.status).toBe(200);
      expect((await good.json()).ready).toBe(true);
      // The event stream takes a one-time ticket fetched with the token (never the token in the URL).
      const ticket = await fetch(`${remote.url}/api/eventsTicket`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: '{}',
      });
      const stream = await fetch(`${remote.url}/api/events?ticket=${(await ticket.json()).value.ticket}`);
      expect(stream.status).toBe(200);
      const bearer = { headers: { authorization: `Bearer ${token}` } };
      const orders = await fetch(`${remote.url}/api/orders?page_size=1`, bearer);
      expect(orders.status).toBe(200);
      expect((await fetch(`${remote.url}/api/orders.csv`, bearer)).status).toBe(200);
      await stream.body?.cancel();
    } finally {
      await remote.close();
    }
  });
});

describe('events', () => {
  it('streams attempt and order events as server-sent events', async () => {
    const controller = new AbortController();
    const response = await fetch(`${h.server.url}/api/events`, { signal: controller.signal });
    const reader = response.body!.getReader();
    const seen: string[] = [];
    const reading = (async () => {
      let buffer = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        buffer += new TextDecoder().decode(value);
        for (const frame of buffer.split('\n\n').slice(0, -1)) {
          const data = frame.split('\n').find((l) => l.startsWith('data: '));
          if (data) seen.push(JSON.parse(data.slice(6)).kind);
        }
        buffer = buffer.slice(buffer.lastIndexOf('\n\n') + 2);
        if (seen.includes('attempt') && seen.includes('order')) return;
      }
    })();
    const code = await h.walletCode('wxpay', 'instant');
    await h.call('createPayment', { data: { total_fee: 300, subject: 'x', auth_code: code } });
    await reading;
    controller.abort();
    expect(seen[0]).toBe('health');
    expect(seen).toContain('attempt');
  });
});
