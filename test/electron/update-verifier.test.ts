/**
 * Signed updates end to end, short of Electron: a local HTTPS update server (the self-signed
 * certificate in fixtures/, trusted by these tests only) serves a generic-provider feed with a good,
 * a tampered, an unsigned, a relabelled and a foreign-key package. Each is downloaded as
 * electron-updater would, then goes through the shell's verifier and the update policy: only the
 * good one is installed, every refusal is reported with its code. Packages are signed by the real
 * `scanpay sign-release` command with a release key made for the test.
 */
import { spawnSync } from 'node:child_process';
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, get, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signRelease } from '../../core/cli/commands/sign-release.ts';
import { UpdateRefusedError } from '../../core/release/update-signature.ts';
import { startUpdates, type UpdaterLike } from '../../electron/update-policy.ts';
import {
  createUpdateVerifier,
  type DownloadedUpdate,
  type FetchBytes,
  fetchBytesWith,
  signatureUrl,
} from '../../electron/update-verifier.ts';
import { manualTimers } from './fakes/manual-timers.ts';

const root = path.resolve(import.meta.dirname, '..', '..');
// A test-only certificate for 127.0.0.1 (no secret: it protects nothing but these tests).
const fixtures = path.join(import.meta.dirname, 'fixtures');
const cert = readFileSync(path.join(fixtures, 'update-server.cert.pem'));
const key = readFileSync(path.join(fixtures, 'update-server.key.pem'));

const work = mkdtempSync(path.join(tmpdir(), 'scanpay-update-'));
const cache = path.join(work, 'cache');
const files = new Map<string, Buffer>();
let server: Server;
let feedUrl: string;
let releasePublic: KeyObject;

function newKeyFile(name: string): { file: string; publicKey: KeyObject } {
  const pair = generateKeyPairSync('ed25519');
  const file = path.join(work, name);
  writeFileSync(file, pair.privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
  return { file, publicKey: pair.publicKey };
}

function pkg(version: string): string {
  return `ScanPay Kiosk-${version}-x64.AppImage`;
}

/** Writes a package into the served folder and signs it with `keyFile` as `version`. */
async function publish(name: string, bytes: Buffer, keyFile: string, signedVersion: string): Promise<void> {
  const file = path.join(work, name);
  writeFileSync(file, bytes);
  await signRelease(['--version', signedVersion, file], { SCANPAY_RELEASE_KEY_FILE: keyFile }, () => {});
  files.set(name, bytes);
  files.set(`${name}.sig`, readFileSync(`${file}.sig`));
}

/** GET over https trusting only the test certificate. */
function fetchTrusting(ca: Buffer | undefined): FetchBytes {
  return (url) =>
    new Promise((resolve, reject) => {
      get(url, { ca }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks) }));
        response.on('error', reject);
      }).on('error', reject);
    });
}

/** What electron-updater does before 'update-downloaded': fetch the package into its cache. */
async function download(version: string): Promise<DownloadedUpdate> {
  const name = pkg(version);
  const fetched = await fetchTrusting(cert)(new URL(encodeURIComponent(name), feedUrl).href);
  expect(fetched.status).toBe(200);
  const downloadedFile = path.join(cache, name);
  writeFileSync(downloadedFile, fetched.body);
  return { version, downloadedFile, files: [{ url: encodeURIComponent(name) }] };
}

beforeAll(async () => {
  mkdirSync(cache, { recursive: true });
  const release = newKeyFile('release-private.pem');
  const stranger = newKeyFile('stranger-private.pem');
  releasePublic = release.publicKey;
  const body = (version: string) =>
    Buffer.from(`#!/bin/sh\necho ScanPay Kiosk ${version}\n${'x'.repeat(70_000)}\n`);
  // Good: signed by the release key for its own version.
  await publish(pkg('1.2.0'), body('1.2.0'), release.file, '1.2.0');
  // Tampered: signed, then one byte changed on the server.
  await publish(pkg('1.2.1'), body('1.2.1'), release.file, '1.2.1');
  const tampered = Buffer.from(files.get(pkg('1.2.1'))!);
  tampered[20] = tampered[20]! ^ 0x01;
  files.set(pkg('1.2.1'), tampered);
  // Unsigned: no .sig at all.
  files.set(pkg('1.2.2'), body('1.2.2'));
  // Relabelled: a genuinely signed 1.1.0 package served as 1.2.3.
  await publish(pkg('1.2.3'), body('1.1.0'), release.file, '1.1.0');
  // Foreign key: a well-formed signature by a key that is not ours.
  await publish(pkg('1.2.4'), body('1.2.4'), stranger.file, '1.2.4');

  server = createServer({ cert, key }, (request, response) => {
    const name = decodeURIComponent(
      new URL(request.url ?? '/', 'https://x').pathname.replace(/^\/feed\//, ''),
    );
    const bytes = files.get(name);
    if (bytes === undefined) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { 'content-length': bytes.length }).end(bytes);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  feedUrl = `https://127.0.0.1:${(server.address() as AddressInfo).port}/feed/`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  rmSync(work, { recursive: true, force: true });
});

async function refusal(promise: Promise<void>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(UpdateRefusedError);
    // Never the key: only what was refused and why.
    expect((error as Error).message).not.toMatch(/PRIVATE KEY|BEGIN/);
    return (error as UpdateRefusedError).code;
  }
  return 'accepted';
}

describe('update signature verification against a local HTTPS feed', () => {
  const verifier = () =>
    createUpdateVerifier({ feedUrl, publicKey: releasePublic, fetchBytes: fetchTrusting(cert) });

  it('accepts the package signed by the release key for its version', async () => {
    expect(await refusal(verifier()(await download('1.2.0')))).toBe('accepted');
  });

  it('refuses a package changed after signing', async () => {
    expect(await refusal(verifier()(await download('1.2.1')))).toBe('update_signature_invalid');
  });

  it('refuses a package with no signature', async () => {
    expect(await refusal(verifier()(await download('1.2.2')))).toBe('update_unsigned');
  });

  it('refuses a genuinely signed old package relabelled as a new version', async () => {
    expect(await refusal(verifier()(await download('1.2.3')))).toBe('update_signature_invalid');
  });

  it('refuses a package signed by another key', async () => {
    expect(await refusal(verifier()(await download('1.2.4')))).toBe('update_signature_invalid');
  });

  it('gives no verdict when the signature cannot be fetched over verified TLS', async () => {
    const untrusting = createUpdateVerifier({
      feedUrl,
      publicKey: releasePublic,
      fetchBytes: fetchTrusting(undefined),
    });
    expect(await refusal(untrusting(await download('1.2.0')))).toBe('update_signature_unavailable');
  });

  it('installs only the good package through the update policy, reporting every refusal', async () => {
    const verdicts: string[] = [];
    let verdict: (() => void) | null = null;
    const record = (line: string) => {
      verdicts.push(line);
      verdict?.();
    };
    let onDownloaded: ((update: DownloadedUpdate) => void) | null = null;
    let current = '';
    const updater: UpdaterLike = {
      autoDownload: false,
      autoInstallOnAppQuit: true,
      setFeedURL: () => {},
      checkForUpdates: async () => null,
      on: (event: string, listener: never) => {
        if (event === 'update-downloaded') onDownloaded = listener;
        return updater;
      },
      quitAndInstall: () => record(`installed ${current}`),
    };
    startUpdates({
      updater: () => updater,
      url: feedUrl,
      verifier: (feed) =>
        createUpdateVerifier({ feedUrl: feed, publicKey: releasePublic, fetchBytes: fetchTrusting(cert) }),
      onRefused: (error) => record(`refused ${current}: ${error.code}`),
      isBusy: () => false,
      beforeInstall: async () => {},
      timers: manualTimers(),
    });
    for (const version of ['1.2.1', '1.2.2', '1.2.3', '1.2.4', '1.2.0']) {
      current = version;
      const update = await download(version);
      // Verification hashes the file and fetches the .sig over HTTPS: wait for its verdict.
      await new Promise<void>((resolve) => {
        verdict = resolve;
        onDownloaded!(update);
      });
    }
    expect(verdicts).toEqual([
      'refused 1.2.1: update_signature_invalid',
      'refused 1.2.2: update_unsigned',
      'refused 1.2.3: update_signature_invalid',
      'refused 1.2.4: update_signature_invalid',
      'installed 1.2.0',
    ]);
  });
});

describe('signature URL and fetching', () => {
  it('puts the signature next to the package on the feed, over https only', () => {
    const update = {
      version: '1.2.0',
      downloadedFile: `/c/${pkg('1.2.0')}`,
      files: [{ url: 'ScanPay%20Kiosk-1.2.0-x64.AppImage' }],
    };
    expect(signatureUrl('https://u.shop.lan/feed/', update)).toBe(
      'https://u.shop.lan/feed/ScanPay%20Kiosk-1.2.0-x64.AppImage.sig',
    );
    expect(() =>
      signatureUrl('https://u.shop.lan/feed/', {
        ...update,
        files: [{ url: 'http://evil.lan/ScanPay%20Kiosk-1.2.0-x64.AppImage' }],
      }),
    ).toThrow(/over http:/);
  });

  it('reads a WHATWG response without redirects, and at most a signature-sized body', async () => {
    const seen: RequestInit[] = [];
    const fetchBytes = fetchBytesWith(async (_url, init) => {
      seen.push(init);
      return new Response(new Uint8Array(1_000_000));
    });
    const { status, body } = await fetchBytes('https://u.shop.lan/x.sig');
    expect(status).toBe(200);
    expect(body.byteLength).toBeLessThan(1_000_000);
    expect(seen).toEqual([{ redirect: 'error' }]);
    const missing = await fetchBytesWith(async () => new Response(null, { status: 404 }))('https://u/x.sig');
    expect(missing.status).toBe(404);
  });
});

describe('scanpay sign-release', () => {
  it('signs from the key file in the environment and never prints the key', () => {
    const release = newKeyFile('cli-private.pem');
    const file = path.join(work, 'cli-package.exe');
    writeFileSync(file, 'MZ installer');
    const run = spawnSync(
      process.execPath,
      [path.join(root, 'bin', 'scanpay.js'), 'sign-release', '--version', '2.0.0', file],
      {
        env: { ...process.env, SCANPAY_RELEASE_KEY_FILE: release.file },
        encoding: 'utf8',
      },
    );
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({ signed: file, signature: `${file}.sig`, version: '2.0.0' });
    expect(JSON.parse(readFileSync(`${file}.sig`, 'utf8'))).toMatchObject({
      version: '2.0.0',
      product: 'cn.scanpay.kiosk',
    });
    expect(run.stdout + run.stderr).not.toContain('PRIVATE KEY');
  });

  it('refuses to run without a key, and with something that is not one, without echoing it', () => {
    const file = path.join(work, 'nokey.exe');
    writeFileSync(file, 'MZ');
    const env = { ...process.env, SCANPAY_RELEASE_KEY_FILE: '', SCANPAY_RELEASE_KEY: '' };
    const none = spawnSync(
      process.execPath,
      [path.join(root, 'bin', 'scanpay.js'), 'sign-release', '--version', '2.0.0', file],
      { env, encoding: 'utf8' },
    );
    expect(none.status).toBe(1);
    expect(JSON.parse(none.stderr).code).toBe('release_key_missing');
    const bad = spawnSync(
      process.execPath,
      [path.join(root, 'bin', 'scanpay.js'), 'sign-release', '--version', '2.0.0', file],
      {
        env: { ...env, SCANPAY_RELEASE_KEY: 'hunter2-not-a-key' },
        encoding: 'utf8',
      },
    );
    expect(bad.status).toBe(1);
    expect(JSON.parse(bad.stderr).code).toBe('release_key_invalid');
    expect(bad.stderr).not.toContain('hunter2');
  });
});
