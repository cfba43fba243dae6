/**
 * End to end with the sandbox: the QR display is cancelled (closeOrder), so the engine waits for
 * WeChat's 5 minutes to close the order; the customer, who had already scanned, pays anyway and the
 * sandbox sends WeChat's signed notification to the service. A close cannot undo a payment, so the
 * notification books it at once: the sandbox holds the money, the order says paid, and the log says
 * "notify booked" for a booked payment (test/engine/notify-during-reversal.test.ts covers the
 * micropay reversal side).
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ServiceHarness, startServiceHarness } from './service-harness.ts';

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function logLines(h: ServiceHarness): Record<string, unknown>[] {
  return readFileSync(join(h.dataDir, 'logs', 'scanpay.log'), 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('a paid WeChat notification while the QR order waits for its close', () => {
  let h: ServiceHarness;
  beforeAll(async () => {
    const port = await freePort();
    h = await startServiceHarness({
      port,
      config: {
        public_url: `http://127.0.0.1:${port}/`,
        merchants: [{ pid: 'chair', gateways: [{ provider: 'wxpay', sandbox: true }] }],
      },
    });
  });
  afterAll(() => h?.close());

  it('books the payment at once; money, journal and log agree', async () => {
    const created = await h.call('createPayment', {
      needQRcode: true,
      provider: 'wxpay',
      data: { out_trade_no: 'NWC1', total_fee: 800, subject: 'Massage 8 min', pid: 'chair' },
    });
    expect(created.status).toBe(200);
    const closed = await h.call('closeOrder', { out_trade_no: 'NWC1' });
    expect(closed.status).toBe(200);
    const before = await h.call('getOrder', { out_trade_no: 'NWC1' });
    expect(before.body.value.attempts.at(-1).phase).toBe('closing');

    await h.sandbox('/_sandbox/wallet/scan', { qr: created.body.orderInfo.code_url, behavior: 'instant' });
    const paid = await h.call('queryPayment', {
      out_trade_no: 'NWC1',
      await_notify: true,
      await_max_time: 10,
    });

    expect(paid.body).toMatchObject({ orderPaid: true, status: 1 });
    const order = await h.call('getOrder', { out_trade_no: 'NWC1' });
    expect(order.body.value.attempts.at(-1).phase).toBe('paid');
    expect(order.body.value.callback).toMatchObject({ source: 'notify' });
    const { trades } = (await h.sandbox('/_sandbox/trades')) as {
      trades: { out_trade_no: string; state: string; captured_fen: number }[];
    };
    expect(trades.find((t) => t.out_trade_no === 'NWC1')).toMatchObject({ state: 'paid', captured_fen: 800 });
    const notifyLines = logLines(h).filter((l) => String(l.msg ?? l.message).startsWith('notify'));
    expect(notifyLines.at(-1)).toMatchObject({ out_trade_no: 'NWC1', phase: 'paid' });
    expect(String(notifyLines.at(-1)!.msg ?? notifyLines.at(-1)!.message)).toBe('notify booked');
  });
});
