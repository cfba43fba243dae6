/**
 * Keep-alive connections to the providers (core/gateways/shared/http-post.ts, "Connections"), over
 * real TLS on 127.0.0.1 with the test CA: a payment's calls share one connection, a new connection
 * resumes the cached TLS session, and a pooled socket reset before any byte of the reply is a
 * network failure, never resent: a charge it hits is `unknown` (query, then reverse), never failed.
 */
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { httpPost, providerConnections } from '../../core/gateways/shared/http-post.ts';
import { createWxpayGateway } from '../../core/gateways/wxpay/wxpay-gateway.ts';
import { fixture, signedWxReply, wxpayTestConfig } from './wxpay-fixtures.ts';

type Answer = 'reply' | 'reset' | 'reply-and-close';

interface TlsServer {
  readonly url: string;
  /** Request paths in arrival order, with the number of the connection that carried each. */
  readonly received: { path: string; connection: number }[];
  /** Per connection: whether its TLS session was resumed. */
  readonly resumed: boolean[];
  answer: (path: string, index: number) => Answer;
  replyBody: (path: string) => string;
  close(): Promise<void>;
}

async function startTlsServer(): Promise<TlsServer> {
  const connectionOf = new WeakMap<object, number>();
  const state: TlsServer = {
    url: '',
    received: [],
    resumed: [],
    answer: () => 'reply',
    replyBody: () => 'ok',
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  const server = https.createServer(
    { cert: fixture('server-cert.pem'), key: fixture('server-key.pem'), keepAliveTimeout: 30_000 },
    (req, res) => {
      req.resume();
      req.on('end', () => {
        const connection = connectionOf.get(req.socket) ?? -1;
        const path = req.url ?? '';
        state.received.push({ path, connection });
        const answer = state.answer(path, state.received.length - 1);
        // A reset before any byte of the reply: the provider's front end dropped the socket.
        if (answer === 'reset') return req.socket.destroy();
        res.writeHead(200, {
          'content-type': 'text/xml',
          ...(answer === 'reply-and-close' ? { connection: 'close' } : {}),
        });
        res.end(state.replyBody(path));
      });
    },
  );
  server.on('secureConnection', (socket: TLSSocket) => {
    connectionOf.set(socket, state.resumed.length);
    state.resumed.push(socket.isSessionReused());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  (state as { url: string }).url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return state;
}

let server: TlsServer;
beforeEach(async () => {
  server = await startTlsServer();
});
afterEach(() => server.close());

const ca = () => fixture('ca-cert.pem');

describe('provider connections over TLS', () => {
  it('sends the calls of one payment over one connection', async () => {
    const connections = providerConnections({ ca: ca() });
    const post = (path: string) =>
      httpPost({
        url: `${server.url}${path}`,
        body: 'q',
        contentType: 'text/plain',
        timeoutMs: 2000,
        connections,
      });
    for (const path of ['/a', '/b', '/c'])
      expect(await post(path)).toMatchObject({ kind: 'response', status: 200 });
    expect(server.resumed).toHaveLength(1);
    expect(server.received.map((r) => r.connection)).toEqual([0, 0, 0]);
    connections.close();
  });

  it('without a pool each call opens its own connection (the old behaviour, for comparison)', async () => {
    const agent = new https.Agent({ ca: ca(), keepAlive: false });
    for (const path of ['/a', '/b'])
      await httpPost({
        url: `${server.url}${path}`,
        body: 'q',
        contentType: 'text/plain',
        timeoutMs: 2000,
        httpsAgent: agent,
      });
    expect(server.resumed).toHaveLength(2);
  });

  it('resumes the cached TLS session when the server closed the previous connection', async () => {
    server.answer = () => 'reply-and-close';
    const connections = providerConnections({ ca: ca() });
    for (const path of ['/a', '/b'])
      await httpPost({
        url: `${server.url}${path}`,
        body: 'q',
        contentType: 'text/plain',
        timeoutMs: 2000,
        connections,
      });
    expect(server.resumed).toEqual([false, true]);
    connections.close();
  });

  it('reports a reset of a reused socket as a network failure and sends the request once', async () => {
    const connections = providerConnections({ ca: ca() });
    const post = (path: string) =>
      httpPost({
        url: `${server.url}${path}`,
        body: 'q',
        contentType: 'text/plain',
        timeoutMs: 2000,
        connections,
      });
    server.answer = (_path, index) => (index === 1 ? 'reset' : 'reply');
    expect(await post('/first')).toMatchObject({ kind: 'response' });
    expect(await post('/second')).toEqual({
      kind: 'transport_failure',
      reason: 'network',
      detail: 'ECONNRESET',
    });
    expect(server.received).toEqual([
      { path: '/first', connection: 0 },
      { path: '/second', connection: 0 },
    ]);
    // The pool dropped the dead socket: the next call opens a new connection and succeeds.
    expect(await post('/third')).toMatchObject({ kind: 'response', status: 200 });
    expect(server.received.at(-1)).toEqual({ path: '/third', connection: 1 });
    connections.close();
  });
});

describe('a WeChat micropay on a pooled socket that the provider resets', () => {
  it('is unknown, never failed, and is not sent again (to the main or the backup domain)', async () => {
    const gateway = createWxpayGateway(
      wxpayTestConfig(`${server.url}/wxpay`, {
        ca_pem: ca(),
        backup_base_url: `${server.url}/backup`,
        timeouts: { micropay_ms: 2000, other_ms: 2000 },
      }),
    );
    server.replyBody = () =>
      signedWxReply({ result_code: 'FAIL', err_code: 'ORDERNOTEXIST', err_code_des: 'order does not exist' });
    // A query first leaves a warm socket in the pool; the charge reuses it and the server resets it.
    await gateway.query({ outTradeNo: 'K0' });
    server.answer = (path) => (path.endsWith('/pay/micropay') ? 'reset' : 'reply');
    const outcome = await gateway.micropay({
      outTradeNo: 'K1',
      authCode: '134567890123456789',
      totalFee: 500,
      subject: 'Tea',
    });
    expect(outcome).toMatchObject({ kind: 'unknown', reason: 'network' });
    const charges = server.received.filter((r) => r.path.endsWith('/pay/micropay'));
    expect(charges).toEqual([{ path: '/wxpay/pay/micropay', connection: 0 }]);
  });
});
