/**
 * A till pointed at its store hub over plain http:// on another machine sends its token, and its
 * sales, in clear over the LAN: `scanpay serve` says so at start, naming the fix (https), and keeps
 * selling and forwarding. Loopback http (hub on the same machine) and https are quiet.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { plainHttpHubWarning } from '../../core/service/config/service-config.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const pinnedNode = join(ROOT, 'node_modules', '.bin', 'node');
const node = existsSync(pinnedNode) ? pinnedNode : process.execPath;
const TOKEN = 'spt_0123456789abcdefghijklmnop';

/** serve's stderr up to its "is serving" sentence, then it is stopped. */
function serveStderr(hubUrl: string): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'scanpay-hubwarn-'));
  const child = spawn(
    node,
    ['bin/scanpay.js', 'serve', '--port', '0', '--data', dir, '--hub', hubUrl, '--hub-token', TOKEN],
    { cwd: ROOT },
  );
  return new Promise((resolve, reject) => {
    let stderr = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`serve did not start: ${stderr}`));
    }, 60_000);
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      if (stderr.includes('is serving')) {
        clearTimeout(timer);
        child.once('exit', () => {
          rmSync(dir, { recursive: true, force: true });
          resolve(stderr);
        });
        child.kill('SIGTERM');
      }
    });
  });
}

describe('a plain http:// hub address', () => {
  it.each([
    ['http://192.168.1.10:8418', true],
    ['http://hub.local:8418', true],
    ['HTTP://10.0.0.2', true],
    ['http://127.0.0.1:8418', false],
    ['http://localhost:8418', false],
    ['http://[::1]:8418', false],
    ['https://hub.local:8418', false],
  ])('%s warns: %s', (url, warns) => {
    const warning = plainHttpHubWarning(url);
    if (warns) {
      expect(warning).toContain('https://');
      expect(warning).not.toContain(TOKEN);
    } else expect(warning).toBeNull();
  });

  it('is named at start with the fix, and the till still starts', async () => {
    const stderr = await serveStderr('http://192.0.2.1:8418');
    expect(stderr).toMatch(/warning: .*http:\/\/192\.0\.2\.1:8418.*https:\/\//);
    expect(stderr).not.toContain(TOKEN);
    expect(await serveStderr('http://127.0.0.1:9')).not.toContain('warning');
  }, 120_000);
});
