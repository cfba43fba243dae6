/**
 * `keychain:<service>/<account>` secret references, read from the OS's own secret store through its
 * standard command-line tool: `secret-tool` (libsecret, the Secret Service of GNOME/KDE desktops) on
 * Linux and `security` (Keychain) on macOS. Hand-written because the npm keychain bindings (keytar
 * and its forks) are native modules that are unmaintained or need a rebuild per Electron version,
 * while both tools ship with the OS (libsecret-tools on Debian). Windows' Credential Manager has no
 * such tool, so there a reference says to use `file:` or `env:`. The secret itself never appears in
 * an error, a log or the tool's arguments.
 */
import { spawnSync } from 'node:child_process';
import { ConfigError } from '../../common/errors.ts';

export type KeychainReader = (service: string, account: string, key: string) => string;

const LOOKUP_TIMEOUT_MS = 5000;

function commandFor(
  platform: NodeJS.Platform,
  service: string,
  account: string,
): { cmd: string; args: string[]; install: string } | null {
  switch (platform) {
    case 'darwin':
      return {
        cmd: 'security',
        args: ['find-generic-password', '-s', service, '-a', account, '-w'],
        install: 'the macOS `security` tool',
      };
    case 'win32':
      return null;
    default:
      return {
        cmd: 'secret-tool',
        args: ['lookup', 'service', service, 'account', account],
        install: '`secret-tool` (Debian: apt install libsecret-tools) and a desktop session with a keyring',
      };
  }
}

export function osKeychainReader(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
): KeychainReader {
  return (service, account, key) => {
    const command = commandFor(platform, service, account);
    if (!command) {
      throw new ConfigError(
        'keychain_unavailable',
        `${key}: the OS keychain is not read on this system; use a file: or env: reference`,
        { key },
      );
    }
    const run = spawnSync(command.cmd, command.args, {
      encoding: 'utf8',
      env,
      timeout: LOOKUP_TIMEOUT_MS,
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    if (run.error) {
      throw new ConfigError(
        'keychain_unavailable',
        `${key}: cannot read the keychain: needs ${command.install}`,
        {
          key,
        },
      );
    }
    const secret = run.stdout.replace(/\r?\n$/, '');
    if (run.status !== 0 || secret === '') {
      throw new ConfigError(
        'config_secret_missing',
        `${key}: no keychain entry for service "${service}", account "${account}"`,
        { key },
      );
    }
    return secret;
  };
}

/** `keychain:scanpay/wxpay-key` → { service: 'scanpay', account: 'wxpay-key' }. */
export function parseKeychainRef(ref: string, key: string): { service: string; account: string } {
  const body = ref.slice('keychain:'.length);
  const slash = body.indexOf('/');
  if (slash <= 0 || slash === body.length - 1) {
    throw new ConfigError(
      'config_invalid',
      `${key}: write a keychain reference as keychain:<service>/<account>`,
      {
        key,
      },
    );
  }
  return { service: body.slice(0, slash), account: body.slice(slash + 1) };
}
