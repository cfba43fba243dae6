/**
 * Refund requests the hub hands a till travel over a link someone on the store LAN may sit in (a
 * plain http:// hub address). Here a proxy between the till and the real hub (PostgreSQL) first
 * changes the amount of the owner's refund in transit, then injects a forged request for another
 * paid sale: the till refunds neither (the sandbox's ledger and the till's journal show no money
 * moved), reports each to the hub, and the owner sees them; the owner's genuine request stays open
 * and is made once, for its own amount, as soon as it arrives unaltered. A hub without a key to
 * sign with takes no refund request at all.
 */
import { generateKeyPairSync } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningHub, startHub } from '../../core/hub/hub-server.ts';
import { signRefundOrder } from '../../core/hub/refund-signature.ts';
import { enrolTerminal } from '../../core/hub/terminal-tokens.ts';
import { type ServiceHarness, startServiceHarness } from '../service/service-harness.ts';
import { eventually, getJson, postJson } from './hub-processes.ts';
import { type PgCluster, startPgCluster } from './pg-cluster.ts';

const ADMIN = 'admin-token-for-the-signed-refunds';
const hubKeys = generateKeyPairSync('ed25519');
const attackerKeys = generateKeyPairSync('ed25519');
const publicPem = hubKeys.publicKey.export({ type: 'spki', format: 'pem' }).toString();
let cluster: PgCluster;
let databaseUrl: string;
let hub: RunningHub;
let proxy: Server;
let till: ServiceHarness;

type Tamper = 'none' | 'amount' | 'inject';
let tamper: Tamper = 'none';

/** What a man in the middle does to the hub's answers to the till's ingest. */
function tampered(answer: { refund_requests?: Record<string, unknown>[] }): unknown {
  if (tamper === 'amount')
    return { ...answer, refund_requests: answer.refund_requests?.map((r) => ({ ...r, refund_fee: 900 })) };
  if (tamper === 'inject') {
    const forged = signRefundOrder(
      {
        terminal_id: 'T8',
        request_id: 'forged-0001',
        order_no: 'P2',
        out_refund_no: 'P2H999',
        refund_fee: 800,
        reason: null,
      },
      attackerKeys.privateKey,
      Date.now(),
    );
    return { ...answer, refund_requests: [...(answer.refund_requests ?? []), forged] };
  }
  return answer;
}

async function startTamperingProxy(target: string): Promise<Server> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      try {
        const headers: Record<string, string> = {};
        for (const name of ['authorization', 'content-type'])
          if (typeof req.headers[name] === 'string') headers[name] = req.headers[name] as string;
        const upstream = await fetch(`${target}${req.url}`, {
          method: req.method ?? 'GET',
          headers,
          ...(req.method === 'POST' ? { body: Buffer.concat(chunks) } : {}),
        });
        let text = await upstream.text();
        if (req.url === '/api/ingest' && upstream.ok) text = JSON.stringify(tampered(JSON.parse(text)));
        res.writeHead(upstream.status, { 'content-type': 'application/json' }).end(text);
      } catch {
        res.writeHead(502).end();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

beforeAll(async () => {
  cluster = await startPgCluster();
  databaseUrl = await cluster.createDatabase('hub_signed_refunds');
  hub = await startHub({
    databaseUrl,
    adminToken: ADMIN,
    host: '127.0.0.1',
    port: 0,
    poolMax: 4,
    configKey: hubKeys.privateKey,
  });
  proxy = await startTamperingProxy(hub.url);
  const token = await enrolTerminal(hub.pool, 'T8', Date.now());
  const { port } = proxy.address() as AddressInfo;
  till = await startServiceHarness({
    config: {
      terminal_id: 'T8',
      hub: { url: `http://127.0.0.1:${port}`, token, config_public_key: publicPem, heartbeat_ms: 1000 },
    },
  });
});
afterAll(async () => {
  await till?.close();
  await new Promise((resolve) => proxy?.close(resolve));
  await hub?.close();
  await cluster?.stop();
});

async function sell(orderNo: string, fen: number): Promise<void> {
  const code = await till.walletCode('wxpay', 'instant');
  const paid = await till.call('createPayment', {
    data: { out_trade_no: orderNo, total_fee: fen, subject: 'tea', auth_code: code },
  });
  expect(paid.body).toMatchObject({ code: 0, attempt: { phase: 'paid' } });
  await eventually(`${orderNo} at the hub`, async () => {
    const { body } = await getJson(`${hub.url}/api/orders?terminal=T8&status=1`, ADMIN);
    return body.orders.some((o: { order_no: string }) => o.order_no === orderNo) ? true : undefined;
  });
}

/** What the providers (the sandbox's ledger) refunded on an order. */
async function refundedAtProvider(orderNo: string): Promise<number> {
  const { trades } = (await till.sandbox('/_sandbox/trades')) as {
    trades: { out_trade_no: string; refunded_fen: number }[];
  };
  return trades.filter((t) => t.out_trade_no.startsWith(orderNo)).reduce((sum, t) => sum + t.refunded_fen, 0);
}

async function rejections(): Promise<{ out_refund_no: string; refund_fee: number | null; reason: string }[]> {
  const { body } = await getJson(`${hub.url}/api/refund-rejections`, ADMIN);
  return body.rejections ?? [];
}

describe('refund requests signed by the hub', () => {
  it('an amount changed in transit and a forged request move no money; the genuine request is made once', async () => {
    await sell('P1', 1000);
    await sell('P2', 800);

    tamper = 'amount';
    const asked = await postJson(
      `${hub.url}/api/refunds`,
      {
        request_id: 'owner-sig-0001',
        terminal_id: 'T8',
        order_no: 'P1',
        refund_fee: 100,
        requested_by: 'owner',
      },
      ADMIN,
    );
    expect(asked.status).toBe(200);
    const outRefundNo = asked.body.refund.out_refund_no as string;
    const altered = await eventually('the altered request reported', async () =>
      (await rejections()).find((r) => r.out_refund_no === outRefundNo),
    );
    expect(altered).toMatchObject({ refund_fee: 900, reason: 'signature_mismatch', terminal_id: 'T8' });
    expect(await refundedAtProvider('P1')).toBe(0);
    expect((await till.call('queryRefund', { out_trade_no: 'P1' })).body).toMatchObject({
      refunds: [],
      refunded_fee: 0,
    });
    // The owner's request is not closed by what an attacker did to it.
    const { body: open } = await getJson(`${hub.url}/api/refunds`, ADMIN);
    expect(open.refunds.find((r: { out_refund_no: string }) => r.out_refund_no === outRefundNo).state).toBe(
      'requested',
    );

    tamper = 'inject';
    await eventually('the forged request reported', async () =>
      (await rejections()).find((r) => r.out_refund_no === 'P2H999' && r.reason === 'signature_mismatch'),
    );
    await eventually('the genuine refund made', async () =>
      (await refundedAtProvider('P1')) === 100 ? true : undefined,
    );
    tamper = 'none';
    await eventually('the request closed', async () => {
      const { body } = await getJson(`${hub.url}/api/refunds`, ADMIN);
      const r = body.refunds.find((x: { out_refund_no: string }) => x.out_refund_no === outRefundNo);
      return r.state === 'succeeded' ? true : undefined;
    });
    expect(await refundedAtProvider('P2')).toBe(0);
    const p1 = (await till.call('queryRefund', { out_trade_no: 'P1' })).body;
    expect(
      p1.refunds.map((r: { out_refund_no: string; refund_fee: number }) => [r.out_refund_no, r.refund_fee]),
    ).toEqual([[outRefundNo, 100]]);
    expect((await till.call('queryRefund', { out_trade_no: 'P2' })).body).toMatchObject({
      refunds: [],
      refunded_fee: 0,
    });
    expect(await refundedAtProvider('P1')).toBe(100);
  });

  it('a hub with no key to sign with takes no refund request', async () => {
    const unsigned = await startHub({
      databaseUrl,
      adminToken: ADMIN,
      host: '127.0.0.1',
      port: 0,
      poolMax: 1,
    });
    try {
      const asked = await postJson(
        `${unsigned.url}/api/refunds`,
        {
          request_id: 'owner-sig-0002',
          terminal_id: 'T8',
          order_no: 'P2',
          refund_fee: 100,
          requested_by: 'owner',
        },
        ADMIN,
      );
      expect(asked).toMatchObject({ status: 409, body: { error: { code: 'hub_refund_unsigned' } } });
    } finally {
      await unsigned.close();
    }
  });
});
