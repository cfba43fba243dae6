/**
 * Headless mode: each operation is `POST /api/<name>` whose body is a CallResult whatever the HTTP
 * status; events arrive as server-sent events on `GET /api/events` (EventSource reconnects by itself).
 * A page opened with `?token=…` sends it as a Bearer header and, since EventSource cannot set
 * headers, as `token=` on the events URL.
 */
import type {
  CallResult,
  OperationName,
  OperationRequest,
  OperationResult,
  ServiceEvent,
} from '../../../core/common/contract/api-contract.ts';
import { ScanPayError } from '../../../core/common/errors.ts';
import type { LinkState, RendererBridge } from './renderer-bridge.ts';

export interface HttpBridgeOptions {
  /** Origin (and optional path prefix) of the service, e.g. "http://127.0.0.1:8080". */
  readonly baseUrl: string;
  readonly token: string | null;
  readonly fetch?: typeof fetch;
  readonly EventSource?: typeof EventSource;
}

function isCallResult(value: unknown): value is CallResult<unknown> {
  if (typeof value !== 'object' || value === null || !('ok' in value)) return false;
  const v = value as { ok: unknown; error?: unknown };
  if (v.ok === true) return 'value' in value;
  return v.ok === false && typeof v.error === 'object' && v.error !== null;
}

export function createHttpBridge(options: HttpBridgeOptions): RendererBridge {
  const doFetch = options.fetch ?? globalThis.fetch.bind(globalThis);
  const EventSourceImpl = options.EventSource ?? globalThis.EventSource;
  const base = options.baseUrl.replace(/\/+$/, '');
  const listeners = new Set<(event: ServiceEvent) => void>();
  const linkListeners = new Set<(state: LinkState) => void>();
  let link: LinkState = 'connecting';
  let source: EventSource | null = null;

  const setLink = (next: LinkState) => {
    if (next === link) return;
    link = next;
    for (const l of linkListeners) l(next);
  };

  const open = () => {
    if (source) return;
    const url = new URL(`${base}/api/events`);
    if (options.token) url.searchParams.set('token', options.token);
    source = new EventSourceImpl(url.toString());
    source.onopen = () => setLink('open');
    source.onerror = () => setLink('lost');
    source.onmessage = (message: MessageEvent) => {
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

  const closeIfUnused = () => {
    if (listeners.size > 0 || linkListeners.size > 0 || !source) return;
    source.close();
    source = null;
    link = 'connecting';
  };

  return {
    capturesWedgeInMain: false,
    async call<K extends OperationName>(name: K, request: OperationRequest<K>): Promise<OperationResult<K>> {
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (options.token) headers.authorization = `Bearer ${options.token}`;
      let response: Response;
      try {
        response = await doFetch(`${base}/api/${name}`, {
          method: 'POST',
          headers,
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
      if (!isCallResult(body)) {
        throw new ScanPayError(
          'service_bad_reply',
          `unreadable reply from the service (HTTP ${response.status})`,
        );
      }
      if (body.ok) return body.value as OperationResult<K>;
      throw new ScanPayError(body.error.code, body.error.message, body.error.details as never);
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
