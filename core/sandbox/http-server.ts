/**
 * The sandbox's HTTP plumbing, shared by the plain server and the mTLS one: route by path prefix,
 * read the body under a size cap, and apply the fault plan to provider endpoints only (never to
 * /_sandbox/*, which is how tests learn the truth). Protocol handlers are pure request → reply
 * functions; only this file touches sockets.
 */
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';
import type { FaultDecision, FaultPlan } from './faults.ts';

export const MAX_BODY_BYTES = 64 * 1024;

export interface SandboxRequest {
  readonly method: string;
  /** Path without the query string, e.g. "/wxpay/pay/micropay". */
  readonly path: string;
  readonly query: URLSearchParams;
  /** The request target exactly as received (path + query): WeChat APIv3 signs it byte for byte. */
  readonly target: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  /** True on the TLS server when the client presented a certificate issued by the sandbox CA. */
  readonly clientCertificateOk: boolean;
  readonly tls: boolean;
}

export interface SandboxReply {
  readonly status: number;
  readonly contentType: string;
  readonly body: string;
  /** A binary reply (bills: gzip, zip); sent instead of `body` when present. */
  readonly bytes?: Buffer;
  /** Extra headers (WeChat APIv3 signs replies in Wechatpay-* headers). */
  readonly headers?: Readonly<Record<string, string>>;
  /** The same reply with a wrong signature, for the bad_signature fault. */
  readonly badSignatureBody?: string;
}

export interface Route {
  readonly prefix: string;
  /** Provider endpoints get faults; the control API never does. */
  readonly faulty: boolean;
  handle(request: SandboxRequest): SandboxReply | Promise<SandboxReply>;
  /** The provider's own error shape for a body over the cap. */
  tooLarge(): SandboxReply;
}

export interface ListenerContext {
  readonly routes: readonly Route[];
  faults(): FaultPlan;
  /** Waits (for injected latency) on the sandbox's clock. */
  sleep(ms: number): Promise<void>;
}

const NOT_FOUND: SandboxReply = {
  status: 404,
  contentType: 'application/json; charset=utf-8',
  body: JSON.stringify({ error: 'not_found', message: 'no such sandbox endpoint' }),
};

const INTERNAL_ERROR: SandboxReply = {
  status: 500,
  contentType: 'text/plain; charset=utf-8',
  body: 'Internal Server Error',
};

type BodyRead =
  | { readonly kind: 'ok'; readonly body: string }
  | { readonly kind: 'too_large' }
  | { readonly kind: 'aborted' };

function readBody(req: IncomingMessage): Promise<BodyRead> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = (result: BodyRead) => {
      if (done) return;
      done = true;
      resolve(result);
    };
    req.on('data', (chunk: Buffer) => {
      if (done) return;
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        req.pause();
        finish({ kind: 'too_large' });
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => finish({ kind: 'ok', body: Buffer.concat(chunks).toString('utf8') }));
    req.on('error', () => finish({ kind: 'aborted' }));
    req.on('aborted', () => finish({ kind: 'aborted' }));
  });
}

function send(res: ServerResponse, reply: SandboxReply, body = reply.body, closeAfter = false): void {
  if (res.destroyed || res.headersSent) return;
  const payload = reply.bytes ?? body;
  const headers: Record<string, string | number> = {
    ...reply.headers,
    'content-type': reply.contentType,
    'content-length': Buffer.byteLength(payload),
  };
  if (closeAfter) headers.connection = 'close';
  res.writeHead(reply.status, headers);
  res.end(payload);
}

/** Cuts a reply in the middle and adds bytes no parser accepts: "the reply came back unreadable". */
export function garble(body: string): string {
  return `${body.slice(0, Math.max(1, Math.floor(body.length / 2)))}\u0000<<garbled`;
}

async function runRoute(route: Route, request: SandboxRequest): Promise<SandboxReply> {
  try {
    return await route.handle(request);
  } catch {
    // A handler bug must look like what it is to the client: an unknown outcome, not a crash.
    return INTERNAL_ERROR;
  }
}

export function createRequestListener(
  context: ListenerContext,
): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    void handle(req, res).catch(() => {
      if (!res.headersSent) send(res, INTERNAL_ERROR);
      else res.destroy();
    });
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://sandbox.invalid');
    const route = context.routes.find((r) => url.pathname.startsWith(r.prefix));
    const read = await readBody(req);
    if (read.kind === 'aborted') return;
    if (!route) {
      send(res, NOT_FOUND);
      return;
    }
    if (read.kind === 'too_large') {
      send(res, route.tooLarge(), undefined, true);
      req.socket.destroySoon?.();
      return;
    }
    const socket = req.socket as Partial<TLSSocket>;
    const request: SandboxRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: url.searchParams,
      target: req.url ?? '/',
      headers: req.headers,
      body: read.body,
      clientCertificateOk: socket.encrypted === true && socket.authorized === true,
      tls: socket.encrypted === true,
    };
    if (!route.faulty) {
      send(res, await runRoute(route, request));
      return;
    }
    const plan = context.faults();
    const fault: FaultDecision = plan.next();
    if (plan.latencyMs > 0) await context.sleep(plan.latencyMs);
    if (fault.kind === 'http_500' && fault.phase === 'before_commit') {
      send(res, INTERNAL_ERROR);
      return;
    }
    const reply = await runRoute(route, request); // the trade is committed here
    switch (fault.kind) {
      case 'none':
        send(res, reply);
        return;
      case 'http_500':
        send(res, INTERNAL_ERROR);
        return;
      case 'drop_reply':
        req.socket.destroy();
        return;
      case 'malformed_reply':
        send(res, reply, garble(reply.body));
        return;
      case 'bad_signature':
        send(res, reply, reply.badSignatureBody ?? reply.body);
        return;
    }
  }
}
