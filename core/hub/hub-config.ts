/**
 * `scanpay hub`'s settings, from (highest first) the command line, the environment
 * (SCANPAY_HUB_DATABASE, SCANPAY_HUB_ADMIN_TOKEN, SCANPAY_HUB_PORT, SCANPAY_HUB_HOST,
 * SCANPAY_HUB_CONFIG_KEY) and a JSON config file (`--config FILE`: {"database", "admin_token",
 * "port", "host", "pool_max", "config_key", "reconcile_at"}), validated
 * with zod. The admin token and config key may be written as `env:NAME` or `file:/path` so the file can be shared.
 * Problems name the setting, never its value.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { HubError } from './hub-errors.ts';

export const HubConfigSchema = z.strictObject({
  database: z.string().regex(/^postgres(ql)?:\/\//, 'a postgres:// connection URL'),
  admin_token: z.string().min(24, 'at least 24 characters'),
  host: z.string().min(1).default('127.0.0.1'),
  port: z.number().int().min(0).max(65535).default(8418),
  /** Connections per hub process; PostgreSQL's max_connections bounds the sum over all hubs. */
  pool_max: z.number().int().min(1).max(100).default(10),
  /** Ed25519 private key (PEM; write it as file:/path) that signs store config versions. */
  config_key: z.string().includes('PRIVATE KEY', { error: 'a PEM private key' }).optional(),
  /**
   * When the daily reconciliation runs (a hub with --merchants), HH:MM Beijing time: after the
   * providers publish the previous day's bills (WeChat from 10:00; docs/protocols.md, "Bills").
   */
  reconcile_at: z
    .string()
    .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'HH:MM, Beijing time')
    .default('10:30'),
});
export type HubConfig = z.infer<typeof HubConfigSchema>;

function resolveSecret(value: unknown, env: NodeJS.ProcessEnv, name: string): unknown {
  if (typeof value !== 'string') return value;
  if (value.startsWith('env:')) {
    const variable = value.slice(4);
    const found = env[variable];
    if (found === undefined)
      throw new HubError('hub_config', `${name}: environment variable ${variable} is not set`);
    return found;
  }
  if (value.startsWith('file:')) {
    try {
      return readFileSync(value.slice(5), 'utf8').trim();
    } catch {
      throw new HubError('hub_config', `${name}: cannot read ${value.slice(5)}`);
    }
  }
  return value;
}

export function loadHubConfig(
  flags: Readonly<Record<string, string>>,
  env: NodeJS.ProcessEnv = process.env,
): HubConfig {
  let file: Record<string, unknown> = {};
  if (flags.config) {
    try {
      file = JSON.parse(readFileSync(flags.config, 'utf8')) as Record<string, unknown>;
    } catch (error) {
      throw new HubError(
        'hub_config',
        `--config ${flags.config}: ${(error as Error).message.split('\n')[0]}`,
      );
    }
  }
  const port = flags.port ?? env.SCANPAY_HUB_PORT;
  const merged: Record<string, unknown> = {
    ...file,
    ...(env.SCANPAY_HUB_DATABASE ? { database: env.SCANPAY_HUB_DATABASE } : {}),
    ...(env.SCANPAY_HUB_ADMIN_TOKEN ? { admin_token: env.SCANPAY_HUB_ADMIN_TOKEN } : {}),
    ...(env.SCANPAY_HUB_HOST ? { host: env.SCANPAY_HUB_HOST } : {}),
    ...(env.SCANPAY_HUB_CONFIG_KEY ? { config_key: env.SCANPAY_HUB_CONFIG_KEY } : {}),
    ...(flags['config-key'] ? { config_key: flags['config-key'] } : {}),
    ...(flags.database ? { database: flags.database } : {}),
    ...(flags['admin-token'] ? { admin_token: flags['admin-token'] } : {}),
    ...(flags.host ? { host: flags.host } : {}),
    ...(port !== undefined ? { port: /^\d+$/.test(port) ? Number(port) : port } : {}),
  };
  merged.admin_token = resolveSecret(merged.admin_token, env, 'admin_token');
  if (merged.config_key !== undefined)
    merged.config_key = resolveSecret(merged.config_key, env, 'config_key');
  const result = HubConfigSchema.safeParse(merged);
  if (!result.success) {
    const problems = result.error.issues.map((i) => `${i.path.join('.') || 'config'}: ${i.message}`);
    throw new HubError('hub_config', problems.join('; '));
  }
  return result.data;
}
