/**
 * `scanpay hub`: the store hub (core/hub/).
 *   scanpay hub [--port N] [--host H] [--database URL] [--admin-token T] [--config FILE] [--config-key file:PEM]
 *       [--merchants DIR [--sandbox URL]]   (DIR/config.json's merchants: the hub reconciles their bills)
 *       serves; prints one JSON line first ({url}) like `serve`, then a sentence on stderr.
 *   scanpay hub add-terminal --database URL --terminal-id T1
 *       enrols a terminal; prints {terminal_id, token} (the only time the token is shown).
 *   scanpay hub revoke-terminal --database URL --terminal-id T1
 *       its token stops working at once; prints {terminal_id, revoked}.
 * The database comes from --database, SCANPAY_HUB_DATABASE or the config file. Both enrolment
 * commands migrate the schema first (under the same advisory lock as the hub), so they work
 * before any hub has started. Exit 2 on bad options or settings.
 */
import type { KeyObject } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { ScanPayError } from '../../common/errors.ts';
import { HubConfigSchema, loadHubConfig } from '../../hub/hub-config.ts';
import { HubError } from '../../hub/hub-errors.ts';
import { migrateHub } from '../../hub/hub-schema.ts';
import { startHub } from '../../hub/hub-server.ts';
import { configPrivateKey } from '../../hub/store-config.ts';
import { enrolTerminal, revokeTerminal } from '../../hub/terminal-tokens.ts';
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

const OWNER_PAGE_DIR = fileURLToPath(new URL('../../../dist/owner', import.meta.url));

function databaseOf(flags: Record<string, string>): string {
  const url = flags.database ?? process.env.SCANPAY_HUB_DATABASE;
  if (!url) throw new CliUsageError('needs --database postgres://… (or SCANPAY_HUB_DATABASE)');
  const checked = HubConfigSchema.shape.database.safeParse(url);
  if (!checked.success) throw new CliUsageError('--database must be a postgres:// connection URL');
  return url;
}

async function enrolment(
  action: 'add-terminal' | 'revoke-terminal',
  args: readonly string[],
): Promise<number> {
  const { flags } = parseArgs(args, { values: ['database', 'terminal-id'] });
  const terminalId = flags['terminal-id'];
  if (!terminalId) throw new CliUsageError(`${action} needs --terminal-id`);
  const pool = new pg.Pool({ connectionString: databaseOf(flags), max: 1 });
  try {
    await migrateHub(pool);
    if (action === 'add-terminal') {
      const token = await enrolTerminal(pool, terminalId, Date.now());
      console.log(JSON.stringify({ terminal_id: terminalId, token }));
      return 0;
    }
    const known = await revokeTerminal(pool, terminalId, Date.now());
    if (!known) {
      console.error(`scanpay hub revoke-terminal: no terminal ${terminalId} is enrolled`);
      console.log(
        JSON.stringify({ ok: false, error: { code: 'hub_not_found', message: `no terminal ${terminalId}` } }),
      );
      return 1;
    }
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
      if (first === 'add-terminal' || first === 'revoke-terminal') return await enrolment(first, rest);
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
