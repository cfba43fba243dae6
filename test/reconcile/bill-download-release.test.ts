/**
 * A bill the reader gives up on (an unreadable row) must release its download. Otherwise the
 * response body stays open behind node:readline, and when it later fails (the download deadline
 * aborts it, the connection is reset) readline re-emits that error on an interface nobody listens
 * to: an uncaught 'error' event that ends the whole service, payments in flight included.
 */
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { parseWxpayConfig } from '../../core/gateways/wxpay/index.ts';
import { createWxpayBillSource } from '../../core/gateways/wxpay/wxpay-bill-source.ts';

const wxConfig = parseWxpayConfig({
  provider: 'wxpay',
  appid: 'wx2421b1c4370ec43b',
  mch_id: '10000100',
  key: '192006250b4c09247ec02edce69f6a2d',
  base_url: 'http://bills.invalid',
  cert_path: new URL('../../core/sandbox/keys/wxpay-client-cert.pem', import.meta.url).pathname,
  key_path: new URL('../../core/sandbox/keys/wxpay-client-key.pem', import.meta.url).pathname,
});
const NOV_2014 = { now: () => Date.UTC(2014, 10, 11, 4), sleep: async () => {} };
const header = readFileSync(
  new URL('../fixtures/providers/wxpay/bills/downloadbill-all.official.txt', import.meta.url),
  'utf8',
).split(/\r?\n/)[0]!;

/** A response body that sends `first` and then stays open, as a long download does. */
function openBody(first: Uint8Array) {
  const state = { cancelled: false, controller: null as ReadableStreamDefaultController | null };
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      state.controller = controller;
      controller.enqueue(first);
    },
    cancel() {
      state.cancelled = true;
    },
  });
  return { body, state };
}

async function readUntilUnreadable(first: Uint8Array) {
  const { body, state } = openBody(first);
  const source = createWxpayBillSource(wxConfig, {
    fetch: (async () => new Response(body, { status: 200 })) as typeof fetch,
    clock: NOV_2014,
  });
  const bill = await source.fetchBill('2014-11-10');
  if (bill.kind !== 'bill') throw new Error(bill.kind);
  const reading = (async () => {
    for await (const _ of bill.rows) {
      // drain
    }
  })();
  await expect(reading).rejects.toThrow(/no 商户订单号/);
  return state;
}

describe('a bill given up on mid-download', () => {
  it('plain text: the download is cancelled, so a later failure of it cannot reach readline', async () => {
    const state = await readUntilUnreadable(new TextEncoder().encode(`${header}\r\n\`garbage\r\n`));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(state.cancelled).toBe(true);
    // The connection failing now reaches nobody (before the fix: an uncaught 'error' event).
    state.controller?.error(new Error('connection reset'));
    await new Promise((resolve) => setTimeout(resolve, 20));
  });

  it('gzip: the download is cancelled too', async () => {
    const text = `${header}\r\n\`garbage\r\n${'`x,`y\r\n'.repeat(20_000)}`;
    const gz = gzipSync(text);
    // Only the start of the archive arrives; the rest would come later.
    const state = await readUntilUnreadable(new Uint8Array(gz.subarray(0, 2048)));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(state.cancelled).toBe(true);
  });
});
