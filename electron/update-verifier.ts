/**
 * Checks a package electron-updater has downloaded before anything may install it: fetches the
 * detached signature `<package>.sig` from the same HTTPS feed and verifies it against the release
 * public key shipped in the app (core/release/update-signature.ts holds the format; docs/deploy.md,
 * "Updates", the key custody). Electron-free: the fetch is injected (main.ts passes Electron's
 * net.fetch, which uses the OS certificate store; the tests pass one trusting their own CA).
 */

import type { KeyObject } from 'node:crypto';
import path from 'node:path';
import {
  MAX_SIGNATURE_BYTES,
  UpdateRefusedError,
  verifyUpdateFile,
} from '../core/release/update-signature.ts';

/** What electron-updater's 'update-downloaded' event carries that we use (UpdateDownloadedEvent). */
export interface DownloadedUpdate {
  readonly version: string;
  readonly downloadedFile: string;
  readonly files: readonly { readonly url: string }[];
}

export interface FetchedBytes {
  readonly status: number;
  readonly body: Uint8Array;
}

export type FetchBytes = (url: string) => Promise<FetchedBytes>;

export interface UpdateVerifierOptions {
  /** The feed URL (already checked to be https). */
  readonly feedUrl: string;
  readonly publicKey: KeyObject;
  readonly fetchBytes: FetchBytes;
}

/** `<feed>/<package url>.sig`; refuses anything that would leave https. */
export function signatureUrl(feedUrl: string, update: DownloadedUpdate): string {
  const name = path.basename(update.downloadedFile);
  const file =
    update.files.find(
      (f) => path.posix.basename(decodeURIComponent(new URL(f.url, feedUrl).pathname)) === name,
    ) ?? (update.files.length === 1 ? update.files[0] : undefined);
  if (file === undefined) {
    throw new UpdateRefusedError(
      'update_signature_invalid',
      `update ${update.version} refused: the feed does not list the downloaded file ${name}`,
      { version: update.version },
    );
  }
  const url = new URL(file.url, feedUrl);
  url.pathname = `${url.pathname}.sig`;
  url.search = '';
  url.hash = '';
  if (url.protocol !== 'https:') {
    throw new UpdateRefusedError(
      'update_signature_invalid',
      `update ${update.version} refused: its signature would be fetched over ${url.protocol}`,
      { version: update.version },
    );
  }
  return url.href;
}

/** Resolves when the downloaded package may be installed; throws UpdateRefusedError otherwise. */
export function createUpdateVerifier(
  options: UpdateVerifierOptions,
): (update: DownloadedUpdate) => Promise<void> {
  return async (update) => {
    const url = signatureUrl(options.feedUrl, update);
    let fetched: FetchedBytes;
    try {
      fetched = await options.fetchBytes(url);
    } catch (error) {
      throw new UpdateRefusedError(
        'update_signature_unavailable',
        `update ${update.version}: its signature could not be fetched (${error instanceof Error ? error.message : String(error)})`,
        { version: update.version },
      );
    }
    // 404/410: the server has no signature for this package. Any other non-200 is not a verdict.
    if (fetched.status === 404 || fetched.status === 410) {
      await verifyUpdateFile({
        path: update.downloadedFile,
        version: update.version,
        signature: null,
        publicKey: options.publicKey,
      });
      return;
    }
    if (fetched.status !== 200) {
      throw new UpdateRefusedError(
        'update_signature_unavailable',
        `update ${update.version}: the signature request answered HTTP ${fetched.status}`,
        { version: update.version, status: fetched.status },
      );
    }
    await verifyUpdateFile({
      path: update.downloadedFile,
      version: update.version,
      signature: fetched.body,
      publicKey: options.publicKey,
    });
  };
}

/** A FetchBytes over a WHATWG fetch (Electron's net.fetch), reading at most a signature's worth. */
export function fetchBytesWith(fetchImpl: (url: string, init: RequestInit) => Promise<Response>): FetchBytes {
  return async (url) => {
    // No redirects: a redirect could leave https or the feed's host.
    const response = await fetchImpl(url, { redirect: 'error' });
    if (response.status !== 200) {
      await response.body?.cancel();
      return { status: response.status, body: new Uint8Array() };
    }
    const chunks: Uint8Array[] = [];
    let size = 0;
    const reader = response.body?.getReader();
    while (reader !== undefined) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.byteLength;
      // Enough to know it is too large to be a signature.
      if (size > MAX_SIGNATURE_BYTES) {
        await reader.cancel();
        break;
      }
    }
    return { status: 200, body: Buffer.concat(chunks).subarray(0, MAX_SIGNATURE_BYTES + 1) };
  };
}
