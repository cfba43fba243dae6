/**
 * The floors `npm run bench` prints beside its figures (bench/lib/floors.ts): the bare server must be
 * startable and pollable exactly like `scanpay serve`, and the measurements must measure something.
 * No figure is asserted against a time: the machine decides those.
 */
import { spawn } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import {
  cpuMs,
  measureFsyncRate,
  measureSqliteCommitRate,
  msUntilHealthy,
  rssMiB,
  type SpawnedServer,
  startBareServer,
} from '../../bench/lib/floors.ts';

let server: SpawnedServer | undefined;
afterEach(async () => {
  await server?.stop();
  server = undefined;
});

describe('the bare ESM HTTP server floor', () => {
  it('prints its URL first and answers /api/health with ready:true, as scanpay serve does', async () => {
    server = await startBareServer();
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const response = await fetch(`${server.url}/api/health`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ready: true });
    expect(await msUntilHealthy(server.url, server.spawnedAt)).toBeGreaterThan(0);
  });

  it('takes node flags and environment, so it can be measured as serve is deployed', async () => {
    server = await startBareServer(['--optimize-for-size'], { MALLOC_ARENA_MAX: '2' });
    const pid = server.child.pid!;
    expect(server.child.spawnargs).toContain('--optimize-for-size');
    expect(rssMiB(pid)).toBeGreaterThan(1);
    expect(cpuMs(pid)).toBeGreaterThan(0);
  });

  it('stops on SIGTERM', async () => {
    server = await startBareServer();
    const child = server.child;
    await server.stop();
    expect(child.exitCode !== null || child.signalCode !== null).toBe(true);
  });
});

describe('CPU time of a process', () => {
  it('counts the CPU time of threads that already ended, such as a finished worker', async () => {
    // The child spins a worker thread, waits for it to end, then reports its own CPU time
    // (getrusage: every thread, ended ones included) and idles.
    const child = spawn(process.execPath, [
      '-e',
      `const { Worker } = require('node:worker_threads');
       const worker = new Worker('const t = Date.now(); let x = 0; while (Date.now() - t < 300) x++;', { eval: true });
       worker.on('exit', () => {
         const { user, system } = process.cpuUsage();
         console.log(JSON.stringify({ cpuMs: (user + system) / 1000 }));
         setInterval(() => {}, 1000);
       });`,
    ]);
    try {
      const line = await new Promise<string>((resolve) =>
        child.stdout.once('data', (d) => resolve(String(d))),
      );
      const reported = (JSON.parse(line) as { cpuMs: number }).cpuMs;
      expect(reported).toBeGreaterThan(100); // the worker did spin
      // Ended threads are counted at clock-tick resolution (10 ms): allow two ticks.
      expect(cpuMs(child.pid!)).toBeGreaterThanOrEqual(reported - 20);
    } finally {
      child.kill();
    }
  });

  it('counts the CPU time of child processes that ended, such as the journal check', async () => {
    // The child runs a grandchild that spins until it has used 200 ms of CPU, waits for it to end,
    // then idles: its own start costs far less than that.
    const child = spawn(process.execPath, [
      '-e',
      `const { spawnSync } = require('node:child_process');
       const spin = 'let x = 0; while (process.cpuUsage().user < 200000) x++;';
       spawnSync(process.execPath, ['-e', spin]);
       console.log('ready');
       setInterval(() => {}, 1000);`,
    ]);
    try {
      await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
      // The grandchild's time is counted at clock-tick resolution (10 ms): allow two ticks.
      expect(cpuMs(child.pid!)).toBeGreaterThanOrEqual(200 - 20);
    } finally {
      child.kill();
    }
  });

  it('counts what the process spends on a CPU, and only grows', () => {
    const before = cpuMs(process.pid);
    let x = 0;
    for (let i = 0; i < 5_000_000; i++) x += Math.sqrt(i);
    expect(x).toBeGreaterThan(0);
    expect(cpuMs(process.pid)).toBeGreaterThan(before);
  });
});

describe('disk and SQLite floors', () => {
  it('report a finite, positive rate for the writes they made', () => {
    for (const rate of [measureFsyncRate(20), measureSqliteCommitRate(20)]) {
      expect(Number.isFinite(rate)).toBe(true);
      expect(rate).toBeGreaterThan(0);
    }
  });
});
