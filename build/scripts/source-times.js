// The source modification times build-service.js writes to dist/service/inputs.json, which
// bin/scanpay.js compares with the files on disk to decide whether the bundle is current.
//
// They are taken BEFORE esbuild reads the files: a time taken after the build would be the time of
// an edit saved while esbuild was running, and bin/scanpay.js would then run a bundle built from
// the older text as if it were current. With the earlier time, such an edit no longer matches and
// the sources run until the next build. A file that did not exist before the build (so its time is
// unknown) is recorded as never current.
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';

/** A recorded time no file has: the input counts as changed. */
const NEVER_CURRENT = -1;

/**
 * Modification times (ms) of every file under `folders` and of the `extraFiles` that exist, keyed by
 * their path relative to `root` with `/` separators (the form esbuild's metafile uses).
 * @param {string} root
 * @param {readonly string[]} folders
 * @param {readonly string[]} extraFiles
 * @returns {Promise<Map<string, number>>}
 */
export async function snapshotSourceTimes(root, folders, extraFiles) {
  const files = [...extraFiles];
  for (const folder of folders) {
    const entries = await readdir(path.join(root, folder), { recursive: true, withFileTypes: true });
    for (const entry of entries) {
      if (!entry.isFile()) continue;
      files.push(path.relative(root, path.join(entry.parentPath, entry.name)).split(path.sep).join('/'));
    }
  }
  const times = new Map();
  await Promise.all(
    files.map(async (file) => {
      const info = await stat(path.join(root, file)).catch(() => undefined);
      if (info) times.set(file, info.mtimeMs);
    }),
  );
  return times;
}

/**
 * The inputs.json `inputs` object: each file the build read, with its time from the snapshot
 * taken before the build (never current when the snapshot did not have it).
 * @param {readonly string[]} files
 * @param {ReadonlyMap<string, number>} before
 * @returns {Record<string, number>}
 */
export function recordedInputTimes(files, before) {
  const inputs = {};
  for (const file of [...files].sort()) inputs[file] = before.get(file) ?? NEVER_CURRENT;
  return inputs;
}
