/**
 * The owner's page grants or takes back a till's refund right with one button
 * (POST /api/terminals/refund-right {terminal_id, refunds}); the daily cap stays a command-line
 * setting (`scanpay hub grant-refunds --daily-refund-cap`). A press of those buttons must not wipe
 * the cap: an owner who takes the right back from a till (a suspicious try on the page) and gives it
 * again would otherwise leave that till uncapped without knowing, and the cap is what bounds a lifted
 * token's refunds. A cap named in the request still sets it; null takes it away.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningHub, startHub } from '../../core/hub/hub-server.ts';
import { enrolTerminal } from '../../core/hub/terminal-tokens.ts';
import { HUB_KEY } from './hub-keys.ts';
import { getJson, postJson } from './hub-processes.ts';
import { type PgCluster, startPgCluster } from './pg-cluster.ts';

const ADMIN = 'admin-token-for-the-refund-cap-kept-01';
let cluster: PgCluster;
let hub: RunningHub;

beforeAll(async () => {
  cluster = await startPgCluster();
  hub = await startHub({
    databaseUrl: await cluster.createDatabase('hub_refund_cap_kept'),
    adminToken: ADMIN,
    host: '127.0.0.1',
    port: 0,
    poolMax: 2,
    configKey: HUB_KEY,
  });
  // As `scanpay hub add-terminal --refunds --daily-refund-cap 50` does.
  await enrolTerminal(hub.pool, 'T8', Date.now(), { refunds: true, dailyCapFen: 5000 });
});
afterAll(async () => {
  await hub?.close();
  await cluster?.stop();
});

const press = (body: unknown) => postJson(`${hub.url}/api/terminals/refund-right`, body, ADMIN);
async function rightOf(terminalId: string) {
  const { body } = await getJson(`${hub.url}/api/terminals`, ADMIN);
  const row = body.terminals.find((t: { terminal_id: string }) => t.terminal_id === terminalId);
  return { refunds: row.refunds, cap: row.refund_daily_cap_fen };
}

describe("the owner's page grant and take-back buttons and the daily cap", () => {
  it('take back, then grant again: the till keeps its cap', async () => {
    expect(await rightOf('T8')).toEqual({ refunds: true, cap: 5000 });
    expect((await press({ terminal_id: 'T8', refunds: false })).status).toBe(200);
    expect((await rightOf('T8')).refunds).toBe(false);
    const again = await press({ terminal_id: 'T8', refunds: true });
    expect(again).toMatchObject({ status: 200, body: { refunds: true, daily_refund_cap_fen: 5000 } });
    expect(await rightOf('T8')).toEqual({ refunds: true, cap: 5000 });
  });

  it('a cap in the request sets it; null takes it away', async () => {
    await press({ terminal_id: 'T8', refunds: true, daily_refund_cap_fen: 2000 });
    expect(await rightOf('T8')).toEqual({ refunds: true, cap: 2000 });
    await press({ terminal_id: 'T8', refunds: true, daily_refund_cap_fen: null });
    expect(await rightOf('T8')).toEqual({ refunds: true, cap: null });
  });
});
