/**
 * Child processes of the chaos run: the standalone `scanpay sandbox` (stays up: its ledger is the
 * truth) and `scanpay serve` joined to it, which the harness SIGKILLs and restarts on the same data
 * dir. Each is started with the pinned Node 24 and read through its first JSON line.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

export const ROOT = join(import.meta.dirname, '..', '..');
const PINNED_NODE = join(ROOT, 'node_modules', '.bin', 'node');
const NODE = existsSync(PINNED_NODE) ? PINNED_NODE : process.execPath;

export interface Child {
  readonly url: string;
  readonly process: ChildProcess;
  /** The last stderr text, for a failure message. */
  stderrTail(): string;
}

function start(args: readonly string[], what: string, timeoutMs: number): Promise<Child> {
  const child = spawn(NODE, ['bin/scanpay.js', ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-3000);
  });
  return new Promise((resolve, reject) => {
    const fail = (message: string) => {
      clearTimeout(timer);
      if (child.exitCode === null) child.kill('SIGKILL');
      reject(new Error(`${what}: ${message}: ${stderr}`));
    };
    const timer = setTimeout(() => fail(`printed nothing in ${timeoutMs} ms`), timeoutMs);
    const lines = createInterface({ input: child.stdout });
    lines.once('line', (line) => {
      clearTimeout(timer);
      child.removeAllListeners('exit');
      let info: { url?: unknown };
      try {
        info = JSON.parse(line) as { url?: unknown };
      } catch {
        return fail(`printed ${line}`);
      }
      if (typeof info.url !== 'string') return fail(`printed ${line}`);
      // Keep draining stdout so the child never blocks on a full pipe.
      child.stdout.resume();
      resolve({ url: info.url, process: child, stderrTail: () => stderr });
    });
    child.once('exit', (code, signal) => fail(`exited (${code ?? signal})`));
  });
}

export function startSandboxProcess(timeoutMs = 20_000): Promise<Child> {
  return start(['sandbox', '--port', '0', '--host', '127.0.0.1'], 'scanpay sandbox', timeoutMs);
}

export function startServeProcess(dataDir: string, sandboxUrl: string, timeoutMs = 20_000): Promise<Child> {
  return start(
    ['serve', '--port', '0', '--host', '127.0.0.1', '--data', dataDir, '--sandbox', sandboxUrl],
    'scanpay serve',
    timeoutMs,
  );
}

/** SIGKILL (no chance to finish anything) and wait for the exit. */
export async function killHard(child: Child): Promise<void> {
  if (child.process.exitCode !== null || child.process.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.process.once('exit', () => resolve()));
  child.process.kill('SIGKILL');
  await exited;
}

/** SIGTERM, then SIGKILL after `graceMs`. */
export async function stopGently(child: Child, graceMs = 5000): Promise<void> {
  if (child.process.exitCode !== null || child.process.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.process.once('exit', () => resolve()));
  const timer = setTimeout(() => child.process.kill('SIGKILL'), graceMs);
  child.process.kill('SIGTERM');
  await exited;
  clearTimeout(timer);
}
