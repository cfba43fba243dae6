// Bundles the `scanpay` command line (and with it `scanpay serve`, the headless service) into
// dist/service/ with esbuild (`npm run build:service`), so production never pays for Node's run-time
// TypeScript stripping nor for resolving hundreds of small modules (issue 20; docs/benchmarks.md, "Start-up").
//
// - ESM with code splitting: core/cli/main.ts loads each command on demand, and each command becomes
//   its own chunk, so `scanpay classify` still never parses SQLite or the HTTP service.
// - Only what cannot be bundled stays external: node:* and the native modules node-hid, serialport and usb,
//   which find their N-API prebuilds relative to their own package folder.
// - Bundled CommonJS dependencies call require() for Node built-ins; an ESM bundle has none, so the
//   banner gives each chunk one (createRequire), as esbuild's documentation suggests.
// - core/ reads a few files relative to itself (`new URL('./keys/x', import.meta.url)`, the renderer in
//   dist/renderer). In a chunk, import.meta.url is the chunk's own file, so every `import.meta.url` in
//   core/ is rewritten to the URL its source file has, computed from the chunk's location: the paths
//   resolve exactly as when the sources run.
// - dist/service/inputs.json lists the source files with their modification times: bin/scanpay.js runs
//   the bundle only while it is current, and the sources otherwise (a `git pull` without a build).
//   The times are taken before esbuild reads the files (source-times.js), so an edit saved during the
//   build leaves the bundle stale rather than current.
import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { build } from 'esbuild';
import { NATIVE_EXTERNALS, NODE_BUNDLE, outdirOf, root } from './bundle-options.js';
import { recordedInputTimes, snapshotSourceTimes } from './source-times.js';

const outdir = outdirOf(process.argv, 'service');

/** Files whose change makes the bundle stale besides its inputs: what `npm ci` rewrites. */
const LOCK_FILES = ['package-lock.json', 'node_modules/.package-lock.json'];

const coreDir = `${path.join(root, 'core')}${path.sep}`;

/** `import.meta.url` of a core/ source, written as seen from a chunk in outdir. */
const sourceUrlPlugin = {
  name: 'scanpay-source-url',
  setup(pluginBuild) {
    pluginBuild.onLoad({ filter: /\.ts$/ }, async (args) => {
      if (!args.path.startsWith(coreDir)) return undefined;
      const source = await readFile(args.path, 'utf8');
      if (!source.includes('import.meta.')) return { contents: source, loader: 'ts' };
      const relative = path.relative(outdir, args.path).split(path.sep).join('/');
      const url = `new URL(${JSON.stringify(relative)}, import.meta.url)`;
      const contents = source
        .replaceAll('import.meta.url', `${url}.href`)
        .replaceAll('import.meta.filename', `__scanpay_fileURLToPath(${url})`)
        .replaceAll('import.meta.dirname', `__scanpay_dirname(__scanpay_fileURLToPath(${url}))`);
      return { contents, loader: 'ts' };
    });
  },
};

/**
 * zod 4 re-exports every one of its ~40 message locales (`z.locales`, 366 KB of the bundle's 751 KB
 * of zod), which the service never uses: it neither calls `z.config()` nor shows zod's messages
 * (errors reach people through core/common/errors.ts and the renderer's catalogs). zod configures
 * English itself from locales/en.js, so the bundle keeps only that one; the renderer's own build is
 * untouched. Issue 20: less code to load and hold at idle (docs/benchmarks.md).
 */
const zodEnglishOnlyPlugin = {
  name: 'scanpay-zod-english-only',
  setup(pluginBuild) {
    pluginBuild.onLoad({ filter: /[\\/]node_modules[\\/]zod[\\/]v4[\\/]locales[\\/]index\.js$/ }, () => ({
      contents: 'export { default as en } from "./en.js";',
      loader: 'js',
    }));
  },
};

/**
 * node:http through require(), not an ESM import. An ESM import of a built-in builds a namespace of
 * all its exports, and node:http's `WebSocket`, `CloseEvent` and `MessageEvent` are getters that load
 * undici (Node's fetch) and what it needs, which `serve` never uses; require() returns the module
 * without reading them. docs/benchmarks.md ("Empty-data-dir start: undici off the start path") has the
 * figures: ~40 ms in a bare process, 8–25 ms of CPU in a `serve` start. The importers' code is
 * unchanged: esbuild wraps the required module for them.
 */
const REQUIRED_BUILTIN = 'scanpay-required-builtin';
const httpWithoutUndiciPlugin = {
  name: 'scanpay-http-without-undici',
  setup(pluginBuild) {
    pluginBuild.onResolve({ filter: /^(node:)?http$/ }, (args) =>
      args.kind === 'import-statement' ? { path: args.path, namespace: REQUIRED_BUILTIN } : undefined,
    );
    pluginBuild.onLoad({ filter: /.*/, namespace: REQUIRED_BUILTIN }, (args) => ({
      contents: `module.exports = require(${JSON.stringify(args.path)});`,
      loader: 'js',
    }));
  },
};

/** Where the bundle's own sources live (its other inputs are node_modules, covered by LOCK_FILES). */
const SOURCE_FOLDERS = ['core'];

await rm(outdir, { recursive: true, force: true });
const timesBeforeBuild = await snapshotSourceTimes(root, SOURCE_FOLDERS, LOCK_FILES);
const result = await build({
  ...NODE_BUNDLE,
  entryPoints: { scanpay: path.join(root, 'core', 'cli', 'main.ts') },
  outdir,
  splitting: true,
  format: 'esm',
  outExtension: { '.js': '.mjs' },
  chunkNames: 'chunk-[hash]',
  external: NATIVE_EXTERNALS,
  banner: {
    js: [
      'import { createRequire as __scanpay_createRequire } from "node:module";',
      'import { fileURLToPath as __scanpay_fileURLToPath } from "node:url";',
      'import { dirname as __scanpay_dirname } from "node:path";',
      'const require = __scanpay_createRequire(import.meta.url);',
    ].join(' '),
  },
  metafile: true,
  plugins: [sourceUrlPlugin, zodEnglishOnlyPlugin, httpWithoutUndiciPlugin],
});

// The plugin's virtual modules (`scanpay-required-builtin:node:http`) are no files: not inputs.
const sources = Object.keys(result.metafile.inputs).filter(
  (input) => !input.startsWith('node_modules/') && !input.startsWith(`${REQUIRED_BUILTIN}:`),
);
// A source outside SOURCE_FOLDERS has no time from before the build: it is recorded as never
// current (the sources run) rather than with a time that might postdate what esbuild read.
const existingLockFiles = LOCK_FILES.filter((file) => timesBeforeBuild.has(file));
const inputs = recordedInputTimes([...sources, ...existingLockFiles], timesBeforeBuild);
await writeFile(path.join(outdir, 'inputs.json'), `${JSON.stringify({ inputs }, null, 1)}\n`);
console.log(
  `built ${path.join(outdir, 'scanpay.mjs')} (${Object.keys(result.metafile.outputs).length} files)`,
);
