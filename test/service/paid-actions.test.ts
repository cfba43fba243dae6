/**
 * Paid actions from configuration (core/service/paid-actions): the signed HTTP POST and what its
 * answer means for user_order_success, the serial command against a real socat pty pair (exact
 * bytes on the wire), and the module action (a temporary ES module file).
 */

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { PaidCallbackContext } from '../../core/engine/engine-deps.ts';
import { queryPayment } from '../../core/service/api/query-payment.ts';
import type { PaidActionConfig } from '../../core/service/config/service-config.ts';
import { buildPaidCallbacks, signPayload } from '../../core/service/paid-actions/paid-actions.ts';
import { createHarness, settle, wxCode } from '../engine/harness.ts';

const SECRET = 'paid-action-secret-0123456789';

const context: PaidCallbackContext = {
  out_trade_no: 'O1',
  paid_out_trade_no: 'O1_1',
  transaction_id: '4200000001',
  total_fee: 1234,
  type: 'massage',
  custom: { seat: 3 },
  pid: 'm1',
  wallet: 'wxpay',
  source: 'query',
};

interface Received {
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/** A receiver that answers each POST with the next scripted reply. */
let receiver: Server;
let receiverUrl: string;
const received: Received[] = [];
let reply: { status: number; body: string } = { status: 200, body: '{"ok":true}' };

beforeAll(async () => {
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(reply.status, { 'content-type': 'application/json' });
      res.end(reply.body);
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/paid`;
});
afterAll(() => new Promise<void>((resolve) => receiver.close(() => resolve())));
beforeEach(() => {
  received.length = 0;
  reply = { status: 200, body: '{"ok":true}' };
});

const http = (): PaidActionConfig => ({ kind: 'http', url: receiverUrl, secret: SECRET, timeout_ms: 2000 });

describe('http paid action', () => {
  it('POSTs the context signed with HMAC-SHA256 over timestamp.body, keyed by out_trade_no', async () => {
    const callbacks = buildPaidCallbacks({ '*': [http()] }, tmpdir());
    expect(await callbacks['*']!(context)).toBe(true);
    expect(received).toHaveLength(1);
    const { headers, body } = received[0]!;
    expect(JSON.parse(body)).toEqual(context);
    expect(headers['idempotency-key']).toBe('O1');
    const timestamp = String(headers['x-scanpay-timestamp']);
    expect(timestamp).toMatch(/^\d{10}$/);
    expect(headers['x-scanpay-signature']).toBe(`v1=${signPayload(SECRET, timestamp, body)}`);
    expect(JSON.stringify(headers)).not.toContain(SECRET);
  });

  it.each([
    ['{"ok":false}', false],
    ['{"ok":true}', true],
    ['{}', true],
    ['accepted', true],
  ])('an answer %s gives %s', async (body, expected) => {
    reply = { status: 200, body };
    const callbacks = buildPaidCallbacks({ '*': [http()] }, tmpdir());
    expect(await callbacks['*']!(context)).toBe(expected);
  });

  it('an HTTP 500 answer throws (so the engine retries), naming the status', async () => {
    reply = { status: 500, body: '{"ok":true}' };
    const callbacks = buildPaidCallbacks({ '*': [http()] }, tmpdir());
    await expect(callbacks['*']!(context)).rejects.toThrow('paid action POST answered HTTP 500');
  });

  it('{"ok":false} reaches the order as user_order_success false, run once', async () => {
    reply = { status: 200, body: '{"ok":false}' };
    const observed: boolean[] = [];
    const h = createHarness({
      callbacks: buildPaidCallbacks({ '*': [http()] }, tmpdir(), { observe: (_c, ok) => observed.push(ok) }),
    });
    try {
      const attempt = await h.engine.pay({ total_fee: 1234, subject: 'Tea', auth_code: wxCode() });
      await settle(h);
      expect(received).toHaveLength(1);
      expect(observed).toEqual([false]);
      expect(h.engine.orderView(attempt.orderNo)!.callback).toMatchObject({
        state: 'done',
        user_order_success: false,
        runs: 1,
      });
      const query = await queryPayment(h.engine, { out_trade_no: attempt.orderNo });
      expect(query).toMatchObject({ orderPaid: true, user_order_success: false });
    } finally {
      h.dispose();
    }
  });

  it('the order type picks its own actions, others fall back to "*"', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'scanpay-paid-'));
    try {
      writeFileSync(join(dir, 'no.mjs'), 'export default () => false;\n');
      const callbacks = buildPaidCallbacks(
        { massage: [{ kind: 'module', path: 'no.mjs' }], '*': [http()] },
        dir,
      );
      expect(await callbacks.massage!(context)).toBe(false);
      expect(received).toHaveLength(0);
      expect(await callbacks['*']!({ ...context, type: 'goods' })).toBe(true);
      expect(received).toHaveLength(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('every action runs; one false makes the result false', async () => {
    reply = { status: 200, body: '{"ok":false}' };
    const dir = mkdtempSync(join(tmpdir(), 'scanpay-paid-'));
    try {
      writeFileSync(join(dir, 'yes.mjs'), 'export default () => true;\n');
      const callbacks = buildPaidCallbacks({ '*': [http(), { kind: 'module', path: 'yes.mjs' }] }, dir);
      expect(await callbacks['*']!(context)).toBe(false);
      expect(received).toHaveLength(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('module paid action', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'scanpay-paid-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('imports the module relative to the data dir and passes it the context', async () => {
    const out = join(dir, 'seen.json');
    writeFileSync(
      join(dir, 'action.mjs'),
      `import { writeFileSync } from 'node:fs';
export default async (context) => { writeFileSync(${JSON.stringify(out)}, JSON.stringify(context)); return true; };
`,
    );
    const callbacks = buildPaidCallbacks({ '*': [{ kind: 'module', path: 'action.mjs' }] }, dir);
    expect(await callbacks['*']!(context)).toBe(true);
    expect(JSON.parse(readFileSync(out, 'utf8'))).toEqual(context);
  });

  it('an absolute path is used as is; false and a resolved false mean not fulfilled, other values fulfilled', async () => {
    writeFileSync(join(dir, 'false.mjs'), 'export default async () => false;\n');
    writeFileSync(join(dir, 'undefined.mjs'), 'export default () => undefined;\n');
    const run = (path: string) =>
      buildPaidCallbacks({ '*': [{ kind: 'module', path }] }, '/nonexistent')['*']!(context);
    expect(await run(join(dir, 'false.mjs'))).toBe(false);
    expect(await run(join(dir, 'undefined.mjs'))).toBe(true);
  });

  it('a module without a default function, or one that throws, rejects (the engine retries)', async () => {
    writeFileSync(join(dir, 'none.mjs'), 'export const x = 1;\n');
    writeFileSync(join(dir, 'throws.mjs'), "export default () => { throw new Error('relay stuck'); };\n");
    const run = (path: string) => buildPaidCallbacks({ '*': [{ kind: 'module', path }] }, dir)['*']!(context);
    await expect(run('none.mjs')).rejects.toThrow('none.mjs has no default export function');
    await expect(run('throws.mjs')).rejects.toThrow('relay stuck');
  });
});
