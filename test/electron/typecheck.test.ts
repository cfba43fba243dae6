import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '..', '..');

describe('Electron entry points', () => {
  // main.ts and preload.ts cannot run here (no Electron binary): they are checked against the
  // electron package's own .d.ts instead, so a wrong event name or option type fails the suite.
  it('type-check against electron.d.ts (tsc -p electron/tsconfig.json)', () => {
    const tsc = path.join(root, 'node_modules', '.bin', 'tsc');
    const run = spawnSync(tsc, ['-p', path.join(root, 'electron', 'tsconfig.json')], {
      cwd: root,
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(run.stdout + run.stderr).toBe('');
    expect(run.status).toBe(0);
  });
});
