/**
 * The hub on a real PostgreSQL, in-process over real HTTP: migrations under the advisory lock
 * with two hubs starting at once, enrolment and revocation, idempotent ingest on (terminal_id,
 * seq), a token writing only its own terminal, the orders API's filters, reports and the registry.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HUB_MIGRATIONS, migrateHub } from '../../core/hub/hub-schema.ts';
import { type RunningHub, startHub } from '../../core/hub/hub-server.ts';
import type { IngestBatch } from '../../core/hub/hub-wire.ts';
import { enrolTerminal, revokeTerminal } from '../../core/hub/terminal-tokens.ts';
import { type PgCluster, startPgCluster } from './pg-cluster.ts';

const ADMIN = 'admin-token-for-the-hub-tests-0001';
const ROOT = join(import.meta.dirname, '..', '..');
let cluster: PgCluster;

beforeAll(async () => {
  cluster = await startPgCluster();
});
afterAll(async () => {
  await cluster?.stop();
});

function hubAt(databaseUrl: string): Promise<RunningHub> {
  return startHub({ databaseUrl, adminToken: ADMIN, host: '127.0.0.1', port: 0, poolMax: 4 });
}

async function post(hub: RunningHub, token: string, batch: IngestBatch) {
  const res = await fetch(`${hub.url}/api/ingest`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(batch),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

async function get(hub: RunningHub, path: string, token = ADMIN) {
  const res = await fetch(`${hub.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

const STATUS = { version: '0.1.0', ready: true, queue_length: 0, needs_attention: 0 };
// 2026-11-30 12:00 Beijing time.
const NOON = Date.UTC(2026, 10, 30, 4, 0, 0);

function orderChange(seq: number, orderNo: string, patch: Record<string, unknown> = {}) {
  return {
    seq,
    kind: 'order' as const,
    ref: orderNo,
    at: NOON,
    payload: {
      order_no: orderNo,
      pid: 'm1',
      total_fee: 1000,
      subject: 'tea',
      type: 'misc',
      status: 0,
      tender: null,
      provider: null,
      transaction_id: null,
      paid_out_trade_no: null,
      paid_at: null,
      refunded_fee: 0,
      cashier: 'amy',
      shift_id: 'S1',
      created_at: NOON,
      updated_at: NOON,
      ...patch,
    },
  };
}
const paid = { status: 1, tender: 'wxpay', provider: 'wxpay', paid_at: NOON + 1000 };

describe('hub schema', () => {
  it('two hubs migrating one fresh database at once apply each step exactly once', async () => {
    const url = await cluster.createDatabase('hub_race');
    const pools = [new pg.Pool({ connectionString: url }), new pg.Pool({ connectionString: url })];
    try {
      const reports = await Promise.all(pools.map((p) => migrateHub(p)));
      expect(reports.map((r) => r.applied.length).sort()).toEqual([0, HUB_MIGRATIONS.length]);
      const { rows } = await pools[0]!.query('SELECT version FROM hub_schema ORDER BY version');
      expect(rows.map((r) => r.version)).toEqual(HUB_MIGRATIONS.map((m) => m.version));
    } finally {
      await Promise.all(pools.map((p) => p.end()));
    }
  });

  it('refuses a database migrated by a newer hub', async () => {
    const url = await cluster.createDatabase('hub_newer');
    const pool = new pg.Pool({ connectionString: url });
    try {
      await migrateHub(pool);
      await pool.query("INSERT INTO hub_schema (version, name) VALUES (99, 'from the future')");
      await expect(migrateHub(pool)).rejects.toMatchObject({ code: 'hub_schema_too_new' });
    } finally {
      await pool.end();
    }
  });
});

describe('hub ingest and reads', () => {
  let hub: RunningHub;
  let t1: string;
  let t2: string;
  beforeAll(async () => {
    const url = await cluster.createDatabase('hub_api');
    hub = await hubAt(url);
    t1 = await enrolTerminal(hub.pool, 'T1', NOON);
    t2 = await enrolTerminal(hub.pool, 'T2', NOON);
  });
  afterAll(async () => {
    await hub?.close();
  });

  it('stores each (terminal, seq) once and never lets an older change overwrite a newer one', async () => {
    const first = await post(hub, t1, {
      terminal_id: 'T1',
      status: STATUS,
      changes: [orderChange(1, 'T1A'), orderChange(2, 'T1A', paid)],
    });
    expect(first).toMatchObject({ status: 200, body: { acked_seq: 2, stored: 2, duplicates: 0 } });
    // The same batch again (the terminal crashed before deleting it), then the unpaid change alone.
    const again = await post(hub, t1, {
      terminal_id: 'T1',
      status: STATUS,
      changes: [orderChange(1, 'T1A'), orderChange(2, 'T1A', paid)],
    });
    expect(again.body).toMatchObject({ acked_seq: 2, stored: 0, duplicates: 2 });
    const { body } = await get(hub, '/api/orders?terminal=T1');
    expect(body.total).toBe(1);
    expect(body.orders).toMatchObject([{ terminal_id: 'T1', order_no: 'T1A', status: 1, tender: 'wxpay' }]);
  });

  it('keeps two terminals apart even when their seqs and order numbers collide', async () => {
    await post(hub, t2, {
      terminal_id: 'T2',
      status: STATUS,
      changes: [orderChange(1, 'T1A', { cashier: 'bo' })],
    });
    const { body } = await get(hub, '/api/orders');
    const orders = body.orders as { terminal_id: string; cashier: string }[];
    expect(orders.map((o) => [o.terminal_id, o.cashier]).sort()).toEqual([
      ['T1', 'amy'],
      ['T2', 'bo'],
    ]);
  });

  it("refuses a token writing another terminal's data, and a revoked token", async () => {
    const cross = await post(hub, t1, { terminal_id: 'T2', status: STATUS, changes: [orderChange(9, 'X')] });
    expect(cross).toMatchObject({ status: 403, body: { error: { code: 'hub_forbidden' } } });
    const t3 = await enrolTerminal(hub.pool, 'T3', NOON);
    await revokeTerminal(hub.pool, 'T3', NOON);
    const revoked = await post(hub, t3, {
      terminal_id: 'T3',
      status: STATUS,
      changes: [orderChange(1, 'T3A')],
    });
    expect(revoked).toMatchObject({ status: 403, body: { error: { code: 'hub_forbidden' } } });
    const unknown = await post(hub, 'spt_nope', { terminal_id: 'T3', status: STATUS, changes: [] });
    expect(unknown.status).toBe(401);
    const { body } = await get(hub, '/api/orders?terminal=T3');
    expect(body.total).toBe(0);
  });

  it('answers a malformed batch with the field at fault and stores none of it', async () => {
    const bad = await post(hub, t2, {
      terminal_id: 'T2',
      status: STATUS,
      changes: [orderChange(5, 'T2B'), orderChange(6, 'T2C', { total_fee: 12.5 })],
    });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('total_fee');
    const { body } = await get(hub, '/api/orders?terminal=T2');
    expect(body.total).toBe(1);
  });

  it('filters orders by cashier, wallet, status and date range, and checks the admin token', async () => {
    expect((await get(hub, '/api/orders', 'wrong-token')).status).toBe(401);
    expect((await get(hub, '/api/orders?cashier=amy')).body.total).toBe(1);
    expect((await get(hub, '/api/orders?wallet=wxpay')).body.total).toBe(1);
    expect((await get(hub, '/api/orders?status=0')).body.total).toBe(1);
    expect((await get(hub, `/api/orders?from=${NOON + 1}`)).body.total).toBe(0);
    expect((await get(hub, `/api/orders?from=${NOON}&to=${NOON + 1}`)).body.total).toBe(2);
    const bad = await get(hub, '/api/orders?wallet=paypal');
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('wallet');
  });

  it('reports paid money per terminal and for the store, by Beijing day and by wallet', async () => {
    await post(hub, t2, {
      terminal_id: 'T2',
      status: STATUS,
      changes: [orderChange(7, 'T2D', { ...paid, tender: 'alipay', provider: 'alipay', total_fee: 250 })],
    });
    const day = await get(hub, '/api/reports?by=day&from=2026-11-30&to=2026-11-30');
    expect(day.body.rows).toEqual([
      {
        terminal_id: 'T1',
        key: '2026-11-30',
        paid_orders: 1,
        paid_fen: 1000,
        refunded_fen: 0,
        net_fen: 1000,
      },
      { terminal_id: 'T2', key: '2026-11-30', paid_orders: 1, paid_fen: 250, refunded_fen: 0, net_fen: 250 },
      {
        terminal_id: null,
        key: '2026-11-30',
        paid_orders: 2,
        paid_fen: 1250,
        refunded_fen: 0,
        net_fen: 1250,
      },
    ]);
    const wallet = await get(hub, '/api/reports?by=wallet&from=2026-11-30&to=2026-11-30&terminal=T2');
    expect(wallet.body.rows).toContainEqual(
      expect.objectContaining({ terminal_id: null, key: 'alipay', paid_fen: 250 }),
    );
    const nextDay = await get(hub, '/api/reports?by=day&from=2026-12-01&to=2026-12-01');
    expect(nextDay.body.rows).toEqual([]);
  });

  it('keeps the newest state of a shift', async () => {
    const shift = (seq: number, closed: number | null) => ({
      seq,
      kind: 'shift' as const,
      ref: 'S1',
      at: NOON,
      payload: {
        shift_id: 'S1',
        cashier: 'amy',
        opened_at: NOON,
        closed_at: closed,
        float_fee: 5000,
        counted: closed ? { cash: 5000 } : null,
      },
    });
    // The close arrives before the open (two batches crossing): the open must not reopen it.
    await post(hub, t1, { terminal_id: 'T1', status: STATUS, changes: [shift(21, NOON + 9)] });
    await post(hub, t1, { terminal_id: 'T1', status: STATUS, changes: [shift(20, null)] });
    const { rows } = await hub.pool.query(
      "SELECT closed_at::float8 AS closed_at, counted FROM hub_shifts WHERE shift_id = 'S1'",
    );
    expect(rows).toEqual([{ closed_at: NOON + 9, counted: { cash: 5000 } }]);
  });

  it('lists the terminals with version, last seen, queue length and revocation', async () => {
    await post(hub, t1, {
      terminal_id: 'T1',
      status: { ...STATUS, queue_length: 7, version: '0.2.0' },
      changes: [],
    });
    const { body } = await get(hub, '/api/terminals');
    const terminals = body.terminals as {
      terminal_id: string;
      version: string;
      queue_length: number;
      revoked: boolean;
      last_seq: number;
    }[];
    expect(terminals.find((t) => t.terminal_id === 'T1')).toMatchObject({
      version: '0.2.0',
      queue_length: 7,
      last_seq: 21,
    });
    expect(terminals.find((t) => t.terminal_id === 'T3')).toMatchObject({ revoked: true });
  });
});

describe("the owner's page", () => {
  it('is served at / from the built page, and the API stays behind the admin token', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'scanpay-owner-'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>owner page</title>');
    const hub = await startHub({
      databaseUrl: await cluster.createDatabase('hub_page'),
      adminToken: ADMIN,
      host: '127.0.0.1',
      port: 0,
      poolMax: 2,
      staticDir: dir,
    });
    try {
      const page = await fetch(`${hub.url}/`);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('owner page');
      expect(page.headers.get('content-security-policy')).toContain("default-src 'self'");
      expect((await fetch(`${hub.url}/api/terminals`)).status).toBe(401);
      expect((await fetch(`${hub.url}/%E0%A4%A`)).status).toBe(400);
    } finally {
      await hub.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('scanpay hub add-terminal / revoke-terminal', () => {
  it('prints the token once, and revoking an unknown terminal says so', async () => {
    const url = await cluster.createDatabase('hub_cli');
    const cli = (...args: string[]) =>
      spawnSync(join(ROOT, 'node_modules/.bin/node'), [join(ROOT, 'bin/scanpay.js'), 'hub', ...args], {
        encoding: 'utf8',
        timeout: 30_000,
      });
    const added = cli('add-terminal', '--database', url, '--terminal-id', 'T9');
    expect(added.status).toBe(0);
    const line = JSON.parse(added.stdout.split('\n')[0]!) as { terminal_id: string; token: string };
    expect(line.terminal_id).toBe('T9');
    expect(line.token).toMatch(/^spt_[A-Za-z0-9_-]{43}$/);
    const pool = new pg.Pool({ connectionString: url });
    try {
      const { rows } = await pool.query('SELECT token_hash FROM hub_terminals');
      expect(JSON.stringify(rows)).not.toContain(line.token);
    } finally {
      await pool.end();
    }
    expect(cli('revoke-terminal', '--database', url, '--terminal-id', 'T9').status).toBe(0);
    const missing = cli('revoke-terminal', '--database', url, '--terminal-id', 'NOPE');
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain('no terminal NOPE');
    const bad = cli('add-terminal', '--database', url, '--terminal-id', 'bad id!');
    expect(bad.status).toBe(2);
  });

  it("refuses to start on a merchants config.json the till's loader refuses, naming the key", () => {
    const dir = mkdtempSync(join(tmpdir(), 'scanpay-hubm-'));
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ merchants: [{ pid: 'm1', gateways: [] }] }));
    try {
      const hub = spawnSync(
        join(ROOT, 'node_modules/.bin/node'),
        [
          join(ROOT, 'bin/scanpay.js'),
          'hub',
          '--database',
          'postgres://x@127.0.0.1:1/x',
          '--admin-token',
          ADMIN,
          '--merchants',
          dir,
        ],
        { encoding: 'utf8', timeout: 30_000 },
      );
      expect(hub.status).toBe(2);
      expect(hub.stderr).toContain('merchants.0.gateways: a merchant needs at least one gateway');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('scanpay serve takes --hub only with --hub-token', () => {
    const serve = spawnSync(
      join(ROOT, 'node_modules/.bin/node'),
      [join(ROOT, 'bin/scanpay.js'), 'serve', '--hub', 'http://127.0.0.1:1'],
      { encoding: 'utf8', timeout: 30_000 },
    );
    expect(serve.status).toBe(2);
    expect(serve.stderr).toContain('--hub and --hub-token go together');
  });
});
