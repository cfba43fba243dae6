/**
 * The hub's daily reconciliation on an injected clock: a till sells today and forwards to a hub
 * holding the sandbox merchant's credentials. Today is never due; the next day at 10:30 (Beijing)
 * the day is reconciled; a bill that is not ready is tried again hourly, at most retriesPerDay
 * times, then at the next daily time, when it finishes. The owner reads it all from GET
 * /api/reconcile. Real PostgreSQL, real sandbox bills; only the hub's clock is fake.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningHub, startHub } from '../../core/hub/hub-server.ts';
import { enrolTerminal } from '../../core/hub/terminal-tokens.ts';
import { systemClock } from '../../core/ports/clock.ts';
import { addDays, beijingDate, beijingDayRange } from '../../core/reconcile/beijing-day.ts';
import { ServiceConfigSchema } from '../../core/service/config/service-config.ts';
import { type RunningApiServer, startApiServer } from '../../core/service/http/api-server.ts';
import { type KioskService, startKioskService } from '../../core/service/kiosk-service.ts';
import { buildMerchants } from '../../core/service/merchants.ts';
import { sandboxEndpointAt } from '../../core/service/sandbox-endpoint.ts';
import { FakeClock } from '../fakes/fake-clock.ts';
import {
  eventually,
  getJson,
  type JsonReply,
  killAll,
  type Proc,
  postJson,
  startScanpay,
} from './hub-processes.ts';
import { type PgCluster, startPgCluster } from './pg-cluster.ts';

const ADMIN = 'admin-token-for-the-daily-reconcile-test';
const HOUR = 3_600_000;
const today = beijingDate(Date.now());
const at = (date: string, hh: number, mm = 0) => beijingDayRange(date).start + (hh * 60 + mm) * 60_000;
let cluster: PgCluster;
let hub: RunningHub;
let sandbox: Proc;
let till: { service: KioskService; server: RunningApiServer; dir: string };
const clock = new FakeClock(at(today, 23));

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
    databaseUrl: await cluster.createDatabase('hub_daily_reconcile'),
    adminToken: ADMIN,
    host: '127.0.0.1',
    port: 0,
    poolMax: 4,
    merchants,
    clock,
    dailyReconcile: { at: '10:30', catchUpDays: 3, retriesPerDay: 2, initialDelayMs: 0 },
  });
  const token = await enrolTerminal(hub.pool, 'D1', Date.now());
  const dir = mkdtempSync(join(tmpdir(), 'scanpay-hubdaily-'));
  writeFileSync(
    join(dir, 'config.json'),
    JSON.stringify({ terminal_id: 'D1', hub: { url: hub.url, token } }),
  );
  const service = await startKioskService({ dataDir: dir, sandboxUrl });
  const server = await startApiServer({ service, host: '127.0.0.1', port: 0 });
  till = { service, server, dir };
});
afterAll(async () => {
  await till?.server.close();
  await till?.service.stop();
  if (till) rmSync(till.dir, { recursive: true, force: true });
  await hub?.close();
  killAll();
  await cluster?.stop();
});

async function sell(wallet: 'wxpay' | 'alipay', orderNo: string, fen: number): Promise<void> {
  const code = await postJson(`${sandbox.line.url}/_sandbox/wallet/codes`, { wallet, behavior: 'instant' });
  const paid = await postJson(`${till.server.url}/api/createPayment`, {
    data: { out_trade_no: orderNo, total_fee: fen, subject: 'tea', auth_code: code.body.authCode },
  });
  expect(paid.body).toMatchObject({ code: 0, attempt: { phase: 'paid' } });
}

async function reconcileView(): Promise<JsonReply> {
  const { status, body } = await getJson(`${hub.url}/api/reconcile`, ADMIN);
  expect(status).toBe(200);
  return body;
}

/** The loop is asleep: its next wake time (it is null while a wake runs). */
async function sleepingUntil(): Promise<number> {
  return eventually(
    'the daily loop asleep',
    async () => (await reconcileView()).schedule.next_at ?? undefined,
  );
}

/** Moves the clock to the loop's next wake, and returns once that wake is over. */
async function nextWake(): Promise<JsonReply> {
  const wakeAt = await sleepingUntil();
  await clock.advance(wakeAt - clock.now());
  return eventually('the wake to finish', async () => {
    const view = await reconcileView();
    return view.schedule.last_wake?.at === wakeAt && view.schedule.next_at !== null ? view : undefined;
  });
}

describe('the hub reconciles the previous day by itself', () => {
  it('after the bills are out, retrying a bill not ready hourly and boundedly', async () => {
    await sell('wxpay', 'DAY1', 1500);
    await sell('alipay', 'DAY2', 2500);
    await eventually('both sales at the hub', async () => {
      const { body } = await getJson(`${hub.url}/api/orders?status=1`, ADMIN);
      return body.total === 2 ? true : undefined;
    });
    // WeChat's bill for today will not be ready on the first three asks.
    const fault = await postJson(`${sandbox.line.url}/_sandbox/bills/faults`, {
      provider: 'wxpay',
      kind: 'not_ready',
      date: today,
      times: 3,
    });
    expect(fault.status).toBe(200);

    // Started at 23:00 today: the start-up wake finds nothing due (today's bill does not exist
    // yet), so the next wake is tomorrow at 10:30.
    const tomorrow = addDays(today, 1);
    const start = await nextWake();
    expect(start.schedule.last_wake).toMatchObject({ at: at(today, 23), dates: [], unfinished: [] });
    expect(start.schedule.next_at).toBe(at(tomorrow, 10, 30));
    expect(start.runs).toEqual([]);

    const first = await nextWake();
    expect(first.schedule.last_wake).toMatchObject({ dates: [today], unfinished: [today], error: null });
    expect(first.schedule.next_at).toBe(at(tomorrow, 11, 30));
    const wx = (view: JsonReply) =>
      view.runs.find((r: JsonReply) => r.bill_date === today && r.provider === 'wxpay');
    expect(wx(first)).toMatchObject({ pid: 'sandbox', status: 'not_ready' });

    const second = await nextWake();
    expect(second.schedule.next_at).toBe(at(tomorrow, 12, 30));
    const third = await nextWake();
    expect(third.schedule.last_wake).toMatchObject({ unfinished: [today] });
    // Two retries used up: nothing more until the next daily time.
    expect(third.schedule.next_at).toBe(at(addDays(today, 2), 10, 30));

    const fourth = await nextWake();
    expect(fourth.schedule.last_wake.dates).toContain(today);
    expect(fourth.schedule.last_wake.unfinished).not.toContain(today);
    expect(wx(fourth)).toMatchObject({ status: 'done', matched: 1, discrepancies: 0 });
    expect(
      fourth.runs.find((r: JsonReply) => r.bill_date === today && r.provider === 'alipay'),
    ).toMatchObject({ status: 'done', matched: 1 });
    expect(wx(fourth).updated_at).toBe(at(addDays(today, 2), 10, 30));

    // A finished day is not asked again.
    const fifth = await nextWake();
    expect(fifth.schedule.last_wake.dates).not.toContain(today);
    expect(fifth.schedule.next_at - fifth.schedule.last_wake.at).toBeLessThanOrEqual(24 * HOUR);
  }, 120_000);
});
