/** Spawns `scanpay serve --port 0` on a fresh data dir and reads the JSON line it prints first. */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

export const ROOT = join(import.meta.dirname, '..', '..', '..');
const NODE = join(ROOT, 'node_modules', '.bin', 'node');

export interface RunningServe {
  readonly url: string;
  readonly sandboxUrl: string;
  readonly dataDir: string;
  stop(): Promise<void>;
}

export interface ServeOptions {
  readonly config?: unknown;
  readonly sandboxUrl?: string;
  /** Start on this data dir (as a restart would) and leave it in place on stop. */
  readonly dataDir?: string;
}

function firstJsonLine(
  child: ChildProcess,
  what: string,
  timeoutMs = 20_000,
): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-2000);
    });
    const timer = setTimeout(
      () => reject(new Error(`${what} printed nothing in ${timeoutMs} ms: ${stderr}`)),
      timeoutMs,
    );
    const lines = createInterface({ input: child.stdout! });
    lines.once('line', (line) => {
      clearTimeout(timer);
      try {
        resolve(JSON.parse(line) as Record<string, unknown>);
      } catch {
        reject(new Error(`${what} printed ${line} (${stderr})`));
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${what} exited with ${code}: ${stderr}`));
    });
  });
}

function stopper(child: ChildProcess): () => Promise<void> {
  return () =>
    new Promise((resolve) => {
      if (child.exitCode !== null) return resolve();
      const kill = setTimeout(() => child.kill('SIGKILL'), 5000);
      child.once('exit', () => {
        clearTimeout(kill);
        resolve();
      });
      child.kill('SIGTERM');
    });
}

export async function startServe(options: ServeOptions = {}): Promise<RunningServe> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'scanpay-e2e-'));
  if (options.config) writeFileSync(join(dataDir, 'config.json'), JSON.stringify(options.config));
  const args = ['bin/scanpay.js', 'serve', '--port', '0', '--data', dataDir];
  if (options.sandboxUrl) args.push('--sandbox', options.sandboxUrl);
  const child = spawn(NODE, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  const stop = stopper(child);
  try {
    const info = await firstJsonLine(child, 'scanpay serve');
    if (typeof info.url !== 'string') throw new Error(`scanpay serve failed: ${JSON.stringify(info)}`);
    return {
      url: info.url,
      sandboxUrl: String(info.sandbox_url),
      dataDir,
      async stop() {
        await stop();
        if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** A standalone sandbox gateway (`scanpay sandbox --port 0`). */
export async function startSandboxProcess(): Promise<{ url: string; stop(): Promise<void> }> {
  const child = spawn(NODE, ['bin/scanpay.js', 'sandbox', '--port', '0'], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stop = stopper(child);
  const info = await firstJsonLine(child, 'scanpay sandbox').catch(async (error: unknown) => {
    await stop();
    throw error;
  });
  return { url: String(info.url), stop };
}
