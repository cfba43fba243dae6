/**
 * Joining a sandbox already running on its own (`scanpay serve --sandbox URL`, `scanpay reconcile
 * --sandbox URL`): core/service/sandbox-endpoint.ts reads GET /_sandbox/credentials. Against the real
 * sandbox for the good case, and small local servers for every way the answer can go wrong: each one
 * is a `sandbox_unreachable` error naming the URL, never a raw exception or a start that waits forever.
 */
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ScanPayError } from '../../core/common/errors.ts';
import { type RunningSandbox, startSandbox } from '../../core/sandbox/start-sandbox.ts';
import { sandboxEndpointAt } from '../../core/service/sandbox-endpoint.ts';

let sandbox: RunningSandbox;
const servers: Server[] = [];

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0 });
});
afterAll(async () => {
  await sandbox.close();
});
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

async function serve(handler: RequestListener): Promise<string> {
  const server = createServer(handler);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function refusal(promise: Promise<unknown>): Promise<ScanPayError> {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(ScanPayError);
  return error as ScanPayError;
}

describe('sandboxEndpointAt', () => {
  it("reads the running sandbox's endpoint and credentials, with or without a trailing slash", async () => {
    for (const url of [sandbox.url, `${sandbox.url}/`]) {
      const endpoint = await sandboxEndpointAt(url);
      expect(endpoint.url).toBe(sandbox.url);
      expect(endpoint.secapiUrl).toBe(sandbox.secapiUrl);
      expect(endpoint.credentials).toEqual(sandbox.credentials);
    }
  });

  it('says the sandbox cannot be reached when nothing listens there', async () => {
    const url = await serve(() => undefined);
    const closed = servers.pop()!;
    await new Promise((resolve) => closed.close(resolve));
    const error = await refusal(sandboxEndpointAt(url));
    expect(error.code).toBe('sandbox_unreachable');
    expect(error.message).toContain(url);
  });

  it('names the HTTP status of an answer that is not a success', async () => {
    const url = await serve((_request, response) => {
      response.writeHead(503).end('busy');
    });
    const error = await refusal(sandboxEndpointAt(url));
    expect(error.code).toBe('sandbox_unreachable');
    expect(error.message).toContain('HTTP 503');
  });

  it('refuses an answer that is not the credentials document', async () => {
    for (const body of ['<html>not a sandbox</html>', '{"url":"http://127.0.0.1:1"}', 'null']) {
      const url = await serve((_request, response) => {
        response.writeHead(200, { 'content-type': 'application/json' }).end(body);
      });
      const error = await refusal(sandboxEndpointAt(url));
      expect(error.code).toBe('sandbox_unreachable');
      expect(error.message).toContain(url);
    }
  });

  it('gives up on a sandbox that accepts the connection and never answers', async () => {
    const url = await serve(() => undefined);
    const error = await refusal(sandboxEndpointAt(url, { timeoutMs: 300 }));
    expect(error.code).toBe('sandbox_unreachable');
    expect(error.message).toMatch(/no answer/);
  });
});
