// What the two esbuild bundles (build-electron.js, build-service.js) share, so they cannot drift apart:
// where the project is, where a build writes, the options every Node bundle of core/ takes, and the
// native modules no bundle may contain.
import path from 'node:path';

export const root = path.resolve(import.meta.dirname, '..', '..');

/** `--outdir <dir>` (the packaging and bundle tests build into a temporary folder), else dist/<name>. */
export function outdirOf(argv, name) {
  const flag = argv.indexOf('--outdir');
  return flag > 0 && argv[flag + 1] ? path.resolve(argv[flag + 1]) : path.join(root, 'dist', name);
}

/** esbuild options of every bundle: Node 24, one self-contained file per entry, quiet, paths from the root. */
export const NODE_BUNDLE = {
  bundle: true,
  platform: 'node',
  target: 'node24',
  sourcemap: false,
  legalComments: 'none',
  logLevel: 'warning',
  absWorkingDir: root,
};

/**
 * Resolved at run time from node_modules, never bundled: node:* and the native modules node-hid,
 * serialport and usb (with its per-platform @node-usb binary package), which find their N-API
 * prebuilds relative to their own package folder.
 */
export const NATIVE_EXTERNALS = ['node-hid', 'serialport', '@serialport/*', 'usb', '@node-usb/*', 'node:*'];
