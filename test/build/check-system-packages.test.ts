/**
 * `npm test`'s pretest (build/scripts/check-system-packages.js): silent when every package is
 * there, installs the missing ones with apt-get when it can, and otherwise stops with one line
 * naming them and the exact command. Real runs use fake dpkg-query / apt-get / sudo on PATH.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { installedFrom, plan, TEST_PACKAGES } from '../../build/scripts/check-system-packages.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SCRIPT = join(ROOT, 'build/scripts/check-system-packages.js');
const all = new Set(TEST_PACKAGES);

describe('the plan', () => {
  it('does nothing when everything is installed', () => {
    expect(plan({ installed: all, isRoot: false, passwordlessSudo: () => false })).toEqual({
      action: 'none',
      missing: [],
    });
  });

  it('installs as root, or with passwordless sudo', () => {
    const installed = new Set(TEST_PACKAGES.filter((p) => p !== 'socat' && p !== 'chromium'));
    expect(plan({ installed, isRoot: true, passwordlessSudo: () => false })).toEqual({
      action: 'install',
      missing: ['chromium', 'socat'],
      sudo: false,
    });
    expect(plan({ installed, isRoot: false, passwordlessSudo: () => true })).toMatchObject({
      action: 'install',
      sudo: true,
    });
  });

  it('otherwise stops with one line naming the packages and the exact command', () => {
    const installed = new Set(TEST_PACKAGES.filter((p) => p !== 'libusb-1.0-0'));
    const decision = plan({ installed, isRoot: false, passwordlessSudo: () => false });
    expect(decision).toEqual({
      action: 'stop',
      missing: ['libusb-1.0-0'],
      message:
        'npm test needs these system packages: libusb-1.0-0. Install them with: sudo apt-get update && sudo apt-get install -y --no-install-recommends libusb-1.0-0',
    });
  });

  it("reads dpkg-query's status: only 'ii' counts as installed", () => {
    expect([...installedFrom('socat ii \nudev rc \nchromium un \nlibusb-1.0-0:amd64 ii \n')]).toEqual([
      'socat',
      'libusb-1.0-0',
    ]);
  });
});

describe('a real run', () => {
  let bin: string;
  afterEach(() => rmSync(bin, { recursive: true, force: true }));

  /** Fake dpkg-query reporting packages listed in $bin/installed; fake apt-get "installs" by adding to it. */
  function fakes(installed: string[]): void {
    bin = mkdtempSync(join(tmpdir(), 'scanpay-pretest-'));
    writeFileSync(join(bin, 'installed'), `${installed.join('\n')}\n`);
    const script = (name: string, body: string) => {
      writeFileSync(join(bin, name), `#!/bin/sh\n${body}\n`);
      chmodSync(join(bin, name), 0o755);
    };
    script(
      'dpkg-query',
      `shift 2; for p in "$@"; do if grep -qx "$p" "${bin}/installed"; then echo "$p ii "; fi; done`,
    );
    script(
      'apt-get',
      `echo "$*" >> "${bin}/apt-log"; if [ "$1" = install ]; then for p in "$@"; do echo "$p" >> "${bin}/installed"; done; fi`,
    );
    script('sudo', `[ "$1" = -n ] && shift; [ "$1" = true ] && exit 0; exec "$@"`);
  }

  function run(): { status: number | null; stderr: string; stdout: string } {
    const result = spawnSync(process.execPath, [SCRIPT], {
      encoding: 'utf8',
      env: { PATH: `${bin}:/usr/bin:/bin` },
    });
    return { status: result.status, stderr: result.stderr, stdout: result.stdout };
  }

  it('prints nothing and calls no apt-get when all is present', () => {
    fakes([...TEST_PACKAGES]);
    expect(run()).toEqual({ status: 0, stderr: '', stdout: '' });
    expect(() => readFileSync(join(bin, 'apt-log'))).toThrow();
  });

  it('installs what is missing with apt-get update && apt-get install --no-install-recommends', () => {
    fakes(TEST_PACKAGES.filter((p) => p !== 'socat' && p !== 'fonts-wqy-zenhei'));
    const result = run();
    expect(result.status).toBe(0);
    expect(result.stderr).toContain('installing socat fonts-wqy-zenhei');
    expect(readFileSync(join(bin, 'apt-log'), 'utf8').trim().split('\n')).toEqual([
      'update -qq',
      'install -y -qq --no-install-recommends socat fonts-wqy-zenhei',
    ]);
  });
});
