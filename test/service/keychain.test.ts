/**
 * `keychain:<service>/<account>` references through the OS tools' real command-line contracts:
 * stand-in `secret-tool` and `security` scripts on PATH answer exactly the arguments the real tools
 * take (no keyring daemon runs on a CI machine), and the secret never shows in an error.
 */
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { osKeychainReader } from '../../core/service/config/keychain.ts';
import { loadConfig } from '../../core/service/config/load-config.ts';

const SECRET = 'hook-secret-from-the-keyring-42';
let root: string;
let bin: string;
let dataDir: string;

function env(path = bin): NodeJS.ProcessEnv {
  return { ...process.env, PATH: `${path}:/usr/bin:/bin`, FAKE_KEYRING: join(root, 'keyring') };
}

function writeConfig(secretRef: string): void {
  writeFileSync(
    join(dataDir, 'config.json'),
    JSON.stringify({
      paid_actions: { goods: [{ kind: 'http', url: 'http://127.0.0.1:9/paid', secret: secretRef }] },
    }),
  );
}

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'scanpay-keychain-'));
  bin = join(root, 'bin');
  dataDir = join(root, 'data');
  for (const dir of [bin, dataDir, join(root, 'keyring')]) mkdirSync(dir);
  writeFileSync(join(root, 'keyring', 'scanpay__paid-hook'), SECRET);
  // secret-tool lookup service S account A  (libsecret-tools)
  writeFileSync(
    join(bin, 'secret-tool'),
    '#!/bin/sh\n[ "$1" = lookup ] && [ "$2" = service ] && [ "$4" = account ] || exit 2\n' +
      'f="$FAKE_KEYRING/$3__$5"; [ -f "$f" ] || exit 1; cat "$f"; echo\n',
  );
  // security find-generic-password -s S -a A -w  (macOS)
  writeFileSync(
    join(bin, 'security'),
    '#!/bin/sh\n[ "$1" = find-generic-password ] && [ "$2" = -s ] && [ "$4" = -a ] && [ "$6" = -w ] || exit 2\n' +
      'f="$FAKE_KEYRING/$3__$5"; [ -f "$f" ] || exit 44; cat "$f"; echo\n',
  );
  chmodSync(join(bin, 'secret-tool'), 0o755);
  chmodSync(join(bin, 'security'), 0o755);
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('keychain: secret references', () => {
  it.each(['linux', 'darwin'] as const)('reads the secret through the %s tool', (platform) => {
    writeConfig('keychain:scanpay/paid-hook');
    const { config } = loadConfig(dataDir, env(), osKeychainReader(env(), platform));
    expect(config.paid_actions.goods?.[0]).toMatchObject({ kind: 'http', secret: SECRET });
  });

  it('names the key of a missing entry, and never the secret', () => {
    writeConfig('keychain:scanpay/nobody');
    const load = () => loadConfig(dataDir, env(), osKeychainReader(env(), 'linux'));
    expect(load).toThrow(
      expect.objectContaining({
        code: 'config_secret_missing',
        message: expect.stringContaining('paid_actions.goods.0.secret'),
      }),
    );
  });

  it('says what to install when the tool is missing, and what to use on Windows', () => {
    writeConfig('keychain:scanpay/paid-hook');
    const empty = join(root, 'empty-bin');
    mkdirSync(empty, { recursive: true });
    const noTool = () =>
      loadConfig(dataDir, env(empty), osKeychainReader({ ...env(empty), PATH: empty }, 'linux'));
    expect(noTool).toThrow(
      expect.objectContaining({
        code: 'keychain_unavailable',
        message: expect.stringContaining('libsecret-tools'),
      }),
    );
    const windows = () => loadConfig(dataDir, env(), osKeychainReader(env(), 'win32'));
    expect(windows).toThrow(
      expect.objectContaining({
        code: 'keychain_unavailable',
        message: expect.stringMatching(/file: or env:/),
      }),
    );
  });

  it('refuses a reference without an account', () => {
    writeConfig('keychain:scanpay');
    expect(() => loadConfig(dataDir, env(), osKeychainReader(env(), 'linux'))).toThrow(
      expect.objectContaining({
        code: 'config_invalid',
        message: expect.stringContaining('keychain:<service>/<account>'),
      }),
    );
  });

  it('never puts the secret in any error it raises', () => {
    writeConfig('keychain:scanpay/paid-hook');
    // A valid secret with an invalid URL elsewhere: the config error must not echo the secret.
    writeFileSync(
      join(dataDir, 'config.json'),
      JSON.stringify({
        paid_actions: { goods: [{ kind: 'http', url: 'not a url', secret: 'keychain:scanpay/paid-hook' }] },
      }),
    );
    try {
      loadConfig(dataDir, env(), osKeychainReader(env(), 'linux'));
      expect.unreachable('the config is invalid');
    } catch (error) {
      expect(JSON.stringify(error)).not.toContain(SECRET);
      expect(String((error as Error).message)).not.toContain(SECRET);
    }
  });
});
