/**
 * Real processes for the hub tests: `scanpay sandbox`, `scanpay hub` and `scanpay serve` terminals,
 * each read from its first JSON line; stop() is SIGTERM (SIGKILL after 5 s), kill() is SIGKILL.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

export const ROOT = join(import.meta.dirname, '..', '..');
const NODE = join(ROOT, 'node_modules', '.bin', 'node');

export interface Proc {
  readonly line: Record<string, unknown>;
  readonly child: ChildProcess;
  stop(): Promise<void>;
  kill(): Promise<void>;
}

const live = new Set<ChildProcess>();

/** Kills whatever a test left running (afterAll). */
export function killAll(): void {
  for (const child of live) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  live.clear();
}

function ended(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    const hard = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => {
      clearTimeout(hard);
      live.delete(child);
      resolve();
    });
    child.kill(signal);
  });
}

export function startScanpay(args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<Proc> {
  const child = spawn(NODE, [join(ROOT, 'bin', 'scanpay.js'), ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  });
  live.add(child);
  return new Promise((resolve, reject) => {
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-4000);
    });
    const timer = setTimeout(
      () => reject(new Error(`scanpay ${args[0]} printed nothing: ${stderr}`)),
      30_000,
    );
    createInterface({ input: child.stdout! }).once('line', (text) => {
      clearTimeout(timer);
      const line = JSON.parse(text) as Record<string, unknown>;
      if (typeof line.url !== 'string') reject(new Error(`scanpay ${args[0]}: ${text} ${stderr}`));
      resolve({ line, child, stop: () => ended(child, 'SIGTERM'), kill: () => ended(child, 'SIGKILL') });
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`scanpay ${args[0]} exited ${code}: ${stderr}`));
    });
  });
}

export function dataDirWith(config: unknown): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'scanpay-hubterm-'));
  writeFileSync(join(dir, 'config.json'), JSON.stringify(config));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A JSON reply as the tests read it: field by field, each read checked by the assertion that uses it. */
// biome-ignore lint/suspicious/noExplicitAny: see above
export type JsonReply = any;

export async function postJson(
  url: string,
  body: unknown,
  token?: string,
): Promise<{ status: number; body: JsonReply }> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() };
}

export async function getJson(url: string, token?: string): Promise<{ status: number; body: JsonReply }> {
  const res = await fetch(url, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  return { status: res.status, body: await res.json() };
}

/** Polls `check` every 100 ms until it returns a value other than undefined, at most `ms`. */
export async function eventually<T>(
  what: string,
  check: () => Promise<T | undefined>,
  ms = 20_000,
): Promise<T> {
  const until = Date.now() + ms;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > until)
      throw new Error(`${what} did not happen in ${ms} ms${last ? `: ${String(last)}` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
