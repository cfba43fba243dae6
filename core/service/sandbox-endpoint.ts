/**
 * The endpoint of a sandbox already running on its own (`scanpay sandbox`), as `scanpay serve` and
 * `scanpay reconcile` join it: GET /_sandbox/credentials. One place for both. Also the service's
 * choice of sandbox at start: given, at a URL, or started in-process.
 */
import { ConflictError } from '../common/errors.ts';
import type { RunningSandbox } from '../sandbox/start-sandbox.ts';
import type { ServiceConfig } from './config/service-config.ts';
import { needsSandbox, type SandboxEndpoint } from './merchants.ts';

/** The running sandbox's endpoint, as `scanpay serve` reaches it (GET /_sandbox/credentials). */
export async function sandboxEndpointAt(url: string): Promise<SandboxEndpoint> {
  let response: Response;
  try {
    response = await fetch(`${url.replace(/\/+$/, '')}/_sandbox/credentials`);
  } catch (error) {
    throw new ConflictError(
      'sandbox_unreachable',
      `the sandbox at ${url} cannot be reached: ${(error as Error).message}`,
    );
  }
  if (!response.ok)
    throw new ConflictError('sandbox_unreachable', `the sandbox at ${url} answered HTTP ${response.status}`);
  const body = (await response.json()) as {
    url: string;
    secapi_url: string;
    credentials: SandboxEndpoint['credentials'];
  };
  return { url: body.url, secapiUrl: body.secapi_url, credentials: body.credentials };
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
