/**
 * Starts `node bin/scanpay.js <command>` as a child process the way a kiosk's supervisor would,
 * reads the one JSON line the command prints first, and stops it with SIGTERM (SIGKILL after a
 * bounded wait). Also reads a process's resident memory from /proc (Linux).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const SCANPAY = fileURLToPath(new URL('../../bin/scanpay.js', import.meta.url));

export interface ScanpayChild {
  readonly child: ChildProcess;
  /** The first stdout line, parsed. */
  readonly first: Record<string, unknown>;
  /** performance.now() when the process was spawned. */
  readonly spawnedAt: number;
  stop(): Promise<void>;
}

export function startScanpay(
  args: readonly string[],
  nodeArgs: readonly string[] = [],
  timeoutMs = 30_000,
  env: Readonly<Record<string, string>> = {},
): Promise<ScanpayChild> {
  const spawnedAt = performance.now();
  const child = spawn(process.execPath, [...nodeArgs, SCANPAY, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  });
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    if (stderr.length < 10_000) stderr += chunk;
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  };
  return new Promise((resolve, reject) => {
    let buffered = '';
    const timer = setTimeout(() => {
      void stop();
      reject(new Error(`scanpay ${args[0]} printed nothing in ${timeoutMs} ms: ${stderr}`));
    }, timeoutMs);
    child.stdout!.setEncoding('utf8').on('data', function onData(chunk: string) {
      buffered += chunk;
      const newline = buffered.indexOf('\n');
      if (newline < 0) return;
      child.stdout!.off('data', onData);
      child.stdout!.resume();
      clearTimeout(timer);
      try {
        resolve({ child, first: JSON.parse(buffered.slice(0, newline)), spawnedAt, stop });
      } catch {
        void stop();
        reject(new Error(`scanpay ${args[0]} printed ${buffered.slice(0, newline)}`));
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`scanpay ${args[0]} exited with ${code}: ${stderr}`));
    });
  });
}

/** VmRSS of a process in MiB, from /proc/<pid>/status. */
export function rssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
  if (!kib) throw new Error(`no VmRSS for process ${pid}`);
  return Number(kib[1]) / 1024;
}
