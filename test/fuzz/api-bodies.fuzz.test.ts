/**
 * Fuzzing the local HTTP API's request bodies (fast-check) against the real service in-process,
 * backed by its built-in sandbox. Bodies are either arbitrary JSON / text or a valid body with one
 * field replaced, removed or added. Properties: no 5xx, every reply is the API's JSON envelope, the
 * service stays up; and a createPayment whose total_fee is not whole positive fen within the limit
 * never creates an order.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ServiceHarness, startServiceHarness } from '../service/service-harness.ts';

let h: ServiceHarness;
beforeAll(async () => {
  h = await startServiceHarness();
});
afterAll(async () => {
  await h?.close();
});

type Body = Record<string, unknown>;

/** A valid body per operation: the mutations start from these so most fuzz inputs get past the outer shape. */
const TEMPLATES: Readonly<Record<string, Body>> = {
  createPayment: { data: { total_fee: 100, subject: 'Fuzz', auth_code: '134567890123456789' } },
  queryPayment: { out_trade_no: 'FUZZ1', await_notify: false },
  refund: { out_trade_no: 'FUZZ1', refund_fee: 1, refund_desc: 'x' },
  queryRefund: { out_trade_no: 'FUZZ1' },
  closeOrder: { out_trade_no: 'FUZZ1' },
  getOrder: { out_trade_no: 'FUZZ1' },
  listOrders: { page: 1, page_size: 10 },
  beginSale: { total_fee: 100 },
  cancelSale: {},
  submitScan: { code: '134567890123456789', source: 'fuzz' },
  openShift: { cashier: 'fuzz', float_fee: 0 },
  recordCashSale: { total_fee: 100, tendered_fee: 100 },
  closeShift: { counted: { cash: 0 } },
  verifyPin: { pin: '1234' },
  updateSettings: { pin: '0000', language: 'en' },
  qrStart: { product: { name: 'Fuzz', total_fee: 100 } },
  qrCancel: {},
};
const OPERATIONS = Object.keys(TEMPLATES);

const jsonValue = fc.jsonValue({ maxDepth: 3 });
const keyOf = (body: Body) => fc.constantFrom(...Object.keys(body), 'extra', '__proto__', 'constructor');

/** One field of the body (or of createPayment's `data`) replaced, removed or added. */
function mutated(op: string): fc.Arbitrary<unknown> {
  const template = TEMPLATES[op]!;
  const target = op === 'createPayment' ? (template.data as Body) : template;
  const edit = fc.oneof(
    fc.record({ kind: fc.constant('set' as const), key: keyOf(target), value: jsonValue }),
    fc.record({ kind: fc.constant('drop' as const), key: keyOf(target) }),
  );
  return edit.map((e) => {
    const copy: Body = { ...target };
    if (e.kind === 'set')
      Object.defineProperty(copy, e.key, {
        value: e.value,
        enumerable: true,
        writable: true,
        configurable: true,
      });
    else delete copy[e.key];
    return op === 'createPayment' ? { ...template, data: copy } : copy;
  });
}

const rawText = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.constant('{"data":'),
  fc.constant('[]'),
  fc.constant('null'),
);

const request = fc.constantFrom(...OPERATIONS).chain((op) =>
  fc.record({
    op: fc.constant(op),
    body: fc.oneof(
      { weight: 3, arbitrary: mutated(op) },
      { weight: 1, arbitrary: jsonValue },
      { weight: 1, arbitrary: rawText.map((text) => ({ raw: text })) },
    ),
  }),
);

/** queryPayment may legitimately wait up to 40 s for a notification: keep the fuzz run bounded. */
function bounded(op: string, body: unknown): unknown {
  if (op === 'queryPayment' && body !== null && typeof body === 'object' && !Array.isArray(body)) {
    const b = body as Body;
    if (b.await_notify === true) return { ...b, await_notify: false };
  }
  return body;
}

async function post(op: string, body: unknown): Promise<{ status: number; text: string }> {
  const raw =
    body !== null && typeof body === 'object' && 'raw' in body ? (body as { raw: string }).raw : null;
  const response = await fetch(`${h.server.url}/api/${op}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: raw ?? JSON.stringify(bounded(op, body)),
    signal: AbortSignal.timeout(10_000),
  });
  return { status: response.status, text: await response.text() };
}

/** vk-uni-pay's operations answer flat (`code` 0 or a non-zero number + msg + error_code); the till's `{ok,…}`. */
const VK = new Set(['createPayment', 'queryPayment', 'refund', 'queryRefund', 'closeOrder']);

function expectEnvelope(status: number, text: string, op: string): void {
  expect(status).toBeLessThan(500);
  const reply = JSON.parse(text) as Record<string, unknown>;
  if (VK.has(op)) {
    expect(typeof reply.code).toBe('number');
    expect(reply.code === 0).toBe(status === 200);
    if (reply.code !== 0) {
      expect(typeof reply.error_code).toBe('string');
      expect((reply.msg as string).length).toBeGreaterThan(0);
    }
  } else if (reply.ok === true) {
    expect(status).toBe(200);
    expect(reply).toHaveProperty('value');
  } else {
    expect(reply.ok).toBe(false);
    expect(typeof reply.code).toBe('string');
    expect(typeof reply.message).toBe('string');
    expect((reply.message as string).length).toBeGreaterThan(0);
  }
}

async function orderTotal(): Promise<number> {
  const listed = await h.call('listOrders', { page: 1, page_size: 1 });
  expect(listed.body.ok).toBe(true);
  return listed.body.value.total as number;
}

describe('API request bodies under fuzzing', () => {
  it('never answer 5xx, always answer the JSON envelope, and leave the service up', async () => {
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(request, async ({ op, body }) => {
        const { status, text } = await post(op, body);
        expectEnvelope(status, text, op);
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
      }),
      { numRuns: 150, seed: 20_261_123, interruptAfterTimeLimit: 20_000 },
    );
    // The inputs reach past validation as well as fail it (a generator that only made 400s would prove little).
    expect(statuses.get(200) ?? 0).toBeGreaterThan(5);
    expect(statuses.get(400) ?? 0).toBeGreaterThan(10);
    const health = await fetch(`${h.server.url}/api/health`);
    expect(health.status).toBe(200);
    const code = await h.walletCode('wxpay', 'instant');
    const paid = await h.call('createPayment', {
      data: { total_fee: 321, subject: 'after fuzz', auth_code: code },
    });
    expect(paid.body.attempt.phase).toBe('paid');
  });

  it('a createPayment whose total_fee is not whole positive fen within the limit never creates an order', async () => {
    const badFee = fc.oneof(
      fc.double({ noNaN: true }).filter((v) => !Number.isInteger(v)),
      fc.integer({ max: 0 }),
      fc.integer({ min: 10_000_000_001, max: Number.MAX_SAFE_INTEGER }),
      fc.constantFrom(1e300, -1e300, 0.5, -1, 2 ** 53, Number.MAX_SAFE_INTEGER),
      fc.string({ maxLength: 12 }),
      fc.constantFrom(null, true, [], {}),
    );
    const before = await orderTotal();
    await fc.assert(
      fc.asyncProperty(badFee, fc.boolean(), async (fee, withCode) => {
        const code = withCode ? await h.walletCode('wxpay', 'instant') : undefined;
        const { status, text } = await post('createPayment', {
          data: { total_fee: fee, subject: 'bad fee', ...(code ? { auth_code: code } : {}) },
        });
        expectEnvelope(status, text, 'createPayment');
        expect(JSON.parse(text).code).not.toBe(0);
      }),
      { numRuns: 60, seed: 7, interruptAfterTimeLimit: 15_000 },
    );
    expect(await orderTotal()).toBe(before);
  });
});
