/**
 * `scanpay hub add-terminal --refunds`, `grant-refunds` and `revoke-refunds` as the owner meets them
 * (bin/scanpay.js in a child process, a real PostgreSQL): the right and its daily cap land in the
 * hub's registry, a bad cap or an unknown terminal is a clear error that changes nothing.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listTerminals } from '../../core/hub/hub-reads.ts';
import { type PgCluster, startPgCluster } from '../hub/pg-cluster.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const pinnedNode = join(ROOT, 'node_modules', '.bin', 'node');
const node = existsSync(pinnedNode) ? pinnedNode : process.execPath;

let cluster: PgCluster;
let database: string;
let pool: pg.Pool;

function hubCli(...args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(node, ['bin/scanpay.js', 'hub', ...args, '--database', database], { cwd: ROOT });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString();
    });
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString();
    });
    child.on('exit', (status) => resolve({ status, stdout, stderr }));
  });
}

async function rights(): Promise<Record<string, [boolean, number | null]>> {
  const rows = await listTerminals(pool, Date.now());
  return Object.fromEntries(rows.map((r) => [r.terminal_id, [r.refunds, r.refund_daily_cap_fen]]));
}

beforeAll(async () => {
  cluster = await startPgCluster();
  database = await cluster.createDatabase('hub_cli_rights');
  pool = new pg.Pool({ connectionString: database, max: 1 });
});
afterAll(async () => {
  await pool?.end();
  await cluster?.stop();
});

/** `scanpay hub` serving on `host`: its stderr up to the "is serving" sentence, then stopped. */
function hubServeStderr(host: string): Promise<string> {
  const child = spawn(
    node,
    ['bin/scanpay.js', 'hub', '--host', host, '--port', '0', '--database', database],
    { cwd: ROOT, env: { ...process.env, SCANPAY_HUB_ADMIN_TOKEN: 'admin-token-for-the-cli-warning' } },
  );
  return new Promise((resolve, reject) => {
    let stderr = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`hub did not start: ${stderr}`));
    }, 60_000);
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      if (stderr.includes('is serving')) {
        clearTimeout(timer);
        child.once('exit', () => resolve(stderr));
        child.kill('SIGTERM');
      }
    });
  });
}

describe('scanpay hub on the network', () => {
  it('warns that it speaks plain HTTP and names the fix; on loopback it is quiet', async () => {
    const lan = await hubServeStderr('0.0.0.0');
    expect(lan).toMatch(/warning: .*plain HTTP.*https:\/\//);
    expect(lan).not.toContain('admin-token-for-the-cli-warning');
    expect(await hubServeStderr('127.0.0.1')).not.toContain('warning');
  }, 120_000);
});

describe('scanpay hub: the refund right per terminal', () => {
  it('enrols with or without the right, and says which in its line', async () => {
    const till = await hubCli('add-terminal', '--terminal-id', 'T1', '--refunds');
    expect(till.status).toBe(0);
    expect(JSON.parse(till.stdout)).toMatchObject({
      terminal_id: 'T1',
      refunds: true,
      daily_refund_cap_fen: null,
    });
    const chair = await hubCli('add-terminal', '--terminal-id', 'QR1');
    expect(JSON.parse(chair.stdout)).toMatchObject({ terminal_id: 'QR1', refunds: false });
    expect(await rights()).toEqual({ QR1: [false, null], T1: [true, null] });
  });

  it('grants with a daily cap in yuan and revokes later', async () => {
    const granted = await hubCli('grant-refunds', '--terminal-id', 'QR1', '--daily-refund-cap', '200.50');
    expect(granted.status).toBe(0);
    expect(JSON.parse(granted.stdout)).toEqual({
      terminal_id: 'QR1',
      refunds: true,
      daily_refund_cap_fen: 20050,
    });
    const revoked = await hubCli('revoke-refunds', '--terminal-id', 'T1');
    expect(JSON.parse(revoked.stdout)).toEqual({
      terminal_id: 'T1',
      refunds: false,
      daily_refund_cap_fen: null,
    });
    expect(await rights()).toEqual({ QR1: [true, 20050], T1: [false, null] });
  });

  it('refuses a bad cap or an unknown terminal and changes nothing', async () => {
    const bad = await hubCli('grant-refunds', '--terminal-id', 'T1', '--daily-refund-cap', '-5');
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('--daily-refund-cap');
    const unknown = await hubCli('grant-refunds', '--terminal-id', 'NOPE');
    expect(unknown.status).toBe(1);
    expect(JSON.parse(unknown.stdout)).toMatchObject({ ok: false, error: { code: 'hub_not_found' } });
    const capOnRevoke = await hubCli('revoke-refunds', '--terminal-id', 'QR1', '--daily-refund-cap', '5');
    expect(capOnRevoke.status).toBe(2);
    expect(await rights()).toEqual({ QR1: [true, 20050], T1: [false, null] });
  });
});
