/**
 * Offline packaging: electron-builder `--linux dir` on a temporary copy of the project, with a stub
 * Electron (see stub-electron.ts), then the produced app.asar is opened and checked. The temporary
 * copy keeps this test from writing into the working tree: package.json, the lock file and build/ are
 * copied, node_modules is hard-linked (same file system) or copied, and main/preload (esbuild) and the
 * renderer (vite) are built into it; a renderer that does not build fails the test.
 */
import { spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { builtinModules, createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireTool } from './require-tool.ts';
import { writeStubElectron } from './stub-electron.ts';

const require = createRequire(import.meta.url);
const asar = require('@electron/asar') as typeof import('@electron/asar');
const semver = require('semver') as { satisfies(version: string, range: string): boolean };
const { getCurrentFuseWire, FuseV1Options } = require('@electron/fuses') as typeof import('@electron/fuses');

const root = path.resolve(import.meta.dirname, '..', '..');
const work = mkdtempSync(path.join(tmpdir(), 'scanpay-pack-'));
const project = path.join(work, 'project');
const appOut = path.join(project, 'release', 'linux-unpacked');
const archive = path.join(appOut, 'resources', 'app.asar');
const unpacked = `${archive}.unpacked`;
let cannotRun: string | null = null;
let entries: string[] = [];

/**
 * Declared dependencies that never load at run time: node-addon-api is C++ headers for compiling,
 * @types/w3c-web-usb (a dependency of usb) is TypeScript declarations.
 */
const BUILD_TIME_ONLY = new Set(['node-addon-api', '@types/w3c-web-usb']);

/** `dep` as Node would resolve it from the package folder `from`, among the `packages` folders. */
function resolveIn(packages: ReadonlySet<string>, from: string, dep: string): string | null {
  let dir = from;
  for (;;) {
    const candidate = dir === '' ? `node_modules/${dep}` : `${dir}/node_modules/${dep}`;
    if (packages.has(candidate)) return candidate;
    if (dir === '') return null;
    const up = dir.lastIndexOf('/node_modules/');
    dir = up < 0 ? '' : dir.slice(0, up);
  }
}

function run(command: string, args: string[], cwd: string, timeout = 120_000) {
  return spawnSync(command, args, { cwd, encoding: 'utf8', timeout });
}

beforeAll(() => {
  const builderCli = path.join(root, 'node_modules', 'electron-builder', 'cli.js');
  if (!existsSync(builderCli)) {
    cannotRun = 'electron-builder is not installed (node_modules/electron-builder/cli.js missing)';
    return;
  }
  mkdirSync(project);
  for (const file of ['package.json', 'package-lock.json'])
    cpSync(path.join(root, file), path.join(project, file));
  cpSync(path.join(root, 'build'), path.join(project, 'build'), { recursive: true });
  // Hard links: instant and no space on the same file system; a plain copy otherwise.
  const link = run('cp', ['-al', path.join(root, 'node_modules'), path.join(project, 'node_modules')], root);
  if (link.status !== 0)
    cpSync(path.join(root, 'node_modules'), path.join(project, 'node_modules'), { recursive: true });

  const bundle = run(
    process.execPath,
    ['build/scripts/build-electron.js', '--outdir', path.join(project, 'dist', 'electron')],
    root,
  );
  if (bundle.status !== 0) throw new Error(`build-electron.js failed:\n${bundle.stderr}`);
  // The renderer is built fresh into the copy (vite, < 1 s).
  const rendererOut = path.join(project, 'dist', 'renderer');
  const vite = run(
    process.execPath,
    [
      path.join(root, 'node_modules', 'vite', 'bin', 'vite.js'),
      'build',
      '--config',
      'renderer/vite.config.ts',
      '--outDir',
      rendererOut,
      '--emptyOutDir',
    ],
    root,
  );
  if (vite.status !== 0 || !existsSync(path.join(rendererOut, 'index.html')))
    throw new Error(`the renderer did not build:\n${vite.stderr}`);
  // Clutter that must not reach the package even if a build leaves it behind.
  writeFileSync(path.join(project, 'dist', 'electron', 'main.cjs.map'), '{}');

  const stub = path.join(work, 'electron-dist');
  writeStubElectron(stub);
  const builder = run(
    process.execPath,
    [
      builderCli,
      '--linux',
      'dir',
      '--x64',
      '--projectDir',
      project,
      '--config',
      path.join(project, 'build', 'electron-builder.yml'),
      `-c.electronDist=${stub}`,
      '--publish',
      'never',
    ],
    project,
  );
  if (builder.error) {
    cannotRun = `electron-builder could not be started: ${builder.error.message}`;
    return;
  }
  if (builder.status !== 0) throw new Error(`electron-builder failed:\n${builder.stdout}\n${builder.stderr}`);
  entries = asar.listPackage(archive, { isPack: false }).map((p) => p.replaceAll('\\', '/'));
}, 150_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('electron-builder --linux dir (offline, stub Electron)', () => {
  it('can run here', (ctx) => {
    requireTool(ctx, cannotRun);
    expect(existsSync(archive)).toBe(true);
  });

  it('packs the built main, preload and renderer', (ctx) => {
    requireTool(ctx, cannotRun);
    expect(entries).toContain('/package.json');
    expect(entries).toContain('/dist/electron/main.cjs');
    expect(entries).toContain('/dist/electron/main-bundle.cjs');
    expect(entries).toContain('/dist/electron/preload.cjs');
    expect(entries).toContain('/dist/renderer/index.html');
    const main = asar.extractFile(archive, 'dist/electron/main-bundle.cjs').toString('utf8');
    expect(main).toContain('scanpay:invoke');
    expect(main).not.toContain('sourceMappingURL');
  });

  it("starts through a loader that enables Node's compile cache before it requires the bundle", (ctx) => {
    requireTool(ctx, cannotRun);
    const manifest = JSON.parse(asar.extractFile(archive, 'package.json').toString('utf8')) as {
      main: string;
    };
    expect(manifest.main).toBe('dist/electron/main.cjs');
    const loader = asar.extractFile(archive, 'dist/electron/main.cjs').toString('utf8');
    const enabled = loader.indexOf('enableCompileCache');
    expect(enabled).toBeGreaterThan(0);
    expect(loader.indexOf('require("./main-bundle.cjs")')).toBeGreaterThan(enabled);
    expect(loader).not.toContain('scanpay:invoke');
  });

  it('packs a renderer that loads from file:// under the shell CSP (relative assets, no inline script)', (ctx) => {
    requireTool(ctx, cannotRun);
    const html = asar.extractFile(archive, 'dist/renderer/index.html').toString('utf8');
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts.length).toBeGreaterThan(0);
    for (const [, attributes, body] of scripts) {
      expect(body?.trim()).toBe('');
      const src = /src="([^"]+)"/.exec(attributes ?? '')?.[1] ?? '';
      expect(src.startsWith('./')).toBe(true);
      expect(entries).toContain(`/dist/renderer/${src.slice(2)}`);
    }
  });

  it('carries no sources, tests or source maps', (ctx) => {
    requireTool(ctx, cannotRun);
    const ours = entries.filter((p) => !p.startsWith('/node_modules/'));
    expect(ours.filter((p) => !/^\/(dist|package\.json$)/.test(p) && p !== '/node_modules')).toEqual([]);
    expect(entries.filter((p) => p.endsWith('.map'))).toEqual([]);
    expect(entries.filter((p) => /\.(ts|tsx)$/.test(p))).toEqual([]);
    expect(entries.filter((p) => /\/(test|tests|__tests__)\//.test(p))).toEqual([]);
    expect(
      entries.some((p) => p.startsWith('/node_modules/vitest') || p.startsWith('/node_modules/electron/')),
    ).toBe(false);
  });

  it('ships the release public key every update is verified with, and an https update feed', (ctx) => {
    requireTool(ctx, cannotRun);
    const shipped = asar.extractFile(archive, 'dist/electron/release-public-key.pem').toString('utf8');
    expect(shipped).toBe(readFileSync(path.join(root, 'build', 'release-public-key.pem'), 'utf8'));
    expect(shipped).toContain('BEGIN PUBLIC KEY');
    const feed = readFileSync(path.join(appOut, 'resources', 'app-update.yml'), 'utf8');
    expect(feed).toMatch(/^url: https:\/\//m);
  });

  it('ships nothing from test/, bench/ or docs/, and no package the bundle already holds', (ctx) => {
    requireTool(ctx, cannotRun);
    expect(entries.filter((p) => /^\/(test|bench|docs|core|electron|renderer|build)(\/|$)/.test(p))).toEqual(
      [],
    );
    expect(entries.filter((p) => /\.png$/.test(p) && !p.startsWith('/dist/renderer/'))).toEqual([]);
    for (const bundled of [
      'react',
      'react-dom',
      'zod',
      'zustand',
      'alipay-sdk',
      'electron-updater',
      'qrcode',
    ])
      expect(entries.filter((p) => p.startsWith(`/node_modules/${bundled}/`))).toEqual([]);
    // node-hid's C sources (hidapi/) and test data are not shipped either.
    expect(
      entries.filter((p) => p.startsWith('/node_modules/node-hid/') && /\/(hidapi|src)\//.test(p)),
    ).toEqual([]);
  });

  it('packs exactly the packages the bundle requires at run time, with their dependencies', (ctx) => {
    requireTool(ctx, cannotRun);
    const main = asar.extractFile(archive, 'dist/electron/main-bundle.cjs').toString('utf8');
    const required = new Set(
      [...main.matchAll(/\b(?:require|import)\("([^"]+)"\)/g)]
        .map((m) => m[1]!)
        .filter((name) => !name.startsWith('node:') && !builtinModules.includes(name) && name !== 'electron'),
    );
    expect([...required].sort()).toEqual(['node-hid', 'serialport', 'usb']);
    const shipped = new Set(
      entries
        .filter((p) => p.endsWith('/package.json') && p.startsWith('/node_modules/'))
        .map((p) => p.slice(1, -'/package.json'.length)),
    );
    // Walk the dependency closure as Node will resolve it inside the asar (nearest node_modules first):
    // electron-builder lays packages out its own way, so the source tree's layout proves nothing.
    const manifest = (dir: string) =>
      JSON.parse(asar.extractFile(archive, `${dir}/package.json`).toString('utf8')) as {
        version: string;
        dependencies?: Record<string, string>;
        optionalDependencies?: Record<string, string>;
      };
    const missing: string[] = [];
    const seen = new Set<string>();
    const visit = (dir: string): void => {
      if (seen.has(dir)) return;
      seen.add(dir);
      for (const [dep, range] of Object.entries(manifest(dir).dependencies ?? {})) {
        if (BUILD_TIME_ONLY.has(dep)) continue;
        const found = resolveIn(shipped, dir, dep);
        if (found === null) missing.push(`${dep}@${range} (for ${dir})`);
        else if (!semver.satisfies(manifest(found).version, range))
          missing.push(`${dep}@${range} (for ${dir}; found ${manifest(found).version} at ${found})`);
        else visit(found);
      }
      // Optional dependencies are the per-platform native binaries (usb's @node-usb/usb-<platform>):
      // the one npm installed here must be shipped, the others cannot be.
      for (const dep of Object.keys(manifest(dir).optionalDependencies ?? {})) {
        const found = resolveIn(shipped, dir, dep);
        if (found !== null) visit(found);
        else if (existsSync(path.join(root, 'node_modules', dep)))
          missing.push(`${dep} (optional, for ${dir})`);
      }
    };
    for (const name of required) visit(`node_modules/${name}`);
    expect(missing).toEqual([]);
    // And nothing else: every shipped package is reachable from what the bundle requires.
    expect([...shipped].filter((dir) => !seen.has(dir) && !/\/(prebuilds|build)\//.test(dir))).toEqual([]);
    expect(seen.size).toBeGreaterThan(required.size);
  });

  it('keeps the linux-x64 native prebuilds unpacked next to the asar, without rebuilding them', (ctx) => {
    requireTool(ctx, cannotRun);
    const hid = path.join(unpacked, 'node_modules', 'node-hid', 'prebuilds');
    expect(existsSync(path.join(hid, 'HID-linux-x64', 'node-napi-v4.node'))).toBe(true);
    expect(existsSync(path.join(hid, 'HID_hidraw-linux-x64', 'node-napi-v4.node'))).toBe(true);
    const serial = path.join(
      unpacked,
      'node_modules',
      '@serialport',
      'bindings-cpp',
      'prebuilds',
      'linux-x64',
    );
    expect(readdirSync(serial).some((f) => f.endsWith('.glibc.node'))).toBe(true);
    expect(
      existsSync(
        path.join(unpacked, 'node_modules', '@node-usb', 'usb-linux-x64-gnu', 'usb.linux-x64-gnu.node'),
      ),
    ).toBe(true);
    const stat = asar.statFile(
      archive,
      'node_modules/node-hid/prebuilds/HID-linux-x64/node-napi-v4.node',
    ) as {
      unpacked?: boolean;
    };
    expect(stat.unpacked).toBe(true);
    expect(entries.some((p) => p.includes('-darwin-'))).toBe(false);
    // Byte-identical to the npm package's prebuild: nothing was rebuilt (npmRebuild: false).
    const shipped = readFileSync(path.join(hid, 'HID-linux-x64', 'node-napi-v4.node'));
    const original = readFileSync(
      path.join(root, 'node_modules', 'node-hid', 'prebuilds', 'HID-linux-x64', 'node-napi-v4.node'),
    );
    expect(shipped.equals(original)).toBe(true);
  });

  it('flips the hardening fuses in the packaged executable', async (ctx) => {
    requireTool(ctx, cannotRun);
    const wire = await getCurrentFuseWire(path.join(appOut, 'scanpay-kiosk'));
    const on = 49;
    const off = 48;
    expect(wire[FuseV1Options.RunAsNode]).toBe(off);
    expect(wire[FuseV1Options.EnableNodeOptionsEnvironmentVariable]).toBe(off);
    expect(wire[FuseV1Options.EnableNodeCliInspectArguments]).toBe(off);
    expect(wire[FuseV1Options.OnlyLoadAppFromAsar]).toBe(on);
    expect(wire[FuseV1Options.EnableEmbeddedAsarIntegrityValidation]).toBe(on);
  });

  it('ships the Linux deployment files as resources', (ctx) => {
    requireTool(ctx, cannotRun);
    const deploy = readdirSync(path.join(appOut, 'resources', 'deploy', 'linux'));
    for (const file of [
      '60-scanpay-scanners.rules',
      'scanpay-serve.service',
      'scanpay-kiosk-autostart.desktop',
      'scanpay-browser-kiosk.desktop',
      'scanpay-kiosk-mode',
      'scanpay-browser-kiosk',
      'scanpay.sysusers',
    ]) {
      expect(deploy).toContain(file);
    }
  });
});
