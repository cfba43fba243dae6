/**
 * Reads and validates `<data dir>/config.json`. A missing file means "newcomer": the built-in
 * sandbox merchant, so the terminal works at once. A malformed file stops the start with every
 * problem named by key; secret references (`file:…`, `env:…`, `keychain:<service>/<account>`)
 * are resolved here and their values never appear in an error.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../../common/errors.ts';
import { type KeychainReader, osKeychainReader, parseKeychainRef } from './keychain.ts';
import { type ServiceConfig, ServiceConfigSchema } from './service-config.ts';

export const CONFIG_FILE = 'config.json';

export interface LoadedConfig {
  readonly config: ServiceConfig;
  /** True when no file existed and the sandbox defaults are in use. */
  readonly defaulted: boolean;
  readonly path: string;
}

export function loadConfig(
  dataDir: string,
  env: NodeJS.ProcessEnv = process.env,
  keychain: KeychainReader = osKeychainReader(env),
): LoadedConfig {
  const path = join(dataDir, CONFIG_FILE);
  if (!existsSync(path)) {
    return { config: ServiceConfigSchema.parse({}), defaulted: true, path };
  }
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new ConfigError('config_unreadable', `${path} is not valid JSON: ${(error as Error).message}`, {
      path,
    });
  }
  return { config: parseConfig(resolveSecretRefs(raw, env, [], keychain), path), defaulted: false, path };
}

export function parseConfig(raw: unknown, where = 'config'): ServiceConfig {
  const result = ServiceConfigSchema.safeParse(raw);
  if (result.success) return result.data;
  const issues = result.error.issues.map((issue) => ({
    key: issue.path.map(String).join('.') || '(root)',
    problem: issue.message,
  }));
  throw new ConfigError(
    'config_invalid',
    `${where} is invalid: ${issues.map((i) => `${i.key}: ${i.problem}`).join('; ')}`,
    { issues },
  );
}

/** Replaces string values `file:/path`, `env:NAME` and `keychain:service/account` with what they point at. */
export function resolveSecretRefs(
  value: unknown,
  env: NodeJS.ProcessEnv,
  path: readonly string[],
  keychain: KeychainReader = osKeychainReader(env),
): unknown {
  if (typeof value === 'string') {
    if (value.startsWith('keychain:')) {
      const key = path.join('.');
      const { service, account } = parseKeychainRef(value, key);
      return keychain(service, account, key);
    }
    if (value.startsWith('file:')) {
      const file = value.slice(5);
      try {
        return readFileSync(file, 'utf8').trim();
      } catch {
        throw new ConfigError(
          'config_secret_unreadable',
          `${path.join('.')}: cannot read the file it refers to`,
          { key: path.join('.') },
        );
      }
    }
    if (value.startsWith('env:')) {
      const name = value.slice(4);
      const resolved = env[name];
      if (resolved === undefined) {
        throw new ConfigError(
          'config_secret_missing',
          `${path.join('.')}: environment variable ${name} is not set`,
          { key: path.join('.') },
        );
      }
      return resolved;
    }
    return value;
  }
  if (Array.isArray(value))
    return value.map((item, i) => resolveSecretRefs(item, env, [...path, String(i)], keychain));
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, resolveSecretRefs(v, env, [...path, k], keychain)]),
    );
  }
  return value;
}
