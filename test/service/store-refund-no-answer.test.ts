/**
 * storeRefund tells "nothing was asked" (the hub could not be reached) from "asked, no answer" (the
 * connection was cut after the request went out, or a 5xx / unreadable answer came back): only the
 * first may be asked afresh; the second may have been taken and is repeated with the same request_id.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { hubRefundOperations } from '../../core/service/api/hub-refunds.ts';
import type { ServiceConfig } from '../../core/service/config/service-config.ts';

let server: Server | null = null;
afterEach(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = null;
});

async function hubThat(answer: (res: import('node:http').ServerResponse) => void): Promise<string> {
  server = createServer((req, res) => {
    req.resume();
    req.on('end', () => answer(res));
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const ask = { terminal_id: 'T8', order_no: 'T8X1', refund_fee: 500, request_id: 'ui-0123456789abcdef' };

async function codeOf(url: string): Promise<string> {
  const config = { terminal_id: 'T9', hub: { url, token: 'spt_x' } } as unknown as ServiceConfig;
  try {
    await hubRefundOperations(config).storeRefund(ask);
  } catch (error) {
    return (error as { code: string }).code;
  }
  return 'answered';
}

describe('a store refund the hub did not answer', () => {
  it('a hub that cannot be reached: nothing was asked', async () => {
    const url = await hubThat((res) => res.end());
    await new Promise<void>((resolve) => server!.close(() => resolve()));
    server = null;
    expect(await codeOf(url)).toBe('hub_unreachable');
  });

  it('the connection cut after the ask went out: it may have been taken', async () => {
    expect(await codeOf(await hubThat((res) => res.socket?.destroy()))).toBe('hub_no_answer');
  });

  it.each([502, 504, 500])('HTTP %i: it may have been taken', async (status) => {
    expect(await codeOf(await hubThat((res) => res.writeHead(status).end('{}')))).toBe('hub_no_answer');
  });

  it('a 200 without a readable refund: it may have been taken', async () => {
    expect(await codeOf(await hubThat((res) => res.writeHead(200).end('<html>')))).toBe('hub_no_answer');
  });

  it('a refusal is final', async () => {
    const refused = (res: import('node:http').ServerResponse) =>
      res.writeHead(409).end(JSON.stringify({ ok: false, error: { message: 'at most 0 fen' } }));
    expect(await codeOf(await hubThat(refused))).toBe('hub_refund_refused');
  });
});
