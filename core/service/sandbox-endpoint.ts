/**
 * The endpoint of a sandbox already running on its own (`scanpay sandbox`), as `scanpay serve` and
 * `scanpay reconcile` join it: GET /_sandbox/credentials. One place for both.
 */
import { ConflictError } from '../common/errors.ts';
import type { SandboxEndpoint } from './merchants.ts';

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
