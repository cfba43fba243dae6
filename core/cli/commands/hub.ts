/**
 * `scanpay hub`: the store hub (core/hub/).
 *   scanpay hub [--port N] [--host H] [--database URL] [--admin-token T] [--config FILE] [--config-key file:PEM]
 *       [--merchants DIR [--sandbox URL]]   (DIR/config.json's merchants: the hub reconciles their bills)
 *       serves; prints one JSON line first ({url}) like `serve`, then a sentence on stderr.
 *   scanpay hub add-terminal --database URL --terminal-id T1 [--refunds [--daily-refund-cap YUAN]]
 *       enrols a terminal; prints {terminal_id, token, refunds, daily_refund_cap_fen} (the only time
 *       the token is shown). --refunds: it may refund other tills' sales (a cashier till; never an
 *       unattended QR device, whose token sits on a device in a public place).
 *   scanpay hub revoke-terminal --database URL --terminal-id T1
 *       its token stops working at once; prints {terminal_id, revoked}.
 *   scanpay hub grant-refunds --database URL --terminal-id T1 [--daily-refund-cap YUAN]
 *   scanpay hub revoke-refunds --database URL --terminal-id T1
 *       gives or takes back the refund right; prints {terminal_id, refunds, daily_refund_cap_fen}.
 *   scanpay hub discard-outbox --terminal-id OLD [--data DIR] [--yes]   (at a till, service stopped:
 *       drops the changes made under an old terminal id that never reached the hub: ./hub-discard-outbox.ts)
 * The cap is typed in yuan ("200.50") as the owner thinks of it, turned into fen once here.
 * The database comes from --database, SCANPAY_HUB_DATABASE or the config file. The enrolment
 * commands migrate the schema first (under the same advisory lock as the hub), so they work
 * before any hub has started. Exit 2 on bad options or settings, 1 for an unknown terminal.
 */
import type { KeyObject } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { ScanPayError } from '../../common/errors.ts';
import { yuanToFen } from '../../common/money.ts';
import { HubConfigSchema, loadHubConfig } from '../../hub/hub-config.ts';
import { HubError } from '../../hub/hub-errors.ts';
import { migrateHub } from '../../hub/hub-schema.ts';
import { startHub } from '../../hub/hub-server.ts';
import { configPrivateKey } from '../../hub/store-config.ts';
import {
  enrolTerminal,
  type RefundRight,
  revokeTerminal,
  setRefundRight,
} from '../../hub/terminal-tokens.ts';
import { systemClock } from '../../ports/clock.ts';
import { loadConfig } from '../../service/config/load-config.ts';
import {
  buildMerchants,
  needsSandbox,
  type SandboxEndpoint,
  type ServiceMerchants,
} from '../../service/merchants.ts';
import { sandboxEndpointAt } from '../../service/sandbox-endpoint.ts';
import { type CliCommand, CliUsageError, parseArgs } from '../cli-command.ts';
import { discardOutbox } from './hub-discard-outbox.ts';

const OWNER_PAGE_DIR = fileURLToPath(new URL('../../../dist/owner', import.meta.url));

function databaseOf(flags: Record<string, string>): string {
  const url = flags.database ?? process.env.SCANPAY_HUB_DATABASE;
  if (!url) throw new CliUsageError('needs --database postgres://… (or SCANPAY_HUB_DATABASE)');
  const checked = HubConfigSchema.shape.database.safeParse(url);
  if (!checked.success) throw new CliUsageError('--database must be a postgres:// connection URL');
  return url;
}

type EnrolmentAction = 'add-terminal' | 'revoke-terminal' | 'grant-refunds' | 'revoke-refunds';
const ENROLMENT_ACTIONS: readonly string[] = [
  'add-terminal',
  'revoke-terminal',
  'grant-refunds',
  'revoke-refunds',
];

/** The refund right the command line asks for (add-terminal, grant-refunds, revoke-refunds). */
function rightOf(action: EnrolmentAction, flags: Record<string, string>): RefundRight {
  const capText = flags['daily-refund-cap'];
  const refunds = action === 'grant-refunds' || (action === 'add-terminal' && flags.refunds === 'true');
  if (capText === undefined) return { refunds, dailyCapFen: null };
  if (!refunds)
    throw new CliUsageError('--daily-refund-cap goes with the refund right (--refunds, grant-refunds)');
  let fen: number;
  try {
    fen = yuanToFen(capText);
  } catch {
    throw new CliUsageError(
      `--daily-refund-cap must be a yuan amount such as 200 or 200.50, not ${JSON.stringify(capText.slice(0, 20))}`,
    );
  }
  if (fen <= 0) throw new CliUsageError('--daily-refund-cap must be more than 0 (leave it out for no cap)');
  return { refunds, dailyCapFen: fen };
}

function notEnrolled(action: string, terminalId: string): number {
  console.error(`scanpay hub ${action}: no terminal ${terminalId} is enrolled`);
  console.log(
    JSON.stringify({ ok: false, error: { code: 'hub_not_found', message: `no terminal ${terminalId}` } }),
  );
  return 1;
}

async function enrolment(action: EnrolmentAction, args: readonly string[]): Promise<number> {
  const { flags } = parseArgs(args, {
    values: ['database', 'terminal-id', ...(action === 'revoke-terminal' ? [] : ['daily-refund-cap'])],
    booleans: action === 'add-terminal' ? ['refunds'] : [],
  });
  const terminalId = flags['terminal-id'];
  if (!terminalId) throw new CliUsageError(`${action} needs --terminal-id`);
  const right = action === 'revoke-terminal' ? null : rightOf(action, flags);
  const pool = new pg.Pool({ connectionString: databaseOf(flags), max: 1 });
  try {
    await migrateHub(pool);
    const rightLine = right && { refunds: right.refunds, daily_refund_cap_fen: right.dailyCapFen ?? null };
    if (action === 'add-terminal' && right) {
      const token = await enrolTerminal(pool, terminalId, Date.now(), right);
      console.log(JSON.stringify({ terminal_id: terminalId, token, ...rightLine }));
      return 0;
    }
    if (right) {
      if (!(await setRefundRight(pool, terminalId, right))) return notEnrolled(action, terminalId);
      console.log(JSON.stringify({ terminal_id: terminalId, ...rightLine }));
      return 0;
    }
    if (!(await revokeTerminal(pool, terminalId, Date.now()))) return notEnrolled(action, terminalId);
    console.log(JSON.stringify({ terminal_id: terminalId, revoked: true }));
    return 0;
  } finally {
    await pool.end();
  }
}

/**
 * The merchants the hub reconciles: DIR/config.json in the terminal's format (its `merchants`, with
 * file:/env:/keychain: secret references), validated by the terminal's own loader. Sandbox
 * gateways need --sandbox URL (a running `scanpay sandbox`).
 */
async function merchantsFrom(dir: string, sandboxUrl: string | undefined): Promise<ServiceMerchants> {
  const { config } = loadConfig(dir);
  let sandbox: SandboxEndpoint | null = null;
  if (needsSandbox(config)) {
    if (!sandboxUrl) throw new CliUsageError(`--merchants ${dir} uses sandbox gateways: add --sandbox URL`);
    sandbox = await sandboxEndpointAt(sandboxUrl);
  }
  return buildMerchants(config, sandbox, systemClock);
}

async function serveHub(args: readonly string[]): Promise<number> {
  const { flags } = parseArgs(args, {
    values: ['port', 'host', 'database', 'admin-token', 'config', 'config-key', 'merchants', 'sandbox'],
  });
  const config = loadHubConfig(flags);
  let configKey: KeyObject | undefined;
  try {
    configKey = config.config_key ? configPrivateKey(config.config_key) : undefined;
  } catch (error) {
    throw new HubError('hub_config', `config_key: ${(error as Error).message}`);
  }
  const hub = await startHub({
    databaseUrl: config.database,
    adminToken: config.admin_token,
    host: config.host,
    port: config.port,
    poolMax: config.pool_max,
    staticDir: OWNER_PAGE_DIR,
    ...(configKey ? { configKey } : {}),
    ...(flags.merchants ? { merchants: await merchantsFrom(flags.merchants, flags.sandbox) } : {}),
    dailyReconcile: { at: config.reconcile_at },
    log: (message, fields) =>
      console.error(JSON.stringify({ at: new Date().toISOString(), message, ...fields })),
  });
  console.log(JSON.stringify({ url: hub.url }));
  // The hub itself speaks plain HTTP: tokens and the tills' sales need TLS in front of it on a network.
  if (!['127.0.0.1', 'localhost', '::1'].includes(config.host))
    console.error(
      `scanpay hub: warning: it serves plain HTTP on ${config.host}: put TLS in front of it (a reverse proxy or load balancer) ` +
        'and give the tills its https:// address (docs/scale.md, "Transport")',
    );
  console.error(`ScanPay hub is serving ${hub.url}. Ctrl+C stops it.`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
  await hub.close();
  return 0;
}

export const command: CliCommand = {
  async run(args) {
    const [first, ...rest] = args;
    try {
      if (first === 'discard-outbox') return await discardOutbox(rest);
      if (first !== undefined && ENROLMENT_ACTIONS.includes(first))
        return await enrolment(first as EnrolmentAction, rest);
      return await serveHub(args);
    } catch (error) {
      // The hub's own settings, or the merchants' config.json (the terminal's loader: a ScanPayError).
      if (error instanceof HubError || error instanceof ScanPayError) {
        console.error(`scanpay hub: ${error.message}`);
        console.log(JSON.stringify({ ok: false, error: error.toJSON() }));
        return 2;
      }
      throw error;
    }
  },
};
