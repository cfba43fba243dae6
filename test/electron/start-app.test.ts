import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '..', '..');
const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

// ELECTRON_OVERRIDE_DIST_PATH is the electron package's own switch for "the binary is in this folder".
function startApp(distDir: string, args: string[] = []) {
  return spawnSync(process.execPath, [path.join(root, 'bin', 'start-app.js'), ...args], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, ELECTRON_OVERRIDE_DIST_PATH: distDir },
    timeout: 20_000,
  });
}

describe('npm start launcher (bin/start-app.js)', () => {
  it('prints one clear line pointing to `npm run serve` and exits 1 when Electron is missing', () => {
    const empty = mkdtempSync(path.join(tmpdir(), 'scanpay-noelectron-'));
    dirs.push(empty);
    const run = startApp(empty);
    expect(run.status).toBe(1);
    expect(run.stdout).toBe('');
    const lines = run.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('Electron is not available');
    expect(lines[0]).toContain('npm run serve');
  });

  it('launches the Electron binary on the repository with the given arguments and passes its exit code on', () => {
    const dist = mkdtempSync(path.join(tmpdir(), 'scanpay-fakeelectron-'));
    dirs.push(dist);
    const fake = path.join(dist, 'electron');
    writeFileSync(fake, '#!/bin/sh\necho "fake-electron $*"\nexit 3\n');
    chmodSync(fake, 0o755);
    const run = startApp(dist, ['--kiosk']);
    expect(run.stdout.trim()).toBe(`fake-electron ${root} --kiosk`);
    expect(run.status).toBe(3);
  });
});
