/**
 * Headless mode: each operation is `POST /api/<name>`; events arrive as server-sent events on
 * `GET /api/events` (docs/security.md, README "Local API"):
 * - The page served to this machine carries a session (meta `scanpay-session`), sent as
 *   `X-ScanPay-Session`: it makes the page the console, whose refunds and settings take the PIN.
 * - A browser on another machine is given the access token in the link's fragment (`#token=…`, never
 *   sent to the server in a URL); it goes in `Authorization: Bearer`. EventSource cannot set headers,
 *   so the stream is opened with a one-time ticket fetched with the token, and a new ticket on every
 *   reconnect.
 * - createPayment, queryPayment, refund, queryRefund and closeOrder answer vk-uni-pay's flat shape
 *   (`code` 0 and the fields at the top level, or `error_code` + `msg`); the other operations answer
 *   a CallResult. Both become the operation's value or a ScanPayError with the same code.
 */
import {
  type CallResult,
  type OperationName,
  type OperationRequest,
  type OperationResult,
  type ServiceEvent,
  VK_OPERATION_NAMES,
} from '../../../core/common/contract/api-contract.ts';
import { receivedError, ScanPayError } from '../../../core/common/errors.ts';
import type { LinkState, RendererBridge } from './renderer-bridge.ts';

export interface HttpBridgeOptions {
  /** Origin (and optional path prefix) of the service, e.g. "http://127.0.0.1:8080". */
  readonly baseUrl: string;
  /** The LAN access token (from the link's fragment), or null on this machine. */
  readonly token: string | null;
  /** The console session the served page carries, or null. */
  readonly session?: string | null;
  readonly fetch?: typeof fetch;
  readonly EventSource?: typeof EventSource;
  /** Wait before reopening a stream that failed with a ticket (a ticket is good once). */
  readonly reconnectMs?: number;
}

const VK_OPERATIONS: ReadonlySet<string> = new Set(VK_OPERATION_NAMES);

function isCallResult(value: unknown): value is CallResult<unknown> {
  if (typeof value !== 'object' || value === null || !('ok' in value)) return false;
  const v = value as { ok: unknown; error?: unknown };
  if (v.ok === true) return 'value' in value;
  return v.ok === false && typeof v.error === 'object' && v.error !== null;
}

/** vk-uni-pay's flat answer → a CallResult (null when the body is neither shape). */
function fromVkAnswer(body: unknown): CallResult<unknown> | null {
  if (typeof body !== 'object' || body === null || typeof (body as { code?: unknown }).code !== 'number')
    return null;
  const { code, msg, error_code, error: _error, ...fields } = body as Record<string, unknown>;
  if (code === 0) return { ok: true, value: fields };
  if (typeof error_code !== 'string') return null;
  return { ok: false, error: { code: error_code, message: typeof msg === 'string' ? msg : '' } };
}

export function createHttpBridge(options: HttpBridgeOptions): RendererBridge {
  const doFetch = options.fetch ?? globalThis.fetch.bind(globalThis);
  const EventSourceImpl = options.EventSource ?? globalThis.EventSource;
  const base = options.baseUrl.replace(/\/+$/, '');
  const listeners = new Set<(event: ServiceEvent) => void>();
  const linkListeners = new Set<(state: LinkState) => void>();
  let link: LinkState = 'connecting';
  let source: EventSource | null = null;
  let wanted = false;
  let reopenTimer: ReturnType<typeof setTimeout> | null = null;

  const headers = (): Record<string, string> => ({
    'content-type': 'application/json',
    ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
    ...(options.session ? { 'x-scanpay-session': options.session } : {}),
  });

  const setLink = (next: LinkState) => {
    if (next === link) return;
    link = next;
    for (const l of linkListeners) l(next);
  };

  const attach = (url: string) => {
    const opened = new EventSourceImpl(url);
    source = opened;
    opened.onopen = () => setLink('open');
    opened.onerror = () => {
      setLink('lost');
      // With a ticket the browser's own reconnect would reuse a spent ticket: start over instead.
      if (options.token && source === opened) {
        opened.close();
        source = null;
        reopenTimer = setTimeout(() => {
          reopenTimer = null;
          open();
        }, options.reconnectMs ?? 2000);
      }
    };
    opened.onmessage = (message: MessageEvent) => {
      let event: ServiceEvent;
      try {
        event = JSON.parse(String(message.data)) as ServiceEvent;
      } catch {
        return; // one unreadable line must not take the page down
      }
      if (typeof event !== 'object' || event === null || typeof event.kind !== 'string') return;
      for (const l of listeners) l(event);
    };
  };

  const open = () => {
    wanted = true;
    if (source || reopenTimer) return;
    if (!options.token) {
      attach(`${base}/api/events`);
      return;
    }
    void doFetch(`${base}/api/eventsTicket`, { method: 'POST', headers: headers(), body: '{}' })
      .then((response) => response.json() as Promise<unknown>)
      .then((body) => {
        if (!wanted || source) return;
        const ticket = isCallResult(body) && body.ok ? (body.value as { ticket?: unknown }).ticket : null;
        if (typeof ticket !== 'string') throw new Error('no ticket');
        attach(`${base}/api/events?ticket=${encodeURIComponent(ticket)}`);
      })
      .catch(() => {
        setLink('lost');
        if (wanted && !reopenTimer)
          reopenTimer = setTimeout(() => {
            reopenTimer = null;
            open();
          }, options.reconnectMs ?? 2000);
      });
  };

  const closeIfUnused = () => {
    if (listeners.size > 0 || linkListeners.size > 0) return;
    wanted = false;
    if (reopenTimer) clearTimeout(reopenTimer);
    reopenTimer = null;
    source?.close();
    source = null;
    link = 'connecting';
  };

  return {
    capturesWedgeInMain: false,
    async call<K extends OperationName>(name: K, request: OperationRequest<K>): Promise<OperationResult<K>> {
      let response: Response;
      try {
        response = await doFetch(`${base}/api/${name}`, {
          method: 'POST',
          headers: headers(),
          body: JSON.stringify(request ?? {}),
        });
      } catch (cause) {
        throw new ScanPayError('service_unreachable', 'the payment service did not answer', undefined, {
          cause,
        });
      }
      let body: unknown;
      try {
        body = await response.json();
      } catch {
        body = undefined;
      }
      const result = isCallResult(body) ? body : VK_OPERATIONS.has(name) ? fromVkAnswer(body) : null;
      if (!result) {
        throw new ScanPayError(
          'service_bad_reply',
          `unreadable reply from the service (HTTP ${response.status})`,
        );
      }
      if (result.ok) return result.value as OperationResult<K>;
      throw receivedError(result.error);
    },
    subscribe(listener) {
      listeners.add(listener);
      open();
      return () => {
        listeners.delete(listener);
        closeIfUnused();
      };
    },
    onLinkChange(listener) {
      linkListeners.add(listener);
      open();
      listener(link);
      return () => {
        linkListeners.delete(listener);
        closeIfUnused();
      };
    },
  };
}
