// Bundles the Electron main process and preload into dist/electron/*.cjs with esbuild (`npm run build:electron`).
// dist/electron/main.cjs (package.json `main`) is a small loader that turns on Node's compile cache in a
// persistent directory and then requires the bundle, main-bundle.cjs: the cache only serves modules
// loaded after it is enabled, so it cannot be enabled from inside the bundle itself (issue 20).
// Electron loads CommonJS entry points; core/ is TypeScript run by Node's type stripping elsewhere, so the
// main bundle includes it, and every pure-JS dependency with it (zod, alipay-sdk, electron-updater, …).
// Only what cannot be bundled stays external (MAIN_EXTERNALS): Electron itself, node:*, and the three
// native modules (node-hid, serialport, usb with its per-platform @node-usb binary package), which find
// their N-API prebuilds relative to their own package folder. Those are the only packages
// build/electron-builder.yml lets into the asar's node_modules (test/packaging checks both).
import { cp, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { build } from 'esbuild';
import { NATIVE_EXTERNALS, NODE_BUNDLE, outdirOf, root } from './bundle-options.js';

const outdir = outdirOf(process.argv, 'electron');

/** Resolved at run time from the packaged node_modules; keep in step with `files` in electron-builder.yml. */
const MAIN_EXTERNALS = ['electron', ...NATIVE_EXTERNALS];

const common = { ...NODE_BUNDLE, format: 'cjs' };

// core/ is ESM and may read `import.meta.url`/`dirname`; in a CJS bundle they map to the bundle's own file,
// so files core reads relative to itself are copied next to the bundle (see the end of this script).
const importMetaShim = {
  banner: {
    js: 'const __scanpay_import_meta_url = require("node:url").pathToFileURL(__filename).href;',
  },
  define: {
    'import.meta.url': '__scanpay_import_meta_url',
    'import.meta.dirname': '__dirname',
    'import.meta.filename': '__filename',
  },
};

/**
 * The loader Electron starts: the user's cache directory as Electron itself would place it (the product
 * name as folder), so V8's compiled bundle survives restarts. A cache that cannot be opened (read-only
 * home, an Electron without module.enableCompileCache) only costs start-up time, never the start.
 */
function compileCacheLoader(bundle) {
  return `'use strict';
// Written by build/scripts/build-electron.js: enables Node's compile cache, then loads the main bundle.
const path = require('node:path');
const os = require('node:os');
const nodeModule = require('node:module');
try {
  const home = os.homedir();
  const cacheBase =
    process.platform === 'win32'
      ? process.env.LOCALAPPDATA || path.join(home, 'AppData', 'Local')
      : process.platform === 'darwin'
        ? path.join(home, 'Library', 'Caches')
        : process.env.XDG_CACHE_HOME || path.join(home, '.cache');
  if (!process.env.NODE_COMPILE_CACHE)
    nodeModule.enableCompileCache?.(path.join(cacheBase, 'ScanPay Kiosk', 'node-compile-cache'));
  // Node writes the cache at exit; a till that runs for weeks and loses power never exits cleanly.
  setTimeout(() => nodeModule.flushCompileCache?.(), 15000).unref();
} catch {
  // No cache: a slower start, nothing else.
}
require(${JSON.stringify(bundle)});
`;
}

await rm(outdir, { recursive: true, force: true });
await build({
  ...common,
  ...importMetaShim,
  entryPoints: [path.join(root, 'electron', 'main.ts')],
  outfile: path.join(outdir, 'main-bundle.cjs'),
  external: MAIN_EXTERNALS,
});
await writeFile(path.join(outdir, 'main.cjs'), compileCacheLoader('./main-bundle.cjs'));
// The preload runs in a sandboxed renderer: only `electron` may be required there, everything else is bundled.
await build({
  ...common,
  entryPoints: [path.join(root, 'electron', 'preload.ts')],
  outfile: path.join(outdir, 'preload.cjs'),
  external: ['electron'],
});
// The built-in sandbox gateway (demo mode, no merchant account yet) reads its test keys with
// new URL('./keys/<name>', import.meta.url): ship them beside the main bundle. They are public test keys.
await cp(path.join(root, 'core', 'sandbox', 'keys'), path.join(outdir, 'keys'), {
  recursive: true,
  filter: (source) => !source.endsWith('.md'),
});
// The release public key that every downloaded update must be signed with (docs/deploy.md, "Updates").
await cp(path.join(root, 'build', 'release-public-key.pem'), path.join(outdir, 'release-public-key.pem'));
console.log(`built ${path.join(outdir, 'main.cjs')} (loader), main-bundle.cjs and preload.cjs`);
