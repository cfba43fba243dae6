/**
 * Findings 7–10 of the security review: CSV formula injection through a line break, a refund number
 * journaled before it was validated, the supervisor PIN, and the transport / input edge cases.
 * Each test was red before its fix.
 */
import { spawnSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OrderView } from '../../core/common/contract/views.ts';
import { CONSOLE_CALLER } from '../../core/service/api/access-policy.ts';
import { startApiServer } from '../../core/service/http/api-server.ts';
import { ordersToCsv } from '../../core/service/orders-csv.ts';
import { type ServiceHarness, startServiceHarness } from '../service/service-harness.ts';
import { postJson, raw } from './local-api-helpers.ts';

const TOKEN = 'lan-token-0123456789abcdef';

let h: ServiceHarness;
beforeAll(async () => {
  h = await startServiceHarness({ config: { server: { access_token: TOKEN } }, accessToken: TOKEN });
});
afterAll(async () => {
  await h?.close();
});

const errorCode = (reply: { json: { error?: { code?: string } } }) => reply.json?.error?.code;
const asConsole = (name: string, request: unknown) => h.service.invoke(CONSOLE_CALLER, name, request);

async function paidOrder(outTradeNo: string, fee = 500): Promise<void> {
  const code = await h.walletCode('wxpay', 'instant');
  const created = await postJson(h.server.url, 'createPayment', {
    data: { out_trade_no: outTradeNo, total_fee: fee, subject: 'Tea', auth_code: code },
  });
  expect(created.status).toBe(200);
}

describe('finding 7: a note with a bare CR or LF cannot start a formula row in a spreadsheet', () => {
  const order = (note: string): OrderView =>
    ({
      out_trade_no: 'T01X',
      created_at: 0,
      paid_at: null,
      status: 0,
      tender: null,
      provider: null,
      total_fee: 100,
      refunded_fee: 0,
      transaction_id: null,
      paid_out_trade_no: null,
      pid: 'sandbox',
      type: 'goods',
      subject: 'x',
      note,
      cashier: null,
      shift_id: null,
    }) as unknown as OrderView;

  for (const [what, note] of [
    ['a bare CR', 'tea\r=HYPERLINK("http://evil.example","x")'],
    ['a bare LF', 'tea\n=1+1'],
    ['CRLF then @', 'tea\r\n@SUM(A1)'],
  ] as const) {
    it(`quotes the field and escapes the formula after ${what}`, () => {
      const csv = ordersToCsv([order(note)]);
      const rows = parse(csv.slice(1), { columns: true, relax_column_count: false }) as Record<
        string,
        string
      >[];
      expect(rows).toHaveLength(1);
      const cell = rows[0]!.note!;
      for (const line of cell.split(/\r\n|\r|\n/)) expect(line).not.toMatch(/^[=+\-@\t\r]/);
      expect(csv).toContain('"tea');
    });
  }
});

describe('finding 8: a refund number is validated before anything is journaled', () => {
  it('refuses "bad refund no!" with 400 and leaves no pending refund behind', async () => {
    await paidOrder('SEC8');
    const refund = await postJson(
      h.server.url,
      'refund',
      { out_trade_no: 'SEC8', out_refund_no: 'bad refund no!' },
      { authorization: `Bearer ${TOKEN}` },
    );
    expect(refund.status).toBe(400);
    expect(errorCode(refund)).toBe('validation_failed');
    const detail = await asConsole('getOrder', { out_trade_no: 'SEC8' });
    expect(detail).toMatchObject({ ok: true });
    expect((detail as { value: { refunds: unknown[] } }).value.refunds).toEqual([]);
  });
});

describe('finding 8: every provider-bound field is checked before anything is journaled', () => {
  it('refuses a subject longer than WeChat Pay’s 128 bytes (50 Chinese characters) with 400 and no order', async () => {
    const before = (await asConsole('listOrders', {})) as { value: { total: number } };
    const code = await h.walletCode('wxpay', 'instant');
    const reply = await postJson(h.server.url, 'createPayment', {
      data: { out_trade_no: 'SEC8B', total_fee: 100, subject: '茶'.repeat(50), auth_code: code },
    });
    expect(reply.status).toBe(400);
    expect(errorCode(reply)).toBe('validation_failed');
    expect(reply.json.msg).toMatch(/subject/);
    const after = (await asConsole('listOrders', {})) as { value: { total: number } };
    expect(after.value.total).toBe(before.value.total);
  });
});

describe('finding 8: a long till note still makes a subject the provider accepts', () => {
  it('keeps the note whole; the subject is the shop, never the note, within 128 bytes', async () => {
    const note = '特价茶叶礼盒'.repeat(20);
    const sale = await asConsole('beginSale', { total_fee: 100, note });
    expect(sale.ok).toBe(true);
    const order = (sale as { value: { order: { subject: string; note: string } } }).value.order;
    expect(order.note).toBe(note);
    expect(new TextEncoder().encode(order.subject).length).toBeLessThanOrEqual(128);
    // The cashier's note never reaches the customer's bill (issue 16): the sandbox merchant's name does.
    expect(order.subject).toBe('Sandbox store');
    await asConsole('cancelSale', {});
  });
});

describe('finding 9: the supervisor PIN', () => {
  it('while the default 0000 is set, a supervisor action asks for a new PIN first', async () => {
    await paidOrder('SEC9');
    const refund = await asConsole('refund', { out_trade_no: 'SEC9', pin: '0000' });
    expect(refund).toMatchObject({ ok: false, error: { code: 'pin_change_required' } });
    const settings = await asConsole('updateSettings', { pin: '0000', kiosk: true });
    expect(settings).toMatchObject({ ok: false, error: { code: 'pin_change_required' } });
  });

  it('refuses a new PIN shorter than 6 digits, and takes 6+ digits or a passphrase', async () => {
    const short = await asConsole('updateSettings', { pin: '0000', new_pin: '1234' });
    expect(short).toMatchObject({ ok: false, error: { code: 'validation_failed' } });
    const weakPhrase = await asConsole('updateSettings', { pin: '0000', new_pin: 'abc' });
    expect(weakPhrase).toMatchObject({ ok: false, error: { code: 'validation_failed' } });
    const good = await asConsole('updateSettings', { pin: '0000', new_pin: '24681357' });
    expect(good).toMatchObject({ ok: true, value: { pin_set: true } });
    const refund = await asConsole('refund', { out_trade_no: 'SEC9', refund_fee: 100, pin: '24681357' });
    expect(refund).toMatchObject({ ok: true });
  });

  it('slows a client that keeps guessing, without locking out the console', async () => {
    const headers = { authorization: `Bearer ${TOKEN}` };
    const remote = await startApiServer({
      service: h.service,
      host: '127.0.0.1',
      port: 0,
      accessToken: TOKEN,
      clientAddress: () => '192.168.10.20',
    });
    try {
      const codes: string[] = [];
      for (let i = 0; i < 8; i++) {
        const guess = await postJson(remote.url, 'verifyPin', { pin: `1000000${i}` }, headers);
        codes.push(errorCode(guess) ?? String(guess.json?.value?.ok));
      }
      // After a few wrong tries the client must wait, and while it waits even the right PIN is not checked.
      expect(codes).toContain('pin_retry_later');
      const right = await postJson(remote.url, 'verifyPin', { pin: '24681357' }, headers);
      expect(errorCode(right)).toBe('pin_retry_later');
      expect(right.status).toBe(429);
      expect(right.json.error.details.retry_after_ms).toBeGreaterThan(0);
      // The cashier at the terminal is another client: not locked out by the guesser.
      const console = await asConsole('verifyPin', { pin: '24681357' });
      expect(console).toEqual({ ok: true, value: { ok: true } });
    } finally {
      await remote.close();
    }
  });
});

describe('finding 10: transport and input edge cases', () => {
  const remote = async () =>
    startApiServer({
      service: h.service,
      host: '127.0.0.1',
      port: 0,
      accessToken: TOKEN,
      clientAddress: () => '192.168.10.20',
    });

  it('does not take the LAN token from the URL; the event stream takes a short-lived ticket', async () => {
    const server = await remote();
    try {
      expect((await raw(server.url, 'GET', `/api/orders?token=${TOKEN}`)).status).toBe(401);
      expect((await raw(server.url, 'GET', `/api/events?token=${TOKEN}`)).status).toBe(401);
      const ticket = await postJson(server.url, 'eventsTicket', {}, { authorization: `Bearer ${TOKEN}` });
      expect(ticket.status).toBe(200);
      const value = ticket.json.value as { ticket: string; expires_in_ms: number };
      expect(value.expires_in_ms).toBeLessThanOrEqual(60_000);
      const stream = await raw(server.url, 'GET', `/api/events?ticket=${value.ticket}`);
      expect(stream.status).toBe(200);
      expect(stream.text).toContain('"kind":"health"');
      // A ticket is good for one stream only.
      expect((await raw(server.url, 'GET', `/api/events?ticket=${value.ticket}`)).status).toBe(401);
    } finally {
      await server.close();
    }
  });

  it('refuses a merchant order number that looks like an attempt number (X_2)', async () => {
    const code = await h.walletCode('wxpay', 'instant');
    const reply = await postJson(h.server.url, 'createPayment', {
      data: { out_trade_no: 'SEC10_2', total_fee: 100, subject: 'x', auth_code: code },
    });
    expect(reply.status).toBe(400);
    expect(errorCode(reply)).toBe('validation_failed');
    expect(reply.json.msg ?? reply.json.message).toMatch(/out_trade_no/);
  });

  it('refuses notify_url in data.other: signed notifications cannot be redirected', async () => {
    const code = await h.walletCode('wxpay', 'instant');
    const reply = await postJson(h.server.url, 'createPayment', {
      data: {
        out_trade_no: 'SEC10N',
        total_fee: 100,
        subject: 'x',
        auth_code: code,
        other: { notify_url: 'http://evil.example/n' },
      },
    });
    expect(reply.status).toBe(400);
    expect(errorCode(reply)).toBe('validation_failed');
  });

  // Keys that would send, split, hold or re-denominate the money (Alipay seller_id/royalty_info/
  // settle_info/sub_merchant, WeChat profit_sharing/fee_type, …) or name another account: an
  // integrator's pass-through must not decide where a customer's payment goes.
  for (const key of [
    'seller_id',
    'royalty_info',
    'settle_info',
    'sub_merchant',
    'profit_sharing',
    'fee_type',
    'trans_currency',
    'sub_mch_id',
    'app_auth_token',
  ]) {
    it(`refuses ${key} in data.other: the pass-through cannot route or split money`, async () => {
      const code = await h.walletCode('alipay', 'instant');
      const reply = await postJson(h.server.url, 'createPayment', {
        data: {
          out_trade_no: `SEC11${key.length}`,
          total_fee: 100,
          subject: 'x',
          auth_code: code,
          other: { [key]: '2088000000000001' },
        },
      });
      expect(reply.status).toBe(400);
      expect(errorCode(reply)).toBe('validation_failed');
      expect(JSON.stringify(reply.json)).toContain(key);
    });
  }

  it('still passes through keys that only describe the sale (store_id, operator_id, goods_tag)', async () => {
    const code = await h.walletCode('alipay', 'instant');
    const reply = await postJson(h.server.url, 'createPayment', {
      data: {
        out_trade_no: 'SEC12OK',
        total_fee: 100,
        subject: 'x',
        auth_code: code,
        other: { store_id: 'S01', operator_id: 'amy', goods_tag: 'tea' },
      },
    });
    expect(reply.status).toBe(200);
  });

  it('answers 413 to a body over 64 KB instead of dropping the connection', async () => {
    const reply = await raw(
      h.server.url,
      'POST',
      '/api/getSale',
      { 'content-type': 'application/json' },
      Buffer.alloc(200 * 1024, 0x20),
    );
    expect(reply.status).toBe(413);
    expect(errorCode(reply)).toBe('body_too_large');
  });

  it('answers 400 to bad percent-encoding in a path', async () => {
    for (const path of ['/%', '/assets/%E0%A4%A']) {
      const reply = await raw(h.server.url, 'GET', path);
      expect(reply.status, path).toBe(400);
      expect(errorCode(reply)).toBe('path_invalid');
    }
  });

  it('logs an internal error without its secrets and answers a generic 500', async () => {
    const failing = await startApiServer({
      service: {
        ...h.service,
        invoke: async () => {
          throw new Error(`disk failure near ${TOKEN}`);
        },
      },
      host: '127.0.0.1',
      port: 0,
    });
    try {
      const reply = await postJson(failing.url, 'getSale', {});
      expect(reply.status).toBe(500);
      expect(errorCode(reply)).toBe('internal_error');
      expect(reply.text).not.toContain('disk failure');
    } finally {
      await failing.close();
    }
    const log = readFileSync(join(h.dataDir, 'logs', 'scanpay.log'), 'utf8');
    expect(log).toContain('disk failure');
    expect(log).not.toContain(TOKEN);
  });

  it('serves HTTPS with the configured certificate and shows its SHA-256 on health for pinning', async () => {
    const keys = join(process.cwd(), 'core', 'sandbox', 'keys');
    const cert = readFileSync(join(keys, 'server-cert.pem'), 'utf8');
    const server = await startApiServer({
      service: h.service,
      host: '127.0.0.1',
      port: 0,
      tls: { cert, key: readFileSync(join(keys, 'server-key.pem'), 'utf8') },
    });
    try {
      expect(server.url).toMatch(/^https:\/\//);
      const { port } = new URL(server.url);
      const health = await new Promise<{ status: number; body: { tls_sha256?: string; ready?: boolean } }>(
        (resolve, reject) => {
          const req = httpsRequest(
            { host: '127.0.0.1', port, path: '/api/health', ca: readFileSync(join(keys, 'ca-cert.pem')) },
            (res) => {
              let text = '';
              res.on('data', (c: Buffer) => {
                text += c.toString();
              });
              res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
            },
          );
          req.on('error', reject);
          req.end();
        },
      );
      expect(health.status).toBe(200);
      expect(health.body.ready).toBe(true);
      expect(health.body.tls_sha256).toBe(new X509Certificate(cert).fingerprint256);
      expect(server.tlsFingerprint).toBe(health.body.tls_sha256);
      // The UI reads health through the health operation: it carries the fingerprint too.
      const viaOperation = await new Promise<{ value?: { tls_sha256?: string } }>((resolve, reject) => {
        const req = httpsRequest(
          {
            host: '127.0.0.1',
            port,
            path: '/api/health',
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            ca: readFileSync(join(keys, 'ca-cert.pem')),
          },
          (res) => {
            let text = '';
            res.on('data', (c: Buffer) => {
              text += c.toString();
            });
            res.on('end', () => resolve(JSON.parse(text)));
          },
        );
        req.on('error', reject);
        req.end('{}');
      });
      expect(viaOperation.value?.tls_sha256).toBe(health.body.tls_sha256);
    } finally {
      await server.close();
    }
  });

  it('exits with a clear message and code 2 when the port is taken, with no crash', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'scanpay-bind-'));
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = taken.address() as { port: number };
      const run = spawnSync(
        process.execPath,
        ['bin/scanpay.js', 'serve', '--port', String(port), '--data', dataDir],
        { encoding: 'utf8', timeout: 60_000 },
      );
      expect(run.stderr).toContain(`cannot listen on 127.0.0.1:${port}: EADDRINUSE`);
      expect(run.stderr).not.toMatch(/\n\s+at /);
      expect(JSON.parse(run.stdout.trim().split('\n')[0]!)).toMatchObject({
        ok: false,
        error: { code: 'listen_failed' },
      });
      expect(run.status).toBe(2);
    } finally {
      await new Promise<void>((resolve) => taken.close(() => resolve()));
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('exits with a clear message and code 2 after refusing to bind, with no crash', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'scanpay-bind-'));
    try {
      const run = spawnSync(
        process.execPath,
        ['bin/scanpay.js', 'serve', '--host', '0.0.0.0', '--port', '0', '--data', dataDir],
        { encoding: 'utf8', timeout: 60_000 },
      );
      expect(run.stderr).toContain('access_token');
      expect(run.stderr).not.toMatch(/\n\s+at /);
      expect(run.status).toBe(2);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
