/**
 * The one HTTP client the three adapters share: POST a body, get `{status, body}` back or a typed
 * transport failure. Hand-written over node:http/https rather than fetch/undici because the adapters
 * need three things together that fetch does not give in one place: a hard deadline for the whole
 * exchange (connect + send + read), a client-certificate agent (WeChat /secapi mTLS) and a cap on the
 * reply size. A failure here never says "the payment failed": the adapters turn it into `unknown`.
 *
 * Connections (issue 20): each transport keeps one pool per provider (`providerConnections`), so
 * the queries of a payment reuse one TLS connection instead of paying TCP + TLS handshakes each
 * time, and a new connection resumes a cached TLS session. A charge may go out on a pooled socket
 * too, because nothing here ever resends: a pooled socket the provider had already closed shows up
 * as a reset before any byte of the reply, which is a `network` failure like any other, so the
 * adapters report `unknown` and the engine queries, then reverses (docs/protocols.md §7, "Connections").
 * Node's own client never retries a request either. Idle sockets are dropped after
 * IDLE_SOCKET_MS (sooner if the server's Keep-Alive header says so), well inside the idle limits
 * of the providers' front ends, so such a reset stays rare.
 */
import http from 'node:http';
import https from 'node:https';

export interface HttpPostRequest {
  readonly url: string;
  /** Default POST; GET sends no body (WeChat APIv3 queries). */
  readonly method?: 'POST' | 'GET';
  readonly body: string;
  readonly contentType: string;
  /** Deadline for the whole exchange; after it the socket is destroyed. */
  readonly timeoutMs: number;
  /** For https URLs: e.g. a client-certificate agent. Ignored for http URLs. Wins over `connections`. */
  readonly httpsAgent?: https.Agent;
  /** The transport's keep-alive pools; without them every call opens (and closes) its own connection. */
  readonly connections?: ProviderConnections;
  readonly headers?: Readonly<Record<string, string>>;
  /** Replies larger than this are cut off and reported as `too_large` (default 1 MiB). */
  readonly maxBodyBytes?: number;
}

export type HttpPostResult =
  | {
      readonly kind: 'response';
      readonly status: number;
      readonly body: string;
      /** Lower-cased reply headers (WeChat APIv3 signs its replies in Wechatpay-* headers). */
      readonly headers: Readonly<Record<string, string | string[] | undefined>>;
    }
  | {
      readonly kind: 'transport_failure';
      readonly reason: 'timeout' | 'network' | 'too_large';
      readonly detail: string;
    };

const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

/**
 * How long an idle pooled socket is kept. A payment's queries come 1–3 s apart (poll-policy.ts), so
 * they share a connection; the next customer's charge, usually later, gets a fresh one with a
 * resumed TLS session. Kept short so the provider's front end is very unlikely to have closed it.
 */
export const IDLE_SOCKET_MS = 4000;

/** One keep-alive pool per protocol for one provider's transport. */
export interface ProviderConnections {
  readonly http: http.Agent;
  readonly https: https.Agent;
  /** Closes every pooled socket (a transport being replaced). */
  close(): void;
}

/** `tls`: client certificate / CA options for the https pool (WeChat /secapi). */
export function providerConnections(tls: https.AgentOptions = {}): ProviderConnections {
  const pool = {
    keepAlive: true,
    timeout: IDLE_SOCKET_MS,
    // The most recently used socket first: the one least likely to have been closed by the server.
    scheduling: 'lifo',
    maxSockets: 16,
    maxFreeSockets: 4,
  } as const;
  const httpAgent = new http.Agent(pool);
  // maxCachedSessions: the TLS session cache that lets a new connection skip the full handshake.
  const httpsAgent = new https.Agent({ ...pool, maxCachedSessions: 32, ...tls });
  return {
    http: httpAgent,
    https: httpsAgent,
    close() {
      httpAgent.destroy();
      httpsAgent.destroy();
    },
  };
}

export function httpPost(request: HttpPostRequest): Promise<HttpPostResult> {
  const maxBodyBytes = request.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  let url: URL;
  try {
    url = new URL(request.url);
  } catch {
    return Promise.resolve({ kind: 'transport_failure', reason: 'network', detail: 'invalid URL' });
  }
  const isHttps = url.protocol === 'https:';
  if (!isHttps && url.protocol !== 'http:') {
    return Promise.resolve({
      kind: 'transport_failure',
      reason: 'network',
      detail: `unsupported protocol ${url.protocol}`,
    });
  }
  const payload = Buffer.from(request.body, 'utf8');
  const options: http.RequestOptions = {
    method: request.method ?? 'POST',
    headers: {
      ...request.headers,
      'content-type': request.contentType,
      'content-length': String(payload.length),
    },
    agent: agentFor(request, isHttps),
  };

  return new Promise<HttpPostResult>((resolve) => {
    let settled = false;
    const finish = (result: HttpPostResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(result);
    };
    const req = (isHttps ? https : http).request(url, options, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > maxBodyBytes) {
          finish({
            kind: 'transport_failure',
            reason: 'too_large',
            detail: `reply larger than ${maxBodyBytes} bytes`,
          });
          req.destroy();
          return;
        }
        chunks.push(chunk);
      });
      res.on('end', () => {
        finish({
          kind: 'response',
          status: res.statusCode ?? 0,
          body: Buffer.concat(chunks).toString('utf8'),
          headers: res.headers,
        });
      });
      res.on('error', (error) => finish(failureOf(error)));
      // A reply cut off mid-body surfaces as 'aborted'/'close' without 'end'.
      res.on('close', () => {
        if (!res.complete) finish({ kind: 'transport_failure', reason: 'network', detail: 'reply cut off' });
      });
    });
    const timer = setTimeout(() => {
      finish({
        kind: 'transport_failure',
        reason: 'timeout',
        detail: 'no complete reply before the deadline',
      });
      req.destroy();
    }, request.timeoutMs);
    req.on('error', (error) => finish(failureOf(error)));
    req.end(payload);
  });
}

function agentFor(request: HttpPostRequest, isHttps: boolean): http.Agent | false {
  if (isHttps) return request.httpsAgent ?? request.connections?.https ?? false;
  return request.connections?.http ?? false;
}

function failureOf(error: unknown): HttpPostResult {
  const code = (error as { code?: unknown } | null)?.code;
  // Error codes only (ECONNRESET, ECONNREFUSED, CERT_…): messages could quote a URL with parameters.
  return {
    kind: 'transport_failure',
    reason: 'network',
    detail: typeof code === 'string' ? code : 'connection failed',
  };
}
