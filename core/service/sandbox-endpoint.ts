/**
 * The endpoint of a sandbox already running on its own (`scanpay sandbox`), as `scanpay serve` and
 * `scanpay reconcile` join it: GET /_sandbox/credentials. One place for both. Also the service's
 * choice of sandbox at start: given, at a URL, or started in-process.
 *
 * The GET goes through node:http, not fetch: `scanpay serve` has node:http loaded already for its
 * API, while fetch would load and compile undici on the start path for this one request (issue 20,
 * docs/benchmarks.md "Empty-data-dir start: undici off the start path"). It is bounded
 * (SANDBOX_ANSWER_MS), so a sandbox that accepts the connection and never answers stops the start
 * with a clear error.
 */
import http from 'node:http';
import https from 'node:https';
import { ConflictError } from '../common/errors.ts';
import type { RunningSandbox } from '../sandbox/start-sandbox.ts';
import type { ServiceConfig } from './config/service-config.ts';
import { needsSandbox, type SandboxEndpoint } from './merchants.ts';

/** How long the sandbox has to answer its credentials (connect + reply); it is on this machine or the LAN. */
const SANDBOX_ANSWER_MS = 10_000;
/** The credentials document is a few KiB (three PEM pairs); anything far larger is not it. */
const MAX_CREDENTIALS_BYTES = 256 * 1024;

function unreachable(url: string, why: string): ConflictError {
  return new ConflictError('sandbox_unreachable', `the sandbox at ${url} ${why}`);
}

/** GET `url`: the status and body, or a sandbox_unreachable error naming `sandboxUrl`. */
function getText(url: URL, sandboxUrl: string, timeoutMs: number): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const client = url.protocol === 'https:' ? https : http;
    const request = client.get(url, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        body += chunk;
        if (body.length > MAX_CREDENTIALS_BYTES)
          request.destroy(unreachable(sandboxUrl, 'answered more than a credentials document'));
      });
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
      response.on('error', (error) => reject(unreachable(sandboxUrl, `cannot be reached: ${error.message}`)));
    });
    const deadline = setTimeout(
      () => request.destroy(unreachable(sandboxUrl, `gave no answer in ${timeoutMs} ms`)),
      timeoutMs,
    );
    request.on('close', () => clearTimeout(deadline));
    request.on('error', (error) =>
      reject(
        error instanceof ConflictError
          ? error
          : unreachable(sandboxUrl, `cannot be reached: ${error.message}`),
      ),
    );
  });
}

/** The running sandbox's endpoint, as `scanpay serve` reaches it (GET /_sandbox/credentials). */
export async function sandboxEndpointAt(
  url: string,
  options: { readonly timeoutMs?: number } = {},
): Promise<SandboxEndpoint> {
  let target: URL;
  try {
    target = new URL(`${url.replace(/\/+$/, '')}/_sandbox/credentials`);
  } catch {
    throw unreachable(url, 'is not a URL');
  }
  if (target.protocol !== 'http:' && target.protocol !== 'https:')
    throw unreachable(url, 'is not an http(s) URL');
  const { status, body } = await getText(target, url, options.timeoutMs ?? SANDBOX_ANSWER_MS);
  if (status < 200 || status > 299) throw unreachable(url, `answered HTTP ${status}`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    throw unreachable(url, 'answered something that is not JSON');
  }
  const document = parsed as { url?: unknown; secapi_url?: unknown; credentials?: unknown } | null;
  if (
    typeof document?.url !== 'string' ||
    typeof document.secapi_url !== 'string' ||
    typeof document.credentials !== 'object' ||
    document.credentials === null
  )
    throw unreachable(url, 'answered without the sandbox credentials (url, secapi_url, credentials)');
  return {
    url: document.url,
    secapiUrl: document.secapi_url,
    credentials: document.credentials as SandboxEndpoint['credentials'],
  };
}

/** The sandbox the config's gateways use, if any: given, reached at a URL, or started in this process. */
export async function startSandboxFor(
  config: ServiceConfig,
  options: { readonly sandboxEndpoint?: SandboxEndpoint; readonly sandboxUrl?: string },
): Promise<{ readonly endpoint: SandboxEndpoint | null; readonly own: RunningSandbox | null }> {
  if (!needsSandbox(config)) return { endpoint: null, own: null };
  if (options.sandboxEndpoint) return { endpoint: options.sandboxEndpoint, own: null };
  if (options.sandboxUrl) return { endpoint: await sandboxEndpointAt(options.sandboxUrl), own: null };
  const { startSandbox } = await import('../sandbox/start-sandbox.ts');
  const own = await startSandbox({ port: 0 });
  return { endpoint: { url: own.url, secapiUrl: own.secapiUrl, credentials: own.credentials }, own };
}
