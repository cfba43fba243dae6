/**
 * Store hub ingest (issue 19): N simulated terminals (default 200) each sell M orders (default 50)
 * and forward them with the terminal's own forwarder (core/service/hub-forwarder.ts: batches of
 * 200, 500 ms poll, the real HTTP path) into one, then two, `scanpay hub` processes on one
 * throwaway PostgreSQL (test/hub/pg-cluster.ts). A sale writes 4 changes like a real micropay
 * (order created, attempt submitted, attempt paid, order paid). With two hubs the terminals are
 * split between them (a load balancer's job). Two rounds per hub count:
 * - steady: every terminal sells at once, spread so the offered load is --rate changes/s (default
 *   1000, issue 19's goal); prints p50/p99 forward lag (acknowledged − written, per change);
 * - burst: every terminal has all its orders waiting at once (a store back from an outage); prints
 *   changes/s ingested (all changes / time to the last acknowledgement): the hub's capacity.
 * Both print the hubs' peak RSS (VmHWM). The simulated terminals share the machine with the hubs
 * and PostgreSQL: on 2 cores the figures include their CPU.
 * Usage: node bench/hub/run.ts [--terminals N] [--orders M] [--rate CHANGES_PER_S]
 */
import { readFileSync } from 'node:fs';
import pg from 'pg';
import { migrateHub } from '../../core/hub/hub-schema.ts';
import { enrolTerminal } from '../../core/hub/terminal-tokens.ts';
import type { OutboxRow } from '../../core/journal/journal-outbox.ts';
import { type HubOutbox, startHubForwarder } from '../../core/service/hub-forwarder.ts';
import { killAll, startScanpay } from '../../test/hub/hub-processes.ts';
import { startPgCluster } from '../../test/hub/pg-cluster.ts';
import { percentile } from '../lib/stats.ts';

function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}
const TERMINALS = option('terminals', 200);
const ORDERS = option('orders', 50);
const RATE = option('rate', 1000);
/** Each terminal sells one order (4 changes) every INTERVAL_MS: TERMINALS × 4 / INTERVAL_MS = RATE. */
const INTERVAL_MS = Math.round((TERMINALS * 4 * 1000) / RATE);
const ADMIN = 'bench-admin-token-0123456789abcdef';

/** A terminal's outbox in memory: rows carry their write time; acks record each row's lag. */
class SimulatedOutbox implements HubOutbox {
  private rows: OutboxRow[] = [];
  private seq = 0;
  private readonly lags: number[];
  constructor(lags: number[]) {
    this.lags = lags;
  }
  outboxBatch(limit: number): OutboxRow[] {
    return this.rows.slice(0, limit);
  }
  outboxAck(seq: number): void {
    const now = Date.now();
    while (this.rows.length > 0 && this.rows[0]!.seq <= seq) this.lags.push(now - this.rows.shift()!.at);
  }
  outboxCount(): number {
    return this.rows.length;
  }
  sell(terminal: string, n: number): void {
    const at = Date.now();
    const orderNo = `${terminal}${String(n).padStart(6, '0')}`;
    const order = (status: number) => ({
      order_no: orderNo,
      pid: 'm1',
      total_fee: 100 + n,
      subject: 'bench',
      type: 'goods',
      status,
      tender: status === 1 ? 'wxpay' : null,
      provider: 'wxpay',
      transaction_id: status === 1 ? `42${at}${n}` : null,
      paid_out_trade_no: status === 1 ? `${orderNo}-1` : null,
      paid_at: status === 1 ? at : null,
      refunded_fee: 0,
      cashier: 'c1',
      shift_id: null,
      created_at: at,
      updated_at: at,
    });
    const attempt = (phase: string, final: number) => ({
      out_trade_no: `${orderNo}-1`,
      order_no: orderNo,
      attempt_index: 1,
      phase,
      final,
      created_at: at,
      updated_at: at,
    });
    const push = (kind: OutboxRow['kind'], ref: string, payload: unknown) =>
      this.rows.push({ seq: ++this.seq, kind, ref, payload: JSON.stringify(payload), at, terminalId: null });
    push('order', orderNo, order(0));
    push('attempt', `${orderNo}-1`, attempt('submitted', 0));
    push('attempt', `${orderNo}-1`, attempt('paid', 1));
    push('order', orderNo, order(1));
  }
}

function peakRssMiB(pid: number | undefined): number {
  if (!pid) return Number.NaN;
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? Number.NaN);
  return kb / 1024;
}

async function round(hubs: number, mode: 'steady' | 'burst'): Promise<void> {
  const cluster = await startPgCluster();
  try {
    const database = await cluster.createDatabase(`bench_${hubs}_${mode}`);
    const pool = new pg.Pool({ connectionString: database, max: 4 });
    await migrateHub(pool);
    const ids = Array.from({ length: TERMINALS }, (_, i) => `B${i}`);
    const tokens = await Promise.all(ids.map((id) => enrolTerminal(pool, id, Date.now())));
    const processes = await Promise.all(
      Array.from({ length: hubs }, () =>
        startScanpay(['hub', '--port', '0', '--database', database], { SCANPAY_HUB_ADMIN_TOKEN: ADMIN }),
      ),
    );
    const lags: number[] = [];
    const outboxes = ids.map(() => new SimulatedOutbox(lags));
    const quiet = { info: () => {}, warn: (m: string, f?: Record<string, unknown>) => console.error(m, f) };
    const forwarders = ids.map((id, i) =>
      startHubForwarder({
        url: String(processes[i % hubs]!.line.url),
        token: tokens[i]!,
        terminalId: id,
        outbox: outboxes[i]!,
        logger: quiet,
        heartbeatMs: 60_000,
        status: () => ({ version: 'bench', ready: true, needs_attention: 0, scanners: [], printer: null }),
      }),
    );
    const total = TERMINALS * ORDERS * 4;
    const started = Date.now();
    if (mode === 'burst') {
      outboxes.forEach((outbox, i) => {
        for (let n = 0; n < ORDERS; n++) outbox.sell(ids[i]!, n);
      });
      for (const f of forwarders) f.nudge();
    } else {
      for (let n = 0; n < ORDERS; n++) {
        // Each terminal sells at a slightly different moment within the interval, as tills do.
        outboxes.forEach((outbox, i) => {
          setTimeout(
            () => {
              outbox.sell(ids[i]!, n);
              forwarders[i]!.nudge();
            },
            Math.floor((i / TERMINALS) * INTERVAL_MS),
          );
        });
        await new Promise((resolve) => setTimeout(resolve, INTERVAL_MS));
      }
    }
    while (lags.length < total) await new Promise((resolve) => setTimeout(resolve, 50));
    const seconds = (Date.now() - started) / 1000;
    const rss = processes.map((p) => peakRssMiB(p.child.pid));
    await Promise.all(forwarders.map((f) => f.stop()));
    const stored = await pool.query<{ n: string }>('SELECT count(*) AS n FROM hub_changes');
    const orders = await pool.query<{ n: string }>('SELECT count(*) AS n FROM hub_orders WHERE status = 1');
    await pool.end();
    await Promise.all(processes.map((p) => p.stop()));
    const sorted = [...lags].sort((a, b) => a - b);
    const title = `hub bench, ${hubs} hub process${hubs > 1 ? 'es' : ''}, ${mode}`;
    console.log(`${title}: ${TERMINALS} terminals × ${ORDERS} orders`);
    if (mode === 'steady') console.log(`  offered load: ${RATE} changes/s`);
    console.log(`  changes stored: ${stored.rows[0]?.n} of ${total}; paid orders: ${orders.rows[0]?.n}`);
    if (mode === 'burst') console.log(`  changes per s ingested: ${(total / seconds).toFixed(0)}`);
    else {
      console.log(`  p50 forward lag: ${percentile(sorted, 50).toFixed(0)} ms`);
      console.log(`  p99 forward lag: ${percentile(sorted, 99).toFixed(0)} ms`);
    }
    console.log(`  hub peak RSS: ${rss.map((r) => r.toFixed(1)).join(' + ')} MiB`);
  } finally {
    killAll();
    await cluster.stop();
  }
}

for (const hubs of [1, 2]) {
  await round(hubs, 'steady');
  await round(hubs, 'burst');
}
