/**
 * A real pseudo-terminal pair made by socat: the source opens `device`, the test writes into
 * `host`. socat is started and stopped by its own PID (never by name).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface PtyPair {
  readonly device: string;
  readonly host: string;
  write(bytes: string | Uint8Array): void;
  /** Kills socat (the "unplug"); both pty ends vanish. */
  kill(): Promise<void>;
}

export function makeTempDir(): { readonly dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'scanpay-pty-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export async function openPtyPair(dir: string, name: string): Promise<PtyPair> {
  const device = join(dir, `${name}-device`);
  const host = join(dir, `${name}-host`);
  const child: ChildProcess = spawn(
    'socat',
    [`pty,raw,echo=0,link=${device}`, `pty,raw,echo=0,link=${host}`],
    { stdio: 'ignore' },
  );
  const deadline = Date.now() + 5000;
  while (!(existsSync(device) && existsSync(host))) {
    if (Date.now() > deadline || child.exitCode !== null) {
      child.kill();
      throw new Error('socat did not create the pty pair');
    }
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  const fd = openSync(host, 'w');
  let alive = true;
  return {
    device,
    host,
    write(bytes) {
      writeSync(fd, typeof bytes === 'string' ? Buffer.from(bytes, 'latin1') : bytes);
    },
    async kill() {
      if (!alive) return;
      alive = false;
      closeSync(fd);
      const exited = new Promise((resolve) => child.once('exit', resolve));
      if (child.pid !== undefined && child.exitCode === null) process.kill(child.pid, 'SIGTERM');
      await exited;
    },
  };
}

export async function waitFor(predicate: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

export const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
