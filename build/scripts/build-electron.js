// Bundles the Electron main process and preload into dist/electron/*.cjs with esbuild (`npm run build:electron`).
// Electron loads CommonJS entry points; core/ is TypeScript run by Node's type stripping elsewhere, so the
// main bundle includes it, and every pure-JS dependency with it (zod, alipay-sdk, electron-updater, …).
// Only what cannot be bundled stays external (MAIN_EXTERNALS): Electron itself, node:*, and the three
// native modules (node-hid, serialport, usb with its per-platform @node-usb binary package), which find
// their N-API prebuilds relative to their own package folder. Those are the only packages
// build/electron-builder.yml lets into the asar's node_modules (test/packaging checks both).
import { cp, rm } from 'node:fs/promises';
import path from 'node:path';
import { build } from 'esbuild';

const root = path.resolve(import.meta.dirname, '..', '..');
// `--outdir <dir>` lets the packaging test build into a temporary project copy.
const outdirFlag = process.argv.indexOf('--outdir');
const outdir =
  outdirFlag > 0 && process.argv[outdirFlag + 1]
    ? path.resolve(process.argv[outdirFlag + 1])
    : path.join(root, 'dist', 'electron');

/** Resolved at run time from the packaged node_modules; keep in step with `files` in electron-builder.yml. */
const MAIN_EXTERNALS = [
  'electron',
  'node-hid',
  'serialport',
  '@serialport/*',
  'usb',
  '@node-usb/*',
  'node:*',
];

const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node24',
  sourcemap: false,
  legalComments: 'none',
  logLevel: 'warning',
  absWorkingDir: root,
};

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

await rm(outdir, { recursive: true, force: true });
await build({
  ...common,
  ...importMetaShim,
  entryPoints: [path.join(root, 'electron', 'main.ts')],
  outfile: path.join(outdir, 'main.cjs'),
  external: MAIN_EXTERNALS,
});
// The preload runs in a sandboxed renderer: only `electron` may be required there, everything else is bundled.
await build({
  ...common,
  entryPoints: [path.join(root, 'electron', 'preload.ts')],
  outfile: path.join(outdir, 'preload.cjs'),
  external: ['electron'],
});
// The built-in sandbox gateway (demo mode, no merchant account yet) reads its test keys with
// new URL('./keys/<name>', import.meta.url): ship them beside main.cjs. They are public test keys.
await cp(path.join(root, 'core', 'sandbox', 'keys'), path.join(outdir, 'keys'), {
  recursive: true,
  filter: (source) => !source.endsWith('.md'),
});
// The release public key that every downloaded update must be signed with (docs/deploy.md, "Updates").
await cp(path.join(root, 'build', 'release-public-key.pem'), path.join(outdir, 'release-public-key.pem'));
console.log(`built ${path.join(outdir, 'main.cjs')} and preload.cjs`);
