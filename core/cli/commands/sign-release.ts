/**
 * `scanpay sign-release --version V <package>...`: writes `<package>.sig`, the detached Ed25519
 * signature every installed app checks before it installs an update (core/release/update-signature.ts,
 * docs/deploy.md "Updates"). The private key comes from `SCANPAY_RELEASE_KEY_FILE` (a PEM file, the
 * usual case: on an offline signing machine or a CI secret file) or `SCANPAY_RELEASE_KEY` (the PEM
 * itself), never from a command-line argument (shell history, process lists).
 *
 * `scanpay sign-release --generate-key DIR` makes a new release key pair: DIR/release-private.pem
 * (owner-only) and DIR/release-public.pem, whose content goes to build/release-public-key.pem.
 *
 * Prints one JSON line per signed package; on error `{code, message}` and exit 1. Key material is
 * never printed.
 */
import { generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ScanPayError, toErrorShape } from '../../common/errors.ts';
import { releasePrivateKey, signUpdateFile } from '../../release/update-signature.ts';
import { type CliCommand, CliUsageError, parseArgs } from '../cli-command.ts';

function usageError(message: string): ScanPayError {
  return new ScanPayError('sign_release_usage', message);
}

function privateKeyPem(env: NodeJS.ProcessEnv): string {
  const file = env.SCANPAY_RELEASE_KEY_FILE;
  if (file !== undefined && file !== '') {
    try {
      return readFileSync(file, 'utf8');
    } catch {
      throw new ScanPayError(
        'release_key_unreadable',
        'SCANPAY_RELEASE_KEY_FILE: cannot read the file it names',
      );
    }
  }
  const inline = env.SCANPAY_RELEASE_KEY;
  if (inline !== undefined && inline !== '') return inline;
  throw new ScanPayError(
    'release_key_missing',
    'no release key: set SCANPAY_RELEASE_KEY_FILE to the private key file (or SCANPAY_RELEASE_KEY to its PEM)',
  );
}

function generateKey(dir: string): Record<string, string> {
  const privatePath = join(dir, 'release-private.pem');
  const publicPath = join(dir, 'release-public.pem');
  for (const path of [privatePath, publicPath]) {
    if (existsSync(path)) throw usageError(`${path} exists: a release key is never overwritten`);
  }
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  writeFileSync(privatePath, privateKey.export({ type: 'pkcs8', format: 'pem' }), {
    mode: 0o600,
    flag: 'wx',
  });
  writeFileSync(publicPath, publicKey.export({ type: 'spki', format: 'pem' }), { mode: 0o644, flag: 'wx' });
  return { private_key: privatePath, public_key: publicPath };
}

export async function signRelease(
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  print: (line: string) => void,
): Promise<void> {
  const { flags, positional } = parseArgs(args, { values: ['generate-key', 'version'] });
  if (flags['generate-key'] !== undefined) {
    print(JSON.stringify(generateKey(flags['generate-key'])));
    return;
  }
  const version = flags.version;
  if (version === undefined || !/^\d+\.\d+\.\d+([-+][0-9A-Za-z.-]+)?$/.test(version)) {
    throw usageError('--version must be the release version the packages carry (e.g. 1.4.0)');
  }
  if (positional.length === 0) throw usageError('name at least one package file to sign');
  const key = releasePrivateKey(privateKeyPem(env));
  for (const file of positional) {
    if (!existsSync(file)) throw usageError(`${file}: no such file`);
    const signature = `${file}.sig`;
    writeFileSync(signature, await signUpdateFile(file, version, key));
    print(JSON.stringify({ signed: file, signature, version }));
  }
}

export const command: CliCommand = {
  async run(args) {
    try {
      await signRelease(args, process.env, (line) => console.log(line));
      return 0;
    } catch (error) {
      if (error instanceof CliUsageError) throw error;
      console.error(JSON.stringify(toErrorShape(error)));
      return 1;
    }
  },
};
