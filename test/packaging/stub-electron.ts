/**
 * A stand-in Electron distribution for offline packaging tests: electron-builder's `--linux dir` copies
 * an unpacked Electron folder (`electronDist`) and renames its `electron` executable. The stub
 * executable carries the fuse sentinel and a fuse wire with Electron's defaults, so electron-builder's
 * fuse step (@electron/fuses) really runs on it and the test can read the flipped fuses back.
 */
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

// @electron/fuses' constants: the sentinel, wire version 1, and '0' / '1' per fuse.
const SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
const WIRE_VERSION = 1;
// Electron's shipped defaults, in FuseV1Options order: runAsNode, cookieEncryption, nodeOptions,
// nodeCliInspect, embeddedAsarIntegrity, onlyLoadAppFromAsar, browserV8Snapshot, fileProtocolPrivileges.
const DEFAULT_WIRE = '10110001';

export function writeStubElectron(dir: string): string {
  mkdirSync(path.join(dir, 'resources'), { recursive: true });
  const executable = path.join(dir, 'electron');
  const wire = Buffer.from(DEFAULT_WIRE, 'ascii');
  writeFileSync(
    executable,
    Buffer.concat([
      Buffer.from('#!/bin/sh\necho "stub electron: the real binary cannot be downloaded here" >&2\nexit 1\n'),
      Buffer.from(SENTINEL, 'ascii'),
      Buffer.from([WIRE_VERSION, wire.length]),
      wire,
    ]),
  );
  chmodSync(executable, 0o755);
  writeFileSync(path.join(dir, 'LICENSE'), 'stub\n');
  writeFileSync(path.join(dir, 'version'), '45.4.1');
  return executable;
}
