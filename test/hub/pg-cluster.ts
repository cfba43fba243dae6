/**
 * A throwaway PostgreSQL cluster for the hub's tests and benchmark: `initdb` into a temp dir,
 * `pg_ctl start` on a free loopback port (its socket in the same dir), trust auth on loopback only,
 * and `stop()` shuts it down (fast mode) and removes the dir. Debian's `postgresql` package puts
 * the binaries in /usr/lib/postgresql/<major>/bin, not on PATH: the newest major there is used
 * (or PG_BIN when set). PostgreSQL refuses to run as root, so as root the binaries run as the
 * `postgres` user the package creates (runuser); as anyone else they run as that user.
 *
 * Missing PostgreSQL is an error with the install command, never a silent skip: `npm test`'s
 * pretest (build/scripts/check-system-packages.js) installs the package.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface PgCluster {
  /** postgres://postgres@127.0.0.1:<port>/postgres */
  readonly url: string;
  readonly port: number;
  /** A fresh empty database on this cluster; returns its URL. */
  createDatabase(name: string): Promise<string>;
  stop(): Promise<void>;
}

const INSTALL_HINT =
  'PostgreSQL is not installed: the hub tests need a real server. Install it with ' +
  '`apt-get install -y --no-install-recommends postgresql` (npm test does this in its pretest).';

/** The directory holding initdb and pg_ctl: $PG_BIN, else the newest /usr/lib/postgresql/<major>/bin. */
export function findPgBin(): string {
  const fromEnv = process.env.PG_BIN;
  if (fromEnv) {
    if (!existsSync(join(fromEnv, 'initdb'))) throw new Error(`PG_BIN=${fromEnv} has no initdb`);
    return fromEnv;
  }
  const root = '/usr/lib/postgresql';
  const majors = existsSync(root)
    ? readdirSync(root)
        .filter((name) => /^\d+$/.test(name) && existsSync(join(root, name, 'bin', 'initdb')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (majors.length === 0) throw new Error(INSTALL_HINT);
  return join(root, majors[0]!, 'bin');
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

const isRoot = process.getuid?.() === 0;

/** Runs a PostgreSQL binary, as `postgres` when we are root. Throws with its output on failure. */
function runPg(bin: string, args: readonly string[]): string {
  const [file, argv] = isRoot ? ['runuser', ['-u', 'postgres', '--', bin, ...args]] : [bin, [...args]];
  const result = spawnSync(file, argv, { encoding: 'utf8', timeout: 60_000 });
  if (result.status !== 0)
    throw new Error(
      `${bin} ${args.join(' ')} failed (${result.status ?? result.signal}): ${result.stderr || result.stdout}`,
    );
  return result.stdout;
}

export async function startPgCluster(): Promise<PgCluster> {
  const bin = findPgBin();
  const dir = mkdtempSync(join(tmpdir(), 'scanpay-pg-'));
  const data = join(dir, 'data');
  if (isRoot) {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    chownSync(dir, uid, gid);
  }
  chmodSync(dir, 0o700);
  const port = await freePort();
  try {
    runPg(join(bin, 'initdb'), [
      '-D',
      data,
      '-U',
      'postgres',
      '--auth=trust',
      '--no-sync',
      '--encoding=UTF8',
      '--locale=C',
    ]);
    // fsync off: a test cluster is thrown away, so durability costs time and buys nothing here.
    const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200`;
    runPg(join(bin, 'pg_ctl'), ['-D', data, '-o', options, '-l', join(dir, 'server.log'), '-w', 'start']);
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  let stopped = false;
  return {
    url,
    port,
    async createDatabase(name) {
      if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`bad database name ${name}`);
      const { default: pg } = await import('pg');
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        await client.query(`CREATE DATABASE ${name}`);
      } finally {
        await client.end();
      }
      return `postgres://postgres@127.0.0.1:${port}/${name}`;
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      try {
        runPg(join(bin, 'pg_ctl'), ['-D', data, '-m', 'fast', '-w', 'stop']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
