/**
 * `scanpay hub`'s HTTP service. All state is in PostgreSQL (a `pg` pool), so any number of hub
 * processes can run behind a load balancer: nothing is cached between requests.
 *   POST /api/ingest      a terminal's batch (Authorization: Bearer <terminal token>)
 *   GET  /api/orders      orders across terminals, filters in the query  (admin token)
 *   GET  /api/reports     ?by=day|shift|wallet&from=YYYY-MM-DD&to=…      (admin token)
 *   GET  /api/terminals   the registry; POST /api/terminals/refund-right {terminal_id, refunds,
 *                         daily_refund_cap_fen} grants or takes back a till's refund right (admin)
 *   GET  /api/attention   open attention items                          (admin token)
 *   GET  /api/config      store config history; POST /api/config {body, note} publishes a new
 *                         version, POST /api/config/rollback {to} re-publishes an older one (admin)
 *   GET  /api/terminal/config   the current signed store config (terminal token)
 *   POST /api/reconcile   {date}: each merchant's bills against all tills' sales (admin token);
 *                         also run daily by ./hub-reconcile-schedule.ts. GET /api/reconcile: the
 *                         schedule's state and the last 14 days' runs (admin token)
 *   POST /api/refunds     a store-level refund of any till's order; GET lists them (admin token).
 *                         Refund requests are signed for their till with configKey: without it, none
 *   POST /api/terminal/refunds   a till asks for a refund of any till's sale (terminal token
 *                         with the refund right, ./terminal-tokens.ts)
 *   GET  /api/terminal/orders?order_no=   a till looks up one sale of any till (the same)
 *   POST /api/terminal/refund-refusal   a till refuses a refund the hub asked for (terminal token)
 *   POST /api/terminal/refund-rejection a till refused a refund request not signed by this hub
 *                         (terminal token); GET /api/refund-rejections lists them (admin token)
 *   GET  /healthz         200 when the database answers
 *   GET  anything else    the owner's page (renderer/owner, built to dist/owner), which asks for
 *                         the admin token and calls the admin API with it
 * Errors answer `{ok:false, error:{code, message}}` with the HubError's status; an unexpected one
 * is logged (without the request's token) and answered 500 without its text.
 */

import type { KeyObject } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { z } from 'zod';
import { type Clock, systemClock } from '../ports/clock.ts';
import { serveUiFile } from '../service/http/static-ui.ts';
import type { ServiceMerchants } from '../service/merchants.ts';
import { HubError } from './hub-errors.ts';
import { ingestBatch } from './hub-ingest.ts';
import {
  findTerminalOrders,
  hubReport,
  listHubOrders,
  listTerminals,
  OrderQuerySchema,
  openAttention,
  ReportQuerySchema,
  TerminalOrderQuerySchema,
} from './hub-reads.ts';
import { recentReconcileRuns, reconcileAtHub } from './hub-reconcile.ts';
import { type DailyHubReconcileOptions, startDailyHubReconcile } from './hub-reconcile-schedule.ts';
import {
  listRefundRequests,
  listRejections,
  newsFor,
  RefundRejectionSchema,
  RefundRequestSchema,
  recordRejection,
  refuseRefund,
  requestRefund,
} from './hub-refunds.ts';
import { migrateHub } from './hub-schema.ts';
import {
  currentStoreConfig,
  publishStoreConfig,
  rollbackStoreConfig,
  storeConfigHistory,
} from './hub-store-configs.ts';
import { IngestBatchSchema } from './hub-wire.ts';
import { SignedRefundOrderSchema } from './refund-signature.ts';
import { StoreConfigBodySchema } from './store-config.ts';
import {
  isAdminToken,
  RefundRightSchema,
  refundCapOf,
  refundingTerminal,
  setRefundRight,
  terminalOfToken,
} from './terminal-tokens.ts';

/** A full batch (500 changes of a few hundred bytes) fits with room to spare. */
const MAX_BODY = 4 * 1024 * 1024;
const HEADERS = { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' } as const;

export interface HubOptions {
  readonly databaseUrl: string;
  readonly adminToken: string;
  readonly host: string;
  readonly port: number;
  readonly poolMax: number;
  /** The built owner's page (dist/owner); without it `/` says how to build it. */
  readonly staticDir?: string;
  /** Ed25519 private key that signs store config versions; without it the hub publishes none. */
  readonly configKey?: KeyObject;
  /** The merchants whose bills the hub reconciles (their credentials); without them it reconciles none. */
  readonly merchants?: ServiceMerchants;
  /** The daily reconciliation with merchants (false: on demand only). */
  readonly dailyReconcile?: DailyHubReconcileOptions | false;
  /** The daily reconciliation's clock (tests drive it); the system clock by default. */
  readonly clock?: Clock;
  readonly now?: () => number;
  readonly log?: (message: string, fields?: Record<string, unknown>) => void;
}

export interface RunningHub {
  readonly url: string;
  readonly pool: pg.Pool;
  close(): Promise<void>;
}

function bearer(req: IncomingMessage): string | null {
  const header = req.headers.authorization;
  const match = header ? /^Bearer (\S+)$/.exec(header) : null;
  return match?.[1] ?? null;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) {
        reject(new HubError('hub_bad_request', `the body is over ${MAX_BODY} bytes: send smaller batches`));
        req.destroy();
      } else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

async function jsonBody(req: IncomingMessage): Promise<unknown> {
  const text = await readBody(req);
  try {
    return JSON.parse(text);
  } catch {
    throw new HubError('hub_bad_request', 'the body is not JSON');
  }
}

const PublishSchema = z.strictObject({ body: StoreConfigBodySchema, note: z.string().max(200).default('') });
const RollbackSchema = z.strictObject({ to: z.number().int().positive() });
const ReconcileSchema = z.strictObject({ date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'YYYY-MM-DD') });
const RefusalSchema = z.strictObject({
  // Every number a till takes in a signed request (./refund-signature.ts): its refusal of one it
  // cannot send must reach the hub, not be answered 400 and re-sent with every answer.
  out_refund_no: SignedRefundOrderSchema.shape.out_refund_no,
  code: z.string().min(1).max(64),
});

/** zod's first problem as `field: what is wrong`. */
function parsed<T extends z.ZodType>(schema: T, value: unknown, what: string): z.infer<T> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const path = issue?.path.join('.') || what;
  throw new HubError('hub_bad_request', `${what}: ${path}: ${issue?.message ?? 'invalid'}`);
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, HEADERS).end(JSON.stringify(body));
}

export async function startHub(options: HubOptions): Promise<RunningHub> {
  const now = options.now ?? Date.now;
  const log = options.log ?? (() => {});
  const pool = new pg.Pool({ connectionString: options.databaseUrl, max: options.poolMax });
  // An idle client whose server went away emits here; the next query gets a fresh connection.
  pool.on('error', (error) => log('database connection lost', { error: error.message }));
  try {
    await migrateHub(pool);
  } catch (error) {
    await pool.end();
    throw error;
  }

  const daily =
    options.merchants && options.dailyReconcile !== false
      ? startDailyHubReconcile(
          pool,
          options.merchants,
          options.clock ?? systemClock,
          log,
          options.dailyReconcile ?? {},
        )
      : null;

  const requireAdmin = (req: IncomingMessage) => {
    if (!isAdminToken(options.adminToken, bearer(req)))
      throw new HubError('hub_unauthorized', 'send the admin token as Authorization: Bearer <token>');
  };

  // A refund request reaches its till signed (./refund-signature.ts): without the key, none is taken.
  const signingKey = (): KeyObject => {
    if (!options.configKey)
      throw new HubError(
        'hub_refund_unsigned',
        'this hub has no config key (config_key) to sign refund requests with, and tills refuse unsigned ones',
      );
    return options.configKey;
  };

  const route = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://hub');
    const query = Object.fromEntries(url.searchParams);
    if (req.method === 'POST' && url.pathname === '/api/ingest') {
      const terminalId = await terminalOfToken(pool, bearer(req));
      const json = await jsonBody(req);
      const batch = parsed(IngestBatchSchema, json, 'batch');
      if (batch.terminal_id !== terminalId)
        throw new HubError(
          'hub_forbidden',
          `this token belongs to terminal ${terminalId}, not ${batch.terminal_id}: a terminal writes only its own data`,
        );
      const answer = await ingestBatch(pool, terminalId, batch.changes, batch.status, now());
      // The newest store config version rides on every answer: a terminal fetches it only when it changed.
      const news = await newsFor(pool, terminalId, options.configKey ?? null, now());
      send(res, 200, {
        ok: true,
        ...answer,
        config_version: news.configVersion,
        // Refunds the owner asked this till to make, until it reports them (./hub-refunds.ts).
        refund_requests: news.refunds,
      });
      return;
    }
    if (req.method === 'POST' && url.pathname === '/api/terminal/refund-refusal') {
      const terminalId = await terminalOfToken(pool, bearer(req));
      const refusal = parsed(RefusalSchema, await jsonBody(req), 'refusal');
      const closed = await refuseRefund(pool, terminalId, refusal.out_refund_no, refusal.code, now());
      send(res, 200, { ok: true, closed });
      return;
    }
    if (req.method === 'POST' && url.pathname === '/api/terminal/refund-rejection') {
      // A till refused a refund request that did not check out as signed by this hub: kept for the owner.
      const terminalId = await terminalOfToken(pool, bearer(req));
      const rejection = parsed(RefundRejectionSchema, await jsonBody(req), 'rejection');
      log('a till refused a refund request not signed by this hub', {
        terminal_id: terminalId,
        out_refund_no: rejection.out_refund_no,
        reason: rejection.reason,
      });
      await recordRejection(pool, terminalId, rejection, now());
      send(res, 200, { ok: true });
      return;
    }
    if (req.method === 'POST' && url.pathname === '/api/reconcile') {
      requireAdmin(req);
      const merchants = options.merchants;
      if (!merchants)
        throw new HubError(
          'hub_config',
          'this hub holds no merchants (--merchants): each till reconciles its own',
        );
      const { date } = parsed(ReconcileSchema, await jsonBody(req), 'reconcile');
      const clock: Clock = { now, sleep: (ms, signal) => systemClock.sleep(ms, signal) };
      send(res, 200, { ok: true, results: await reconcileAtHub(pool, merchants, clock, date) });
      return;
    }
    if (req.method === 'POST' && url.pathname === '/api/terminals/refund-right') {
      requireAdmin(req);
      const input = parsed(RefundRightSchema, await jsonBody(req), 'refund right');
      // No cap in the request (the page's buttons): the till keeps the cap it has.
      const cap = input.daily_refund_cap_fen;
      const right = { refunds: input.refunds, ...(cap !== undefined ? { dailyCapFen: cap } : {}) };
      if (!(await setRefundRight(pool, input.terminal_id, right)))
        throw new HubError('hub_not_found', `no terminal ${input.terminal_id} is enrolled`);
      const { terminal_id, refunds } = input;
      const daily_refund_cap_fen = await refundCapOf(pool, terminal_id);
      send(res, 200, { ok: true, terminal_id, refunds, daily_refund_cap_fen });
      return;
    }
    if (req.method === 'POST' && url.pathname === '/api/refunds') {
      requireAdmin(req);
      signingKey();
      const input = parsed(RefundRequestSchema, await jsonBody(req), 'refund');
      send(res, 200, { ok: true, refund: await requestRefund(pool, input, now()) });
      return;
    }
    if (req.method === 'POST' && url.pathname === '/api/terminal/refunds') {
      // A till asks for a refund of any till's sale: its supervisor check was made at that till, and
      // the hub checks that this terminal holds the refund right (a QR device's token does not).
      const asking = await refundingTerminal(pool, bearer(req), now());
      signingKey();
      const input = parsed(RefundRequestSchema.omit({ requested_by: true }), await jsonBody(req), 'refund');
      const refund = await requestRefund(pool, { ...input, requested_by: `till ${asking}` }, now(), asking);
      send(res, 200, { ok: true, refund });
      return;
    }
    if (req.method === 'GET' && url.pathname === '/api/terminal/orders') {
      // A till's refund screen: the sale another till made, found by its exact order number only
      // (a till reads one order it was told about, never a listing of the store). Only a refund
      // screen needs it, so only a terminal with the refund right may.
      await refundingTerminal(pool, bearer(req), now());
      const { order_no } = parsed(TerminalOrderQuerySchema, query, 'query');
      send(res, 200, { ok: true, orders: await findTerminalOrders(pool, order_no) });
      return;
    }
    if (req.method === 'GET' && url.pathname === '/api/terminal/config') {
      await terminalOfToken(pool, bearer(req));
      send(res, 200, { ok: true, config: await currentStoreConfig(pool) });
      return;
    }
    if (
      req.method === 'POST' &&
      (url.pathname === '/api/config' || url.pathname === '/api/config/rollback')
    ) {
      requireAdmin(req);
      const key = options.configKey;
      if (!key)
        throw new HubError(
          'hub_config',
          'this hub has no config key (config_key): it cannot sign store config',
        );
      const json = await jsonBody(req);
      const published =
        url.pathname === '/api/config'
          ? await (async () => {
              const input = parsed(PublishSchema, json, 'config');
              return publishStoreConfig(pool, key, input.body, input.note, now());
            })()
          : await rollbackStoreConfig(pool, key, parsed(RollbackSchema, json, 'rollback').to, now());
      send(res, 200, { ok: true, version: published.version });
      return;
    }
    if (req.method === 'GET' && url.pathname === '/healthz') {
      await pool.query('SELECT 1');
      send(res, 200, { ok: true });
      return;
    }
    if (req.method === 'GET' && url.pathname.startsWith('/api/')) {
      requireAdmin(req);
      switch (url.pathname) {
        case '/api/orders':
          send(res, 200, {
            ok: true,
            ...(await listHubOrders(pool, parsed(OrderQuerySchema, query, 'query'))),
          });
          return;
        case '/api/reports':
          send(res, 200, {
            ok: true,
            rows: await hubReport(pool, parsed(ReportQuerySchema, query, 'query')),
          });
          return;
        case '/api/terminals':
          send(res, 200, { ok: true, terminals: await listTerminals(pool, now()) });
          return;
        case '/api/attention':
          send(res, 200, { ok: true, items: await openAttention(pool) });
          return;
        case '/api/refunds':
          send(res, 200, { ok: true, refunds: await listRefundRequests(pool) });
          return;
        case '/api/refund-rejections':
          send(res, 200, { ok: true, rejections: await listRejections(pool) });
          return;
        case '/api/config':
          send(res, 200, { ok: true, versions: await storeConfigHistory(pool) });
          return;
        case '/api/reconcile':
          send(res, 200, {
            ok: true,
            schedule: daily?.status() ?? null,
            runs: await recentReconcileRuns(pool, 14),
          });
          return;
      }
    }
    if (req.method === 'GET' && !url.pathname.startsWith('/api/')) {
      // The page itself holds no data: every figure comes from the admin API with the token.
      let path: string;
      try {
        path = decodeURIComponent(url.pathname);
      } catch {
        throw new HubError('hub_bad_request', 'the path is not valid percent-encoding');
      }
      serveUiFile(options.staticDir, path, null, res);
      return;
    }
    throw new HubError('hub_not_found', `no route ${req.method} ${url.pathname}`);
  };

  const server: Server = createServer((req, res) => {
    route(req, res).catch((error: unknown) => {
      if (error instanceof HubError) {
        send(res, error.httpStatus, { ok: false, error: error.toJSON() });
        return;
      }
      log('request failed', { path: req.url?.split('?')[0], error: (error as Error)?.message });
      // The database may be away: the terminal keeps its outbox and tries again later.
      const unavailable = new HubError('hub_unavailable', 'the hub could not do that now: try again later');
      send(res, unavailable.httpStatus, { ok: false, error: unavailable.toJSON() });
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    url: `http://${host}:${port}`,
    pool,
    async close() {
      await daily?.stop();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await pool.end();
    },
  };
}
