#!/usr/bin/env node
// `npm start` (after `npm run build`): launches the Electron app from this repository. The electron
// npm package resolves (and on first use downloads) its binary when required; that is done in a child
// process so its download chatter does not reach the terminal. When no binary can be had (offline
// machines, CI), say so in one line and point to the headless mode instead.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');

function electronBinary() {
  const probe = spawnSync(process.execPath, ['-e', "process.stdout.write(String(require('electron')))"], {
    cwd: root,
    encoding: 'utf8',
    timeout: 10 * 60_000,
  });
  const binary = probe.status === 0 ? probe.stdout.trim() : '';
  return binary !== '' && existsSync(binary) ? binary : null;
}

const binary = electronBinary();
if (binary === null) {
  console.error(
    'Electron is not available on this machine (its binary could not be downloaded): run `npm run serve` for the headless service and open the URL it prints in a browser.',
  );
  process.exit(1);
}

const child = spawn(binary, [root, ...process.argv.slice(2)], { stdio: 'inherit', windowsHide: false });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => {
  process.exitCode = code ?? (signal ? 1 : 0);
});
