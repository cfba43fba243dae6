/**
 * build/scripts/source-times.js: the modification times build-service.js records for the bundle's
 * inputs are the ones from BEFORE esbuild read the files, so a source edited during a build leaves
 * the bundle stale for bin/scanpay.js instead of passing off old code as current.
 */
import { mkdirSync, mkdtempSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { recordedInputTimes, snapshotSourceTimes } from '../../build/scripts/source-times.js';

let root: string;

beforeEach(() => {
  root = mkdtempSync(path.join(tmpdir(), 'scanpay-source-times-'));
  mkdirSync(path.join(root, 'core', 'cli'), { recursive: true });
  writeFileSync(path.join(root, 'core', 'cli', 'main.ts'), 'export {};\n');
  writeFileSync(path.join(root, 'core', 'money.ts'), 'export {};\n');
  writeFileSync(path.join(root, 'package-lock.json'), '{}\n');
});

afterEach(() => rmSync(root, { recursive: true, force: true }));

const setMtime = (file: string, seconds: number) => utimesSync(path.join(root, file), seconds, seconds);

describe('source times recorded for the service bundle', () => {
  it('snapshots every file under the source folders and the listed extra files', async () => {
    setMtime('core/cli/main.ts', 1_000);
    const before = await snapshotSourceTimes(root, ['core'], ['package-lock.json', 'missing.json']);
    expect([...before.keys()].sort()).toEqual(['core/cli/main.ts', 'core/money.ts', 'package-lock.json']);
    expect(before.get('core/cli/main.ts')).toBe(1_000_000);
  });

  it('records the time from before the build, so an edit during the build makes the bundle stale', async () => {
    setMtime('core/cli/main.ts', 1_000);
    setMtime('core/money.ts', 1_000);
    const before = await snapshotSourceTimes(root, ['core'], []);
    // esbuild is reading the files when the developer saves core/money.ts.
    setMtime('core/money.ts', 2_000);
    const recorded = recordedInputTimes(['core/cli/main.ts', 'core/money.ts'], before);
    const onDisk = (file: string) => statSync(path.join(root, file)).mtimeMs;
    expect(recorded['core/cli/main.ts']).toBe(onDisk('core/cli/main.ts'));
    expect(recorded['core/money.ts']).not.toBe(onDisk('core/money.ts'));
  });

  it('records a file created during the build as never current', async () => {
    const before = await snapshotSourceTimes(root, ['core'], []);
    writeFileSync(path.join(root, 'core', 'new.ts'), 'export {};\n');
    const recorded = recordedInputTimes(['core/new.ts'], before);
    expect(recorded['core/new.ts']).not.toBe(statSync(path.join(root, 'core', 'new.ts')).mtimeMs);
    expect(Object.keys(recorded)).toEqual(['core/new.ts']);
  });
});
