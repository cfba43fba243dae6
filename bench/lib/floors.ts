/**
 * Floors for the benchmark figures, measured in the same run on the same machine (issue 20): what
 * the hardware and Node give with none of our code, so each figure can be printed as a ratio.
 * - a bare ESM HTTP server (node:http, no dependency): spawn → first healthy answer, and its resident
 *   memory once idle, started exactly as `scanpay serve` is measured;
 * - a raw fsync loop: 4 KiB written and fdatasync'ed, the most durable writes per second the disk gives;
 * - raw SQLite commits: node:sqlite in WAL mode with synchronous=FULL (as the journal opens it), one
 *   INSERT per transaction, nothing else.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import {
  closeSync,
  fdatasyncSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';

/**
 * The bare server: prints `{"url":…}` first as `scanpay serve` does, answers `{"ready":true}`. ESM
 * (`--input-type=module`) like our service, so the module loader it pays for is the same.
 */
const BARE_SERVER = `
import { createServer } from 'node:http';
const server = createServer((request, response) => {
  response.writeHead(200, { 'content-type': 'application/json' });
  response.end('{"ready":true}');
});
server.listen(0, '127.0.0.1', () => {
  console.log(JSON.stringify({ url: 'http://127.0.0.1:' + server.address().port }));
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
`;

export interface SpawnedServer {
  readonly child: ChildProcess;
  readonly url: string;
  /** performance.now() at spawn. */
  readonly spawnedAt: number;
  stop(): Promise<void>;
}

/** Starts the bare server with the given node flags and environment; resolves on its first line. */
export function startBareServer(
  nodeArgs: readonly string[] = [],
  env: Readonly<Record<string, string>> = {},
): Promise<SpawnedServer> {
  const spawnedAt = performance.now();
  const child = spawn(process.execPath, [...nodeArgs, '--input-type=module', '-e', BARE_SERVER], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, ...env },
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void stop();
      reject(new Error('the bare server printed nothing in 10 s'));
    }, 10_000);
    let buffered = '';
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      buffered += chunk;
      const newline = buffered.indexOf('\n');
      if (newline < 0) return;
      clearTimeout(timer);
      const { url } = JSON.parse(buffered.slice(0, newline)) as { url: string };
      resolve({ child, url, spawnedAt, stop });
    });
    child.once('exit', (code) => reject(new Error(`the bare server exited with ${code}`)));
  });
}

/** Polls `<url>/api/health` until 200 with ready:true (bounded); returns ms since spawn. */
export async function msUntilHealthy(url: string, spawnedAt: number): Promise<number> {
  for (let tries = 0; tries < 2000; tries++) {
    try {
      const response = await fetch(`${url}/api/health`);
      if (response.status === 200) {
        const body = (await response.json()) as { ready?: boolean };
        if (body.ready === true) return performance.now() - spawnedAt;
      }
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error(`${url} never became healthy`);
}

/** VmRSS of a process in MiB, from /proc/<pid>/status (Linux). */
export function rssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
  if (!kib) throw new Error(`no VmRSS for process ${pid}`);
  return Number(kib[1]) / 1024;
}

/**
 * CPU time a process has used so far, all its threads (V8's compiler and GC threads included), in ms:
 * the first field of /proc/<pid>/task/<tid>/schedstat is nanoseconds on a CPU (Linux). Unlike the
 * wall-clock start it hardly depends on what else the machine runs, so on a shared machine it is
 * the steadier figure to compare with the floor. Threads that already ended (a worker thread, such
 * as the journal check's at start) are no longer listed there: their time is what the process's
 * utime + stime (/proc/<pid>/stat, in clock ticks, dead threads included) holds beyond the live
 * threads' own, so it is added at tick resolution (10 ms). So is the time of its child processes
 * that ended and were waited for (cutime + cstime: serve's journal check over a large journal runs
 * in one, core/journal/journal-check.ts), which is work the start costs as much as its own.
 */
export function cpuMs(pid: number): number {
  let ns = 0;
  let liveTicks = 0;
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      const threadNs = Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0]);
      const threadTicks = statTicks(`/proc/${pid}/task/${tid}/stat`);
      ns += threadNs;
      liveTicks += threadTicks;
    } catch {
      // the thread ended between the listing and the read
    }
  }
  // After the threads: read first, the process's total missed what its threads ran while they were
  // being read, and the ended threads' share came out a tick short (CI caught a reading lower than
  // the one before it).
  const wholeTicks = statTicks(`/proc/${pid}/stat`);
  const endedTicks = Math.max(0, wholeTicks - liveTicks);
  const childTicks = statTicks(`/proc/${pid}/stat`, 'children');
  const reading = ns / 1e6 + ((endedTicks + childTicks) * 1000) / CLOCK_TICKS_PER_SECOND;
  // A thread that ends between two readings moves from nanoseconds to whole ticks, which can round
  // down: CPU time never goes back, so neither does the figure for a process read twice.
  // Keyed by the process's start time too: a process id can be reused by a later process.
  const key = `${pid}:${startTicks(`/proc/${pid}/stat`)}`;
  const highest = Math.max(reading, highestCpuMs.get(key) ?? 0);
  highestCpuMs.set(key, highest);
  return highest;
}

/** The highest cpuMs reading per process (id and start time; see cpuMs). */
const highestCpuMs = new Map<string, number>();

/** Field 22 of a /proc stat line: when the process started, in ticks since boot. */
function startTicks(path: string): string {
  const line = readFileSync(path, 'utf8');
  return line.slice(line.lastIndexOf(')') + 2).split(' ')[19] ?? '';
}

/** USER_HZ, the unit of /proc's utime and stime: 100 on every Linux this runs on. */
const CLOCK_TICKS_PER_SECOND = 100;

/**
 * utime + stime of a /proc stat line (or cutime + cstime, its waited-for children's); fields are
 * counted after the command name, which may hold spaces.
 */
function statTicks(path: string, whose: 'own' | 'children' = 'own'): number {
  const line = readFileSync(path, 'utf8');
  const fields = line.slice(line.lastIndexOf(')') + 2).split(' ');
  // fields[0] is field 3 (state); utime, stime, cutime, cstime are fields 14 to 17.
  return whose === 'own' ? Number(fields[11]) + Number(fields[12]) : Number(fields[13]) + Number(fields[14]);
}

/** How long a server is left alone before its idle RSS is read: start-up garbage, timers settled. */
export const IDLE_SETTLE_MS = 2000;

export interface BareServerFloor {
  /** spawn → first healthy answer, one value per run, ms. */
  readonly startMs: number[];
  /** CPU time used by then (cpuMs), one value per run. */
  readonly startCpuMs: number[];
  /** VmRSS after IDLE_SETTLE_MS idle, one value per run, MiB. */
  readonly idleRssMiB: number[];
}

/** `runs` starts of the bare server, each timed to its first healthy answer, then its idle RSS. */
export async function measureBareServer(
  runs: number,
  nodeArgs: readonly string[] = [],
  env: Readonly<Record<string, string>> = {},
): Promise<BareServerFloor> {
  const startMs: number[] = [];
  const startCpuMs: number[] = [];
  const idleRssMiB: number[] = [];
  for (let run = 0; run < runs; run++) {
    const server = await startBareServer(nodeArgs, env);
    try {
      startMs.push(await msUntilHealthy(server.url, server.spawnedAt));
      startCpuMs.push(cpuMs(server.child.pid!));
      await new Promise((resolve) => setTimeout(resolve, IDLE_SETTLE_MS));
      idleRssMiB.push(rssMiB(server.child.pid!));
    } finally {
      await server.stop();
    }
  }
  return { startMs, startCpuMs, idleRssMiB };
}

/** fdatasync'ed 4 KiB writes per second, in a temporary directory on the benchmark's file system. */
export function measureFsyncRate(count: number, dir = tmpdir()): number {
  const work = mkdtempSync(join(dir, 'scanpay-floor-fsync-'));
  const fd = openSync(join(work, 'f'), 'w');
  const block = Buffer.alloc(4096, 7);
  try {
    const started = performance.now();
    for (let i = 0; i < count; i++) {
      writeSync(fd, block, 0, block.length, 0);
      fdatasyncSync(fd);
    }
    return (count / (performance.now() - started)) * 1000;
  } finally {
    closeSync(fd);
    rmSync(work, { recursive: true, force: true });
  }
}

/** Committed single-row transactions per second, WAL + synchronous=FULL, as the journal opens SQLite. */
export function measureSqliteCommitRate(count: number, dir = tmpdir()): number {
  const work = mkdtempSync(join(dir, 'scanpay-floor-sqlite-'));
  const db = new DatabaseSync(join(work, 'floor.sqlite'));
  try {
    db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;');
    db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT NOT NULL)');
    const insert = db.prepare('INSERT INTO t (body) VALUES (?)');
    const body = 'x'.repeat(200);
    const started = performance.now();
    for (let i = 0; i < count; i++) {
      db.exec('BEGIN IMMEDIATE');
      insert.run(body);
      db.exec('COMMIT');
    }
    return (count / (performance.now() - started)) * 1000;
  } finally {
    db.close();
    rmSync(work, { recursive: true, force: true });
  }
}
