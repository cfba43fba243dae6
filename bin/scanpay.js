#!/usr/bin/env node
// The `scanpay` command. It runs the esbuild bundle in dist/service/ (`npm run build:service`) while
// that bundle is current, and the TypeScript sources otherwise (Node 24 strips the types at run time,
// which costs start-up time and memory: issue 20, docs/benchmarks.md "Start-up"). "Current" means every
// source file and the lock files still have the modification time recorded at build time
// (dist/service/inputs.json), so a `git pull` or an edit without a rebuild never runs old code.
// SCANPAY_RUN_SOURCES=1 runs the sources regardless.
//
// Node's compile cache (module.enableCompileCache) keeps V8's compiled code between runs in a
// persistent directory: NODE_COMPILE_CACHE when set (the systemd unit points it into its
// CacheDirectory=, mode 0700), otherwise the user's cache directory, kept private (privateDir).
import { mkdirSync, readFileSync, statSync } from 'node:fs';
import module from 'node:module';
import { homedir } from 'node:os';
import path from 'node:path';

const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 18)) {
  console.error(
    `scanpay needs Node 24 (this is Node ${process.versions.node}). Run it through npm, which uses the pinned one: npm run scanpay -- <command>`,
  );
  process.exit(1);
}

const root = path.resolve(import.meta.dirname, '..');
const COMPILE_CACHE_FLUSH_MS = 15_000;

/** The persistent compile-cache directory for this user and platform. */
function compileCacheDir() {
  if (process.platform === 'win32' && process.env.LOCALAPPDATA)
    return path.join(process.env.LOCALAPPDATA, 'scanpay', 'node-compile-cache');
  const cacheHome = process.env.XDG_CACHE_HOME || path.join(homedir(), '.cache');
  return path.join(cacheHome, 'scanpay', 'node-compile-cache');
}

/**
 * `dir`, created private (0700) when missing, or null when it or its parent is another user's or
 * writable by others: V8 runs the compiled code it finds there, so whoever can write to it can run
 * code as this user. Node itself creates the directory with the umask's permissions and checks nothing.
 */
function privateDir(dir) {
  if (process.platform === 'win32') return dir;
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    for (const each of [path.dirname(dir), dir]) {
      const info = statSync(each);
      if (info.uid !== process.getuid() || (info.mode & 0o022) !== 0) {
        console.error(`scanpay: not using the compile cache in ${each}: other users can write to it`);
        return null;
      }
    }
    return dir;
  } catch {
    return null;
  }
}

/** True when dist/service was built from exactly the files now on disk. */
function bundleIsCurrent() {
  let recorded;
  try {
    recorded = JSON.parse(readFileSync(path.join(root, 'dist', 'service', 'inputs.json'), 'utf8')).inputs;
  } catch {
    return false;
  }
  if (typeof recorded !== 'object' || recorded === null) return false;
  for (const [file, mtimeMs] of Object.entries(recorded)) {
    const info = statSync(path.join(root, file), { throwIfNoEntry: false });
    if (!info || info.mtimeMs !== mtimeMs) return false;
  }
  return true;
}

// NODE_COMPILE_CACHE, when set, has already enabled the cache before this file ran.
if (!process.env.NODE_COMPILE_CACHE) {
  const cacheDir = privateDir(compileCacheDir());
  if (cacheDir) module.enableCompileCache?.(cacheDir);
}
// Node writes the cache when the process exits; a service that runs for weeks and then ends with
// SIGKILL or a power cut would never write it. By this time the service has loaded what it loads at
// start, so write it then (unref'd: a short command does not wait for it).
setTimeout(() => module.flushCompileCache?.(), COMPILE_CACHE_FLUSH_MS).unref();

if (process.env.SCANPAY_RUN_SOURCES !== '1' && bundleIsCurrent()) {
  await import('../dist/service/scanpay.mjs');
} else {
  if (process.env.NODE_ENV === 'production' && process.env.SCANPAY_RUN_SOURCES !== '1') {
    console.error(
      'scanpay: dist/service is missing or older than the sources; running the sources (npm run build:service)',
    );
  }
  await import('../core/cli/main.ts');
}
