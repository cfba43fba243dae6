/**
 * Reconciliation once per merchant at the hub: two tills sell for the same sandbox merchant and
 * forward to the hub; the hub, holding the merchant's credentials, matches the provider's bill for
 * the day against both tills' sales together. A trade the bill lacks is reported once, with the
 * hub's copy of the till's amount; the others match, whichever till sold them.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningHub, startHub } from '../../core/hub/hub-server.ts';
import { enrolTerminal } from '../../core/hub/terminal-tokens.ts';
import { systemClock } from '../../core/ports/clock.ts';
import { beijingDate } from '../../core/reconcile/beijing-day.ts';
import { ServiceConfigSchema } from '../../core/service/config/service-config.ts';
import { type RunningApiServer, startApiServer } from '../../core/service/http/api-server.ts';
import { type KioskService, startKioskService } from '../../core/service/kiosk-service.ts';
import { buildMerchants } from '../../core/service/merchants.ts';
import { sandboxEndpointAt } from '../../core/service/sandbox-endpoint.ts';
import { eventually, getJson, killAll, type Proc, postJson, startScanpay } from './hub-processes.ts';
import { type PgCluster, startPgCluster } from './pg-cluster.ts';

const ADMIN = 'admin-token-for-the-reconcile-test';
let cluster: PgCluster;
let hub: RunningHub;
let sandbox: Proc;
const tills: { service: KioskService; server: RunningApiServer; dir: string }[] = [];

beforeAll(async () => {
  cluster = await startPgCluster();
  sandbox = await startScanpay(['sandbox', '--port', '0']);
  const sandboxUrl = String(sandbox.line.url);
  const merchants = buildMerchants(
    ServiceConfigSchema.parse({}),
    await sandboxEndpointAt(sandboxUrl),
    systemClock,
  );
  hub = await startHub({
    databaseUrl: await cluster.createDatabase('hub_reconcile'),
    adminToken: ADMIN,
    host: '127.0.0.1',
    port: 0,
    poolMax: 4,
    merchants,
  });
  for (const id of ['R1', 'R2']) {
    const token = await enrolTerminal(hub.pool, id, Date.now());
    const dir = mkdtempSync(join(tmpdir(), 'scanpay-hubrec-'));
    writeFileSync(
      join(dir, 'config.json'),
      JSON.stringify({ terminal_id: id, hub: { url: hub.url, token } }),
    );
    const service = await startKioskService({ dataDir: dir, sandboxUrl });
    const server = await startApiServer({ service, host: '127.0.0.1', port: 0 });
    tills.push({ service, server, dir });
  }
});
afterAll(async () => {
  for (const t of tills) {
    await t.server.close();
    await t.service.stop();
    rmSync(t.dir, { recursive: true, force: true });
  }
  await hub?.close();
  killAll();
  await cluster?.stop();
});

async function sell(till: { server: RunningApiServer }, orderNo: string, fen: number): Promise<void> {
  const code = await postJson(`${sandbox.line.url}/_sandbox/wallet/codes`, {
    wallet: 'wxpay',
    behavior: 'instant',
  });
  const paid = await postJson(`${till.server.url}/api/createPayment`, {
    data: { out_trade_no: orderNo, total_fee: fen, subject: 'tea', auth_code: code.body.authCode },
  });
  expect(paid.body).toMatchObject({ code: 0, attempt: { phase: 'paid' } });
}

describe('reconciliation at the hub', () => {
  it("matches one bill against both tills' sales and reports the missing trade once", async () => {
    await sell(tills[0]!, 'REC1', 1100);
    await sell(tills[1]!, 'REC2', 2200);
    await sell(tills[1]!, 'REC3', 3300);
    await postJson(`${sandbox.line.url}/_sandbox/bills/faults`, {
      provider: 'wxpay',
      kind: 'omit_trade',
      out_trade_no: 'REC3',
    });
    await eventually('all three at the hub', async () => {
      const { body } = await getJson(`${hub.url}/api/orders?status=1`, ADMIN);
      return body.total === 3 ? true : undefined;
    });
    const today = beijingDate(Date.now());
    const run = await postJson(`${hub.url}/api/reconcile`, { date: today }, ADMIN);
    expect(run.status).toBe(200);
    const wxpay = run.body.results.find(
      (r: { pid: string; provider: string }) => r.pid === 'sandbox' && r.provider === 'wxpay',
    );
    expect(wxpay).toMatchObject({ status: 'done', matched: 2 });
    expect(wxpay.discrepancies).toEqual([
      expect.objectContaining({
        kind: 'terminal_only',
        out_trade_no: expect.stringContaining('REC3'),
        terminal_fen: 3300,
      }),
    ]);
    // Without the admin token, or for a day that is not a date, nothing runs.
    expect((await postJson(`${hub.url}/api/reconcile`, { date: today }, 'nope')).status).toBe(401);
    expect((await postJson(`${hub.url}/api/reconcile`, { date: 'yesterday' }, ADMIN)).status).toBe(400);
  });
});
