/**
 * The local HTTP API (vk-uni-pay shaped) and the headless UI server. `POST /api/<operation>` takes the
 * operation's JSON body; `GET /api/health`, `GET /api/orders`, `GET /api/orders.csv` and
 * `GET /api/events` (server-sent events) are reads. Every operation goes through the service's one
 * invoker (schema, access policy, operation); this file only works out who is calling and applies the
 * browser and proxy defences (request-guard.ts, docs/security.md):
 * - the Host must be one of the service's names (DNS rebinding), an Origin must be its own, writes must
 *   be application/json (CSRF); CORS is never granted;
 * - a caller is the console (the page this server served, with its session; or the LAN access token),
 *   an integrator (an API key), or a plain local call; a client that is not local needs a token or key,
 *   sent as `Authorization: Bearer`, never in the URL (the event stream takes a one-time ticket);
 * - the server refuses to bind a non-loopback address without an access token.
 */
import { randomBytes, timingSafeEqual, X509Certificate } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { OrdersExport, ServiceEvent } from '../../common/contract/api-contract.ts';
import type { HealthView } from '../../common/contract/views.ts';
import { ConfigError, type ErrorCode, type ErrorShape } from '../../common/errors.ts';
import { type Caller, CONSOLE_CALLER, type Permission } from '../api/access-policy.ts';
import type { Invocation } from '../api/operation-invoker.ts';
import type { KioskService } from '../kiosk-service.ts';
import { EventTickets } from './event-tickets.ts';
import {
  type HostPolicy,
  hostAllowed,
  hostName,
  isJsonContentType,
  isLoopback,
  originAllowed,
  resolveClient,
} from './request-guard.ts';
import { selfSignedCert } from './self-signed-cert.ts';
import { serveUiFile } from './static-ui.ts';
import { answerFor, isVkOperation } from './vk-answer.ts';

export { isLoopback } from './request-guard.ts';

const MAX_BODY = 64 * 1024;
const NOTIFY_PATH = /^\/notify\/([^/]+)\/([^/]+)$/;
const API_HEADERS = {
  'cache-control': 'no-store',
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
} as const;
export const SESSION_HEADER = 'x-scanpay-session';

export interface ApiKey {
  readonly id: string;
  readonly key: string;
  readonly permissions: readonly Permission[];
}

export interface ApiServerOptions {
  readonly service: Pick<
    KioskService,
    'invoke' | 'onEvent' | 'handleNotify' | 'reportInternalError' | 'config' | 'api' | 'dataDir'
  >;
  readonly host: string;
  readonly port: number;
  readonly staticDir?: string;
  /** The LAN cashier UI's credential; required to bind anything but loopback. */
  readonly accessToken?: string;
  /** Defaults to config.json's server.api_keys, allowed_hosts, trusted_proxies and tls. */
  readonly apiKeys?: readonly ApiKey[];
  readonly allowedHosts?: readonly string[];
  readonly trustedProxies?: readonly string[];
  readonly tls?: { readonly cert: string; readonly key: string };
  /** The socket's peer address unless a test says otherwise. */
  readonly clientAddress?: (request: IncomingMessage) => string | undefined;
}

export interface RunningApiServer {
  readonly url: string;
  readonly server: Server;
  /** SHA-256 fingerprint of the TLS certificate, for pinning; null over plain HTTP. */
  readonly tlsFingerprint: string | null;
  close(): Promise<void>;
}

class HttpRefusal extends Error {
  readonly status: number;
  readonly code: ErrorCode;

  toJSON(): ErrorShape {
    return { code: this.code, message: this.message };
  }

  constructor(status: number, code: ErrorCode, message: string) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

function secretMatches(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function send(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    ...API_HEADERS,
  });
  response.end(text);
}

function sendError(response: ServerResponse, status: number, code: ErrorCode, message: string): void {
  send(response, status, { ok: false, code, message, error: { code, message } });
}

/** GET /api/orders and /api/orders.csv filters from the query string. */
function orderQuery(params: URLSearchParams): Record<string, unknown> {
  const query: Record<string, unknown> = {};
  for (const [key, value] of params)
    query[key] = ['from', 'to', 'status', 'page', 'page_size'].includes(key) ? Number(value) : value;
  return query;
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const declared = Number(request.headers['content-length'] ?? 0);
    const tooLarge = () => new HttpRefusal(413, 'body_too_large', `bodies are limited to ${MAX_BODY} bytes`);
    if (declared > MAX_BODY) {
      request.resume(); // drained, not reset: the client reads the 413
      reject(tooLarge());
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let refused = false;
    request.on('data', (chunk: Buffer) => {
      if (refused) return;
      size += chunk.length;
      if (size > MAX_BODY) {
        refused = true;
        chunks.length = 0;
        reject(tooLarge());
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => {
      if (!refused) resolve(Buffer.concat(chunks).toString('utf8'));
    });
    request.on('error', reject);
  });
}

export async function startApiServer(options: ApiServerOptions): Promise<RunningApiServer> {
  const { service } = options;
  const serverConfig = service.config.server;
  if (!isLoopback(options.host) && !options.accessToken) {
    throw new ConfigError(
      'access_token_required',
      `binding ${options.host} exposes the payment API beyond this machine: set server.access_token in config.json first`,
    );
  }
  const apiKeys = options.apiKeys ?? serverConfig?.api_keys ?? [];
  const trustedProxies = new Set(options.trustedProxies ?? serverConfig?.trusted_proxies ?? []);
  // Requests for public_url's host came through the proxy: not local. A loopback public_url (tests,
  // a tunnel on this machine) cannot tell a proxied request from a local one, so it marks nothing.
  const publicName = service.config.public_url ? hostName(new URL(service.config.public_url).host) : null;
  const publicHost = publicName !== null && !isLoopback(publicName) ? publicName : null;
  const hostPolicy: HostPolicy = {
    names: new Set(
      [
        ...(options.allowedHosts ?? serverConfig?.allowed_hosts ?? []),
        ...(publicName ? [publicName] : []),
        options.host,
      ].map((name) => name.toLowerCase()),
    ),
  };
  const configuredTls = serverConfig?.tls;
  const tls =
    options.tls ??
    (configuredTls === undefined
      ? null
      : 'self_signed' in configuredTls
        ? selfSignedCert(
            service.dataDir,
            [...hostPolicy.names].filter((name) => !/^(0\.0\.0\.0|::)$/.test(name)),
          )
        : configuredTls);
  const tlsFingerprint = tls ? new X509Certificate(tls.cert).fingerprint256 : null;
  const scheme = tls ? 'https' : 'http';
  const session = randomBytes(32).toString('base64url');
  const tickets = new EventTickets(() => Date.now());

  /** Health as this server answers it: with the certificate's fingerprint when it speaks HTTPS. */
  const withTls = (health: HealthView): HealthView =>
    tlsFingerprint ? { ...health, tls_sha256: tlsFingerprint } : health;

  const sseClients = new Set<ServerResponse>();
  const unsubscribe = service.onEvent((event: ServiceEvent) => {
    const shown = event.kind === 'health' ? { ...event, health: withTls(event.health) } : event;
    const frame = `data: ${JSON.stringify(shown)}\n\n`;
    for (const client of sseClients) client.write(frame);
  });
  const heartbeat = setInterval(() => {
    for (const client of sseClients) client.write(': keep-alive\n\n');
  }, 15_000);
  heartbeat.unref();

  /** Who is calling, or the refusal: credentials come only from headers (and the events ticket). */
  function identify(request: IncomingMessage, url: URL): Caller {
    const peer = options.clientAddress ? options.clientAddress(request) : request.socket.remoteAddress;
    const client = resolveClient(request, peer, trustedProxies, publicHost);
    const authorization = request.headers.authorization;
    if (authorization !== undefined) {
      const given = authorization.startsWith('Bearer ') ? authorization.slice(7).trim() : '';
      const key = apiKeys.find((k) => given && secretMatches(given, k.key));
      if (key)
        return { kind: 'integrator', keyId: key.id, permissions: key.permissions, client: `key:${key.id}` };
      if (given && options.accessToken && secretMatches(given, options.accessToken))
        return { kind: 'console', client: `lan:${client.address ?? 'unknown'}` };
      throw new HttpRefusal(401, 'api_key_invalid', 'the Authorization header holds no key of this terminal');
    }
    const ticket = url.pathname === '/api/events' ? url.searchParams.get('ticket') : null;
    if (ticket !== null) {
      const caller = tickets.redeem(ticket);
      if (!caller)
        throw new HttpRefusal(401, 'ticket_invalid', 'the events ticket is unknown, used or expired');
      return caller;
    }
    if (!client.local)
      throw new HttpRefusal(401, 'token_required', 'this API needs the access token from this terminal');
    const givenSession = request.headers[SESSION_HEADER];
    if (typeof givenSession === 'string') {
      if (!secretMatches(givenSession, session))
        throw new HttpRefusal(
          401,
          'session_expired',
          'the page’s session is from an earlier start: reload the page',
        );
      return CONSOLE_CALLER;
    }
    return { kind: 'local', client: `local:${client.address ?? 'unknown'}` };
  }

  function sendInvocation(response: ServerResponse, name: string, outcome: Invocation): void {
    if (name === 'health' && outcome.ok) {
      send(response, 200, { ok: true, value: withTls(outcome.value as HealthView) });
      return;
    }
    if (isVkOperation(name)) {
      send(response, outcome.ok ? 200 : outcome.status, answerFor(outcome));
      return;
    }
    if (outcome.ok) send(response, 200, { ok: true, value: outcome.value });
    else
      send(response, outcome.status, {
        ok: false,
        code: outcome.error.code,
        message: outcome.error.message,
        error: outcome.error,
      });
  }

  /** Provider notifications: no token (the providers call it), the signature is the authentication. */
  async function handleNotify(
    request: IncomingMessage,
    response: ServerResponse,
    rawPid: string,
    rawProvider: string,
  ): Promise<void> {
    const text = await readBody(request);
    let pid: string;
    let provider: string;
    try {
      pid = decodeURIComponent(rawPid);
      provider = decodeURIComponent(rawProvider);
    } catch {
      throw new HttpRefusal(400, 'path_invalid', 'the path is not valid percent-encoding');
    }
    const answer = service.handleNotify(pid, provider, text, request.headers);
    response.writeHead(answer.status, {
      'content-type': answer.contentType,
      'cache-control': 'no-store',
      'content-length': Buffer.byteLength(answer.body),
    });
    response.end(answer.body);
  }

  /** The UI. The page carries the console session only for a local client (a LAN browser uses the token). */
  function serveStatic(path: string, request: IncomingMessage, response: ServerResponse): void {
    const peer = options.clientAddress ? options.clientAddress(request) : request.socket.remoteAddress;
    const local = resolveClient(request, peer, trustedProxies, publicHost).local;
    serveUiFile(options.staticDir, path, local ? session : null, response);
  }

  async function handleApi(request: IncomingMessage, response: ServerResponse, url: URL): Promise<void> {
    if (request.method === 'POST' && !isJsonContentType(request.headers['content-type']))
      throw new HttpRefusal(415, 'content_type_not_json', 'send the body as Content-Type: application/json');
    if (!originAllowed(request.headers.origin, request.headers.host, scheme))
      throw new HttpRefusal(403, 'origin_not_allowed', 'requests from another web page are refused');
    const caller = identify(request, url);
    const name = url.pathname.slice(5);
    if (request.method === 'GET' && name === 'events') {
      if (caller.kind === 'integrator' && !caller.permissions.includes('query'))
        throw new HttpRefusal(403, 'permission_denied', `API key ${caller.keyId} lacks the query permission`);
      response.writeHead(200, {
        'content-type': 'text/event-stream',
        connection: 'keep-alive',
        ...API_HEADERS,
      });
      const health = withTls(await service.api.health({}));
      response.write(`data: ${JSON.stringify({ kind: 'health', health })}\n\n`);
      sseClients.add(response);
      request.on('close', () => sseClients.delete(response));
      return;
    }
    if (request.method === 'GET' && (name === 'health' || name === 'orders' || name === 'orders.csv')) {
      const operation = name === 'health' ? 'health' : name === 'orders' ? 'listOrders' : 'exportOrders';
      const input = name === 'health' ? {} : orderQuery(url.searchParams);
      const outcome = await service.invoke(caller, operation, input);
      if (name === 'health' && outcome.ok) return send(response, 200, withTls(outcome.value as HealthView));
      if (name !== 'orders.csv' || !outcome.ok) return sendInvocation(response, operation, outcome);
      const file = outcome.value as OrdersExport;
      response.writeHead(200, {
        'content-type': 'text/csv; charset=utf-8',
        'content-disposition': `attachment; filename="${file.filename}"`,
        'content-length': Buffer.byteLength(file.csv),
        ...API_HEADERS,
      });
      response.end(file.csv);
      return;
    }
    if (request.method !== 'POST')
      throw new HttpRefusal(
        405,
        'method_not_allowed',
        `${request.method} is not supported on ${url.pathname}`,
      );
    const text = await readBody(request);
    let body: unknown;
    try {
      body = text.length === 0 ? {} : JSON.parse(text);
    } catch {
      throw new HttpRefusal(400, 'body_invalid', 'the body is not valid JSON');
    }
    if (name === 'eventsTicket') return send(response, 200, { ok: true, value: tickets.issue(caller) });
    sendInvocation(response, name, await service.invoke(caller, name, body));
  }

  const handler = async (request: IncomingMessage, response: ServerResponse) => {
    try {
      const url = new URL(request.url ?? '/', 'http://localhost');
      let path: string;
      try {
        path = decodeURIComponent(url.pathname);
      } catch {
        throw new HttpRefusal(400, 'path_invalid', 'the path is not valid percent-encoding');
      }
      const notify = NOTIFY_PATH.exec(url.pathname);
      if (notify && request.method === 'POST')
        return await handleNotify(request, response, notify[1]!, notify[2]!);
      if (!hostAllowed(hostPolicy, request.headers.host))
        throw new HttpRefusal(421, 'host_not_allowed', 'this service does not answer to that host name');
      if (url.pathname.startsWith('/api/')) return await handleApi(request, response, url);
      if (request.method !== 'GET' && request.method !== 'HEAD')
        throw new HttpRefusal(405, 'method_not_allowed', 'not supported');
      serveStatic(path === '/' ? 'index.html' : path, request, response);
    } catch (error) {
      if (response.headersSent) {
        response.end();
      } else if (error instanceof HttpRefusal) {
        if (error.status === 413) response.setHeader('connection', 'close');
        const name = (request.url ?? '').split('?')[0]!.slice(5);
        if (isVkOperation(name))
          send(response, error.status, answerFor({ ok: false, status: error.status, error: error.toJSON() }));
        else sendError(response, error.status, error.code, error.message);
      } else {
        service.reportInternalError(`http ${request.method} ${(request.url ?? '').split('?')[0]}`, error);
        sendError(response, 500, 'internal_error', 'internal error');
      }
    }
  };

  const server = tls ? createHttpsServer({ cert: tls.cert, key: tls.key }, handler) : createServer(handler);
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        new ConfigError(
          'listen_failed',
          `cannot listen on ${options.host}:${options.port}: ${error.code ?? error.message}`,
          {
            host: options.host,
            port: options.port,
          },
        ),
      ),
    );
    server.listen(options.port, options.host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `${scheme}://${host}:${address.port}`,
    server,
    tlsFingerprint,
    close: async () => {
      unsubscribe();
      clearInterval(heartbeat);
      for (const client of sseClients) client.end();
      sseClients.clear();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
    },
  };
}
