/** scanpay hub's settings: command line over environment over config file, secrets by reference, problems named without values. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadHubConfig } from '../../core/hub/hub-config.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function file(name: string, text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'scanpay-hubcfg-'));
  dirs.push(dir);
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

const TOKEN = 'a-long-enough-admin-token-000000';

describe('loadHubConfig', () => {
  it('takes the command line over the environment over the file', () => {
    const config = file(
      'hub.json',
      JSON.stringify({ database: 'postgres://file/db', admin_token: TOKEN, port: 1111, pool_max: 3 }),
    );
    const env = { SCANPAY_HUB_DATABASE: 'postgres://env/db', SCANPAY_HUB_PORT: '2222' };
    expect(loadHubConfig({ config }, env)).toMatchObject({
      database: 'postgres://env/db',
      port: 2222,
      pool_max: 3,
    });
    expect(loadHubConfig({ config, port: '3333', database: 'postgres://flag/db' }, env)).toMatchObject({
      database: 'postgres://flag/db',
      port: 3333,
    });
  });

  it('reads the admin token from a file: or env: reference', () => {
    const secret = file('token', `${TOKEN}\n`);
    expect(
      loadHubConfig({ database: 'postgres://h/d', 'admin-token': `file:${secret}` }, {}).admin_token,
    ).toBe(TOKEN);
    expect(
      loadHubConfig({ database: 'postgres://h/d', 'admin-token': 'env:T' }, { T: TOKEN }).admin_token,
    ).toBe(TOKEN);
    expect(() => loadHubConfig({ database: 'postgres://h/d', 'admin-token': 'env:NOPE' }, {})).toThrow(
      /admin_token: environment variable NOPE is not set/,
    );
  });

  it('takes the daily reconciliation time from the config file, 10:30 by default', () => {
    const base = { database: 'postgres://h/d', 'admin-token': TOKEN };
    expect(loadHubConfig(base, {}).reconcile_at).toBe('10:30');
    const at = file('hub.json', JSON.stringify({ reconcile_at: '11:15' }));
    expect(loadHubConfig({ ...base, config: at }, {}).reconcile_at).toBe('11:15');
    const bad = file('bad.json', JSON.stringify({ reconcile_at: '25:00' }));
    expect(() => loadHubConfig({ ...base, config: bad }, {})).toThrow(/reconcile_at: HH:MM, Beijing time/);
  });

  it('names every problem and never echoes a secret', () => {
    const run = () =>
      loadHubConfig({ database: 'mysql://x', 'admin-token': 'short-secret', port: 'eighty' }, {});
    expect(run).toThrow(/database: a postgres:\/\/ connection URL/);
    expect(run).toThrow(/admin_token: at least 24 characters/);
    expect(run).toThrow(/port/);
    try {
      run();
    } catch (error) {
      expect((error as Error).message).not.toContain('short-secret');
      expect((error as { code?: string }).code).toBe('hub_config');
    }
  });
});
