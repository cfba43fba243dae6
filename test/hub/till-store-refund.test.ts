/**
 * A supervisor at one till refunds a sale made at another, through the store hub: the same
 * supervisor rule as a refund at the till itself (a key with `refund` here; without one the
 * service refuses before asking), the hub fixes the out_refund_no, the selling till makes the
 * refund once, and a retry with the same request_id asks nothing new.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningHub, startHub } from '../../core/hub/hub-server.ts';
import { enrolTerminal } from '../../core/hub/terminal-tokens.ts';
import { type RunningApiServer, startApiServer } from '../../core/service/http/api-server.ts';
import { type KioskService, startKioskService } from '../../core/service/kiosk-service.ts';
import { HUB_KEY, HUB_PUBLIC_PEM } from './hub-keys.ts';
import { eventually, getJson, killAll, type Proc, postJson, startScanpay } from './hub-processes.ts';
import { type PgCluster, startPgCluster } from './pg-cluster.ts';

const ADMIN = 'admin-token-for-the-till-refund-test';
const REFUND_KEY = 'supervisor-refund-key-0123456789';
let cluster: PgCluster;
let hub: RunningHub;
let sandbox: Proc;
const tills = new Map<string, { service: KioskService; server: RunningApiServer; dir: string }>();

beforeAll(async () => {
  cluster = await startPgCluster();
  sandbox = await startScanpay(['sandbox', '--port', '0']);
  hub = await startHub({
    databaseUrl: await cluster.createDatabase('hub_till_refund'),
    adminToken: ADMIN,
    host: '127.0.0.1',
    port: 0,
    poolMax: 4,
    configKey: HUB_KEY,
  });
  for (const id of ['T8', 'T9']) {
    // T9 is a cashier till with the refund right; T8 sells but was enrolled without it.
    const token = await enrolTerminal(hub.pool, id, Date.now(), { refunds: id === 'T9' });
    const dir = mkdtempSync(join(tmpdir(), 'scanpay-tillref-'));
    writeFileSync(
      join(dir, 'config.json'),
      JSON.stringify({
        terminal_id: id,
        hub: { url: hub.url, token, config_public_key: HUB_PUBLIC_PEM, heartbeat_ms: 1000 },
        server: { api_keys: [{ id: 'office', key: REFUND_KEY, permissions: ['refund', 'query'] }] },
      }),
    );
    const service = await startKioskService({ dataDir: dir, sandboxUrl: String(sandbox.line.url) });
    const server = await startApiServer({
      service,
      host: '127.0.0.1',
      port: 0,
      apiKeys: service.config.server?.api_keys ?? [],
    });
    tills.set(id, { service, server, dir });
  }
});
afterAll(async () => {
  for (const t of tills.values()) {
    await t.server.close();
    await t.service.stop();
    rmSync(t.dir, { recursive: true, force: true });
  }
  await hub?.close();
  killAll();
  await cluster?.stop();
});

const call = (till: string, op: string, body: unknown, key?: string) =>
  postJson(`${tills.get(till)!.server.url}/api/${op}`, body, key);

describe('a refund of another till’s sale, asked at this till', () => {
  it('needs the supervisor right, goes through the hub, and is made once by the selling till', async () => {
    const code = await postJson(`${sandbox.line.url}/_sandbox/wallet/codes`, {
      wallet: 'wxpay',
      behavior: 'instant',
    });
    const sold = await call('T8', 'createPayment', {
      data: { out_trade_no: 'XT1', total_fee: 1200, subject: 'tea', auth_code: code.body.authCode },
    });
    expect(sold.body).toMatchObject({ code: 0, attempt: { phase: 'paid' } });
    await eventually('XT1 at the hub', async () => {
      const { body } = await getJson(`${hub.url}/api/orders?terminal=T8&status=1`, ADMIN);
      return body.total === 1 ? true : undefined;
    });

    // T9 looks the sale up at the hub by its number: which till, how much, nothing refunded yet.
    const found = await call('T9', 'findStoreOrder', { order_no: 'XT1' });
    expect(found.body).toMatchObject({
      ok: true,
      value: {
        orders: [{ terminal_id: 'T8', order_no: 'XT1', total_fee: 1200, refunded_fee: 0, status: 1 }],
      },
    });
    expect(found.body.value.orders[0]).not.toHaveProperty('cashier');
    const unknown = await call('T9', 'findStoreOrder', { order_no: 'NOPE1' });
    expect(unknown.body).toMatchObject({ ok: true, value: { orders: [] } });
    // The hub's read side stays the owner's: a till's token does not open GET /api/orders.
    const tillToken = (await getJson(`${hub.url}/api/orders`, 'spt_not_the_admin')).status;
    expect(tillToken).toBe(401);

    const ask = { terminal_id: 'T8', order_no: 'XT1', refund_fee: 500, request_id: 'till-T9-0001' };
    const plain = await call('T9', 'storeRefund', ask);
    expect(plain.body).toMatchObject({ ok: false, error: { code: 'permission_denied' } });

    const asked = await call('T9', 'storeRefund', ask, REFUND_KEY);
    expect(asked.body).toMatchObject({
      ok: true,
      value: { terminal_id: 'T8', order_no: 'XT1', state: 'requested' },
    });
    const outRefundNo = asked.body.value.out_refund_no as string;
    const again = await call('T9', 'storeRefund', ask, REFUND_KEY);
    expect(again.body.value.out_refund_no).toBe(outRefundNo);

    await eventually('refund made at T8', async () => {
      const q = await call('T8', 'queryRefund', { out_trade_no: 'XT1' });
      return q.body.refunded_fee === 500 ? q.body : undefined;
    });
    const q = await call('T8', 'queryRefund', { out_trade_no: 'XT1' });
    expect(q.body.refunds.map((r: { out_refund_no: string }) => r.out_refund_no)).toEqual([outRefundNo]);
    const { body } = await getJson(`${hub.url}/api/refunds`, ADMIN);
    expect(body.refunds).toEqual([
      expect.objectContaining({ out_refund_no: outRefundNo, requested_by: 'till T9' }),
    ]);

    // More than is left is refused by the hub, with the reason's code at the asking till.
    const tooMuch = await call(
      'T9',
      'storeRefund',
      { ...ask, refund_fee: 900, request_id: 'till-T9-0002' },
      REFUND_KEY,
    );
    expect(tooMuch.body).toMatchObject({ ok: false, error: { code: 'hub_refund_refused' } });
  });

  it('a till without the refund right is told so, on the look-up and on the ask, and asks nothing', async () => {
    const found = await call('T8', 'findStoreOrder', { order_no: 'XT1' });
    expect(found.body).toMatchObject({ ok: false, error: { code: 'hub_refund_not_granted' } });
    const ask = { terminal_id: 'T8', order_no: 'XT1', refund_fee: 100, request_id: 'till-T8-0001' };
    const asked = await call('T8', 'storeRefund', ask, REFUND_KEY);
    expect(asked.body).toMatchObject({ ok: false, error: { code: 'hub_refund_not_granted' } });
    const { body } = await getJson(`${hub.url}/api/refunds`, ADMIN);
    expect(body.refunds.map((r: { requested_by: string }) => r.requested_by)).not.toContain('till T8');
  });
});
