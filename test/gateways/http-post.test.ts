import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpPost } from '../../core/gateways/shared/http-post.ts';
import { type CannedServer, startCannedServer } from './canned-server.ts';

let server: CannedServer;
beforeAll(async () => {
  server = await startCannedServer();
});
afterAll(() => server.close());

const post = (extra: Partial<Parameters<typeof httpPost>[0]> = {}) =>
  httpPost({ url: `${server.url}/x`, body: '体=1', contentType: 'text/plain', timeoutMs: 300, ...extra });

describe('httpPost', () => {
  it('sends the body as UTF-8 and returns status and body whatever the status', async () => {
    server.answer = (request) => ({ kind: 'reply', status: 503, body: `got ${request.body}` });
    expect(await post()).toMatchObject({ kind: 'response', status: 503, body: 'got 体=1' });
    expect(server.requests.at(-1)?.headers['content-length']).toBe(String(Buffer.byteLength('体=1')));
  });

  it('caps the reply size', async () => {
    server.answer = () => ({ kind: 'reply', body: 'x'.repeat(5_000) });
    expect(await post({ maxBodyBytes: 1_000 })).toMatchObject({
      kind: 'transport_failure',
      reason: 'too_large',
    });
  });

  it('reports reset, cut-off, refused and silent peers as typed failures', async () => {
    server.answer = () => ({ kind: 'reset' });
    expect(await post()).toMatchObject({ kind: 'transport_failure', reason: 'network' });
    server.answer = () => ({ kind: 'truncate', body: 'half' });
    expect(await post()).toMatchObject({ kind: 'transport_failure', reason: 'network' });
    server.answer = () => ({ kind: 'hang' });
    expect(await post({ timeoutMs: 50 })).toMatchObject({ kind: 'transport_failure', reason: 'timeout' });
    expect(await post({ url: 'http://127.0.0.1:1/x' })).toEqual({
      kind: 'transport_failure',
      reason: 'network',
      detail: 'ECONNREFUSED',
    });
    expect(await post({ url: 'ftp://127.0.0.1/x' })).toMatchObject({
      kind: 'transport_failure',
      reason: 'network',
    });
  });
});
