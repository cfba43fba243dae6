/**
 * The local HTTP API (vk-uni-pay shaped) and the headless UI server. `POST /api/<operation>` takes
 * the operation's JSON body, validated with the contract's zod schema, and answers
 * `{ok:true,value}` or `{ok:false,code,message,error:{code,message}}` with the right status;
 * `GET /api/health`, `GET /api/orders` (query string filters), `GET /api/orders.csv` (the same
 * filters, every matching order as a CSV download) and `GET /api/events` (server-sent events) are
 * plain reads. Clients that are not on loopback must present the access token, and the
 * server refuses to bind a non-loopback address without one.
 */
import { timingSafeEqual } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, sep } from 'node:path';
import {
  isOperationName,
  type OperationName,
  type OrdersExport,
  type ServiceEvent,
} from '../../common/contract/api-contract.ts';
import { OPERATION_SCHEMAS } from '../../common/contract/operation-schemas.ts';
import { ConfigError, httpStatusFor, toErrorShape } from '../../common/errors.ts';
import type { KioskService } from '../kiosk-service.ts';

const MAX_BODY = 64 * 1024;
const NOTIFY_PATH = /^\/notify\/([^/]+)\/([^/]+)$/;
const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
  '.wav': 'audio/wav',
};
const CSP =
  "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

export interface ApiServerOptions {
  readonly service: KioskService;
  readonly host: string;
  readonly port: number;
  readonly staticDir?: string;
  readonly accessToken?: string;
  /** Who is calling; the socket's peer address unless a test or a trusted proxy setup says otherwise. */
  readonly clientAddress?: (request: IncomingMessage) => string | undefined;
}

export interface RunningApiServer {
  readonly url: string;
  readonly server: Server;
  close(): Promise<void>;
}

export function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  return (
    address === '::1' ||
    address === 'localhost' ||
    address.startsWith('127.') ||
    address.startsWith('::ffff:127.')
  );
}

function send(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
    'content-length': Buffer.byteLength(text),
  });
  response.end(text);
}

/** GET /api/orders and /api/orders.csv filters from the query string (token excluded: it is not a filter). */
function orderQuery(params: URLSearchParams): Record<string, unknown> {
  const query: Record<string, unknown> = {};
  for (const [key, value] of params) {
    if (key === 'token') continue;
    query[key] = ['from', 'to', 'status', 'page', 'page_size'].includes(key) ? Number(value) : value;
  }
  return query;
}

function sendError(response: ServerResponse, status: number, code: string, message: string): void {
  send(response, status, { ok: false, code, message, error: { code, message } });
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) {
        reject(Object.assign(new Error('too large'), { code: 'body_too_large' }));
        request.destroy();
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

function tokenMatches(given: string | null, expected: string | undefined): boolean {
  if (!expected || !given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function validationMessage(issues: readonly { path: readonly PropertyKey[]; message: string }[]): string {
  return issues.map((i) => `${i.path.map(String).join('.') || 'body'}: ${i.message}`).join('; ');
}

export async function startApiServer(options: ApiServerOptions): Promise<RunningApiServer> {
  const { service } = options;
  if (!isLoopback(options.host) && !options.accessToken) {
    throw new ConfigError(
      'access_token_required',
      `binding ${options.host} exposes the payment API beyond this machine: set server.access_token in config.json first`,
    );
  }
  const sseClients = new Set<ServerResponse>();
  const unsubscribe = service.onEvent((event: ServiceEvent) => {
    const frame = `data: ${JSON.stringify(event)}\n\n`;
    for (const client of sseClients) client.write(frame);
  });
  const heartbeat = setInterval(() => {
    for (const client of sseClients) client.write(': keep-alive\n\n');
  }, 15_000);
  heartbeat.unref();

  /** Validates and runs one operation: its value, or the HTTP status and error envelope to send. */
  async function runOperation(
    name: OperationName,
    input: unknown,
  ): Promise<{ ok: true; value: unknown } | { ok: false; status: number; body: unknown }> {
    const parsed = OPERATION_SCHEMAS[name].safeParse(input ?? {});
    if (!parsed.success) {
      const message = validationMessage(parsed.error.issues);
      const error = { code: 'validation_failed', message };
      return { ok: false, status: 400, body: { ok: false, ...error, error } };
    }
    try {
      const operation = service.api[name] as (request: unknown) => Promise<unknown>;
      return { ok: true, value: await operation.call(service.api, parsed.data) };
    } catch (error) {
      const shape = toErrorShape(error);
      return {
        ok: false,
        status: httpStatusFor(error),
        body: { ok: false, code: shape.code, message: shape.message, error: shape },
      };
    }
  }

  async function callOperation(name: OperationName, input: unknown, response: ServerResponse): Promise<void> {
    const outcome = await runOperation(name, input);
    if (outcome.ok) send(response, 200, { ok: true, value: outcome.value });
    else send(response, outcome.status, outcome.body);
  }

  /** Provider notifications: no token (the providers call it), the signature is the authentication. */
  async function handleNotify(
    request: IncomingMessage,
    response: ServerResponse,
    rawPid: string,
    rawProvider: string,
  ): Promise<void> {
    let text: string;
    try {
      text = await readBody(request);
    } catch (error) {
      const tooLarge = (error as { code?: string }).code === 'body_too_large';
      response.writeHead(tooLarge ? 413 : 400, { 'content-type': 'text/plain; charset=utf-8' });
      response.end(tooLarge ? 'body too large' : 'unreadable body');
      return;
    }
    let pid: string;
    let provider: string;
    try {
      pid = decodeURIComponent(rawPid);
      provider = decodeURIComponent(rawProvider);
    } catch {
      response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
      response.end('not found');
      return;
    }
    const answer = service.handleNotify(pid, provider, text);
    response.writeHead(answer.status, {
      'content-type': answer.contentType,
      'cache-control': 'no-store',
      'content-length': Buffer.byteLength(answer.body),
    });
    response.end(answer.body);
  }

  function serveStatic(path: string, response: ServerResponse): void {
    const root = options.staticDir;
    if (!root || !existsSync(join(root, 'index.html'))) {
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      response.end(
        '<!doctype html><meta charset="utf-8"><title>ScanPay Kiosk</title><p>The UI is not built: run <code>npm run build:renderer</code>. The API is at /api/health.</p>',
      );
      return;
    }
    const relative = normalize(decodeURIComponent(path)).replace(/^([/\\])+/, '');
    let file = join(root, relative);
    if (!file.startsWith(root + sep) && file !== root) file = join(root, 'index.html');
    if (!existsSync(file) || statSync(file).isDirectory()) file = join(root, 'index.html');
    const type = CONTENT_TYPES[extname(file)] ?? 'application/octet-stream';
    response.writeHead(200, {
      'content-type': type,
      'content-security-policy': CSP,
      'x-content-type-options': 'nosniff',
      'cache-control': file.endsWith('index.html') ? 'no-cache' : 'public, max-age=31536000, immutable',
    });
    response.end(readFileSync(file));
  }

  const server = createServer(async (request, response) => {
    try {
      const url = new URL(request.url ?? '/', 'http://localhost');
      const path = url.pathname;
      const notify = NOTIFY_PATH.exec(path);
      if (notify && request.method === 'POST') {
        await handleNotify(request, response, notify[1]!, notify[2]!);
        return;
      }
      if (path.startsWith('/api/')) {
        const client = options.clientAddress ? options.clientAddress(request) : request.socket.remoteAddress;
        if (!isLoopback(client)) {
          const header = request.headers.authorization;
          const given = header?.startsWith('Bearer ') ? header.slice(7) : url.searchParams.get('token');
          if (!tokenMatches(given, options.accessToken)) {
            sendError(response, 401, 'token_required', 'this API needs the access token from this terminal');
            return;
          }
        }
        const name = path.slice(5);
        if (request.method === 'GET' && name === 'events') {
          response.writeHead(200, {
            'content-type': 'text/event-stream',
            'cache-control': 'no-store',
            connection: 'keep-alive',
          });
          response.write(
            `data: ${JSON.stringify({ kind: 'health', health: await service.api.health({}) })}\n\n`,
          );
          sseClients.add(response);
          request.on('close', () => sseClients.delete(response));
          return;
        }
        if (request.method === 'GET' && name === 'health') {
          send(response, 200, await service.api.health({}));
          return;
        }
        if (request.method === 'GET' && name === 'orders') {
          await callOperation('listOrders', orderQuery(url.searchParams), response);
          return;
        }
        if (request.method === 'GET' && name === 'orders.csv') {
          const outcome = await runOperation('exportOrders', orderQuery(url.searchParams));
          if (!outcome.ok) {
            send(response, outcome.status, outcome.body);
            return;
          }
          const file = outcome.value as OrdersExport;
          response.writeHead(200, {
            'content-type': 'text/csv; charset=utf-8',
            'content-disposition': `attachment; filename="${file.filename}"`,
            'cache-control': 'no-store',
            'content-length': Buffer.byteLength(file.csv),
          });
          response.end(file.csv);
          return;
        }
        if (request.method !== 'POST') {
          sendError(response, 405, 'method_not_allowed', `${request.method} is not supported on ${path}`);
          return;
        }
        if (!isOperationName(name)) {
          sendError(response, 404, 'operation_unknown', `no operation ${name}`);
          return;
        }
        let body: unknown;
        try {
          const text = await readBody(request);
          body = text.length === 0 ? {} : JSON.parse(text);
        } catch (error) {
          const tooLarge = (error as { code?: string }).code === 'body_too_large';
          sendError(
            response,
            tooLarge ? 413 : 400,
            tooLarge ? 'body_too_large' : 'body_invalid',
            tooLarge ? `bodies are limited to ${MAX_BODY} bytes` : 'the body is not valid JSON',
          );
          return;
        }
        await callOperation(name, body, response);
        return;
      }
      if (request.method !== 'GET' && request.method !== 'HEAD') {
        sendError(response, 405, 'method_not_allowed', 'not supported');
        return;
      }
      serveStatic(path === '/' ? 'index.html' : path, response);
    } catch (error) {
      if (!response.headersSent) sendError(response, 500, 'internal_error', 'internal error');
      else response.end();
      void error;
    }
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${host}:${address.port}`,
    server,
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
